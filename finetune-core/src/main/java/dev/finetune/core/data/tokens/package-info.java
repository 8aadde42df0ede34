/**
 * Token-classification data (named entities): word/tag readers ({@link
 * dev.finetune.core.data.tokens.TokenReader} for CoNLL columns and JSONL, {@link
 * dev.finetune.core.data.tokens.Conll2003}), IOB1/IOB2 tag schemes converted to IOB2 with a fixed
 * {@link dev.finetune.core.data.tokens.TagSet}, alignment of word tags to sub-word tokens and back
 * ({@link dev.finetune.core.data.tokens.TokenAligner}, {@link
 * dev.finetune.core.data.tokens.TokenAlignment}) and entity spans with character offsets for raw
 * text ({@link dev.finetune.core.data.tokens.EntitySpans}). Batches of aligned windows are {@link
 * dev.finetune.core.data.TokenBatches}; entity-level scores are {@link
 * dev.finetune.core.metrics.EntityMetrics}.
 *
 * <pre>{@code
 * TokenSplit conll = Conll2003.load(Path.of("shared/data/conll2003"));
 * TokenAligner aligner = TokenAligner.builder(tokenizer).maxLength(128).stride(32).build();
 * TokenAlignment train = aligner.align(conll.train());
 * TokenBatches batches = TokenBatches.builder().batchSize(32).shuffle(42).build();
 * }</pre>
 */
package dev.finetune.core.data.tokens;
