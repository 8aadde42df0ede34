package dev.finetune.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.norm.LayerNorm;

/**
 * The embedding layer: word + position (unless the family has none) + token-type embeddings (when
 * the family and {@code type_vocab_size} have them), LayerNorm, dropout (ModernBERT: word
 * embeddings, norm, dropout; {@code embeddings.tok_embeddings} and {@code embeddings.norm}), of
 * width {@link EncoderConfig#embeddingSize()} (the hidden size unless the family factorises its
 * embeddings), with the Hugging Face names {@code embeddings.word_embeddings.weight},
 * {@code embeddings.position_embeddings.weight}, {@code embeddings.token_type_embeddings.weight}
 * and {@code embeddings.LayerNorm.{weight,bias}}.
 *
 * <pre>{@code
 * Parameter words = classifier.encoder().embeddings().wordEmbeddings();   // (vocab, hidden)
 * }</pre>
 */
public final class Embeddings {

  private final EncoderConfig config;
  private final Parameter words;
  private final Parameter positions;
  private final Parameter tokenTypes;
  private final Parameter normWeight;
  private final Parameter normBias;
  private final Shape normalizedShape;
  private final float dropout;

  Embeddings(EncoderConfig config, ParameterFactory factory) {
    this.config = config;
    long h = config.embeddingSize();
    words = factory.create("embeddings.word_embeddings.weight", config.vocabSize(), h);
    positions =
        config.modelType().absolutePositions(config)
            ? factory.create(
                "embeddings.position_embeddings.weight", config.maxPositionEmbeddings(), h)
            : null;
    tokenTypes =
        config.modelType().encoderLayout().tokenTypes() && config.typeVocabSize() > 0
            ? factory.create("embeddings.token_type_embeddings.weight", config.typeVocabSize(), h)
            : null;
    normWeight = factory.create("embeddings.LayerNorm.weight", h);
    normBias = factory.create("embeddings.LayerNorm.bias", h);
    normalizedShape = new Shape(h);
    dropout = config.hiddenDropout();
  }

  /**
   * Embeddings without a position or token-type table (positions are rotary, inside attention):
   * word table, norm, dropout, as ModernBERT's {@code tok_embeddings}, {@code norm}, {@code drop}.
   *
   * @param normBias the norm's bias, or null for a norm without one
   */
  Embeddings(EncoderConfig config, Parameter words, Parameter normWeight, Parameter normBias,
      float dropout) {
    this.config = config;
    this.words = words;
    this.positions = null;
    this.tokenTypes = null;
    this.normWeight = normWeight;
    this.normBias = normBias;
    this.normalizedShape = new Shape(config.hiddenSize());
    this.dropout = dropout;
  }

  /**
   * Word embeddings only (B, T, E): the input that soft tokens are prepended to.
   *
   * @param ctx the forward pass
   * @param inputIds (B, T) int64
   * @return (B, T, E), E the embedding width
   */
  NDArray words(ForwardContext ctx, NDArray inputIds) {
    return Embedding.embedding(inputIds, ctx.value(words), SparseFormat.DENSE).singletonOrThrow();
  }

  /**
   * Adds position and token-type embeddings, normalises and applies dropout.
   *
   * @param ctx the forward pass
   * @param wordEmbeddings (B, T, H)
   * @param inputIds (B, T) ids used for padding-aware {@link PositionIds}, or null when the
   *     sequence holds soft tokens (positions are then sequential, as HF does for inputs_embeds)
   * @param tokenTypeIds (B, T) int64
   * @param shift added to every real token's position (k positions of a key/value prefix before
   *     the sequence, as Hugging Face's {@code past_key_values_length}); 0 normally
   * @return (B, T, H)
   */
  NDArray finish(ForwardContext ctx, NDArray wordEmbeddings, NDArray inputIds,
      NDArray tokenTypeIds, int shift) {
    int t = (int) wordEmbeddings.getShape().get(1);
    int offset = config.modelType().positionIds().firstPosition(config.padTokenId());
    NDArray sum = wordEmbeddings;
    if (positions != null) {
      sum = sum.add(positionEmbeddings(ctx, inputIds, t, offset, shift));
    }
    if (tokenTypes != null) {
      NDArray types =
          Embedding.embedding(tokenTypeIds, ctx.value(tokenTypes), SparseFormat.DENSE)
              .singletonOrThrow();
      sum = positions != null ? sum.addi(types) : sum.add(types);
    }
    return ctx.dropout(norm(ctx, sum), dropout);
  }

