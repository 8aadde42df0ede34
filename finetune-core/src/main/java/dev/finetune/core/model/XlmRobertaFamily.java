package dev.finetune.core.model;

/**
 * XLM-RoBERTa ({@code model_type} {@code xlm-roberta}): RoBERTa's architecture, config defaults, positions,
 * head and {@code roberta.} checkpoint prefix under its own name, with a SentencePiece (Unigram)
 * {@code tokenizer.json}. Registered in {@link ModelTypes}; look it up by name.
 *
 * <pre>{@code
 * ModelType t = ModelType.fromHf("xlm-roberta");
 * t.sequenceClassificationArchitecture();   // "XLMRobertaForSequenceClassification"
 * t.checkpointPrefix();                     // "roberta."
 * }</pre>
 */
public final class XlmRobertaFamily extends RobertaFamily {

  /** Creates the family (the registry holds one instance; {@link ModelTypes#fromHf} finds it). */
  public XlmRobertaFamily() {
    super("xlm-roberta", "XLMRobertaForSequenceClassification");
  }
}