  private NDArray norm(ForwardContext ctx, NDArray x) {
    NDArray bias = normBias == null
        ? ctx.manager().zeros(normalizedShape, x.getDataType(), x.getDevice())
        : ctx.value(normBias);
    return LayerNorm.layerNorm(
            x, normalizedShape, ctx.value(normWeight), bias, (float) config.layerNormEps())
        .singletonOrThrow();
  }

  /** The position embeddings of the T tokens (B, T, H), or (T, H) broadcast over the batch. */
  private NDArray positionEmbeddings(
      ForwardContext ctx, NDArray inputIds, int t, int offset, int shift) {
    NDManager m = ctx.manager();
    PositionIds positionIds = config.modelType().positionIds();
    if (t + offset + shift > config.maxPositionEmbeddings()) {
      throw new IllegalArgumentException(
          "sequence length "
              + t
              + (shift > 0 ? " after " + shift + " prefix positions" : "")
              + " exceeds the "
              + config.maxSequenceLength()
              + " positions of this model (max_position_embeddings); truncate the input");
    }
    NDArray positionTable = ctx.value(positions);
    if (positionIds.paddingAware() && inputIds != null) {
      NDArray ids = robertaPositionIds(inputIds, config.padTokenId(), shift);
      return Embedding.embedding(ids, positionTable, SparseFormat.DENSE).singletonOrThrow();
    }
    // rows offset+shift..offset+shift+T-1 of the table, broadcast over the batch
    int first = offset + shift;
    return positionTable.get(m, new NDIndex("{}:{}", first, first + t));
  }

  /**
   * RoBERTa's position ids (Hugging Face {@code create_position_ids_from_input_ids}): padding
   * tokens get {@code pad}, the others count up from {@code pad + 1}, skipping padding.
   *
   * @param inputIds (B, T) int64
   * @param pad the padding token id
   * @return (B, T) int64
   */
  static NDArray robertaPositionIds(NDArray inputIds, int pad) {
    return robertaPositionIds(inputIds, pad, 0);
  }

  /** As {@link #robertaPositionIds(NDArray, int)}, real tokens shifted by {@code shift}. */
  static NDArray robertaPositionIds(NDArray inputIds, int pad, int shift) {
    NDArray notPad = inputIds.neq(pad).toType(DataType.INT64, false);
    NDArray counts = notPad.cumSum(1);
    if (shift != 0) {
      counts = counts.addi(shift);
    }
    return counts.muli(notPad).addi(pad);
  }

  /**
   * The word-embedding table (vocab, E).
   *
   * @return the parameter
   */
  public Parameter wordEmbeddings() {
    return words;
  }

  /**
   * The position-embedding table (max positions, E); null for a family without absolute positions
   * ({@link ModelType#absolutePositions}: ModernBERT's rotary positions, DeBERTa-v3's relative
   * ones); frozen for good where the family fixes it ({@link ModelType#isFixed}, DistilBERT's
   * sinusoidal table).
   *
   * @return the parameter, or null
   */
  public Parameter positionEmbeddings() {
    return positions;
  }

  /**
   * The token-type table (type vocab, H); null for a family without token types
   * ({@link EncoderLayout#tokenTypes()}, DistilBERT).
   *
   * @return the parameter, or null
   */
  public Parameter tokenTypeEmbeddings() {
    return tokenTypes;
  }
}
