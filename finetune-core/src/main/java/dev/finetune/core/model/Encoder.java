package dev.finetune.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An encoder body (embeddings, the projection of factorised embeddings where the family has one,
 * layers, DeBERTa's relative-position table and, where the family has one, a final norm; no head)
 * with Hugging Face parameter names. Reach it through {@link SequenceClassifier#encoder()} to
 * install PEFT extensions.
 *
 * <pre>{@code
 * Encoder encoder = classifier.encoder();
 * encoder.layer(0).value().wrap(myLora);
 * encoder.setSoftTokens(myPrompt);
 * }</pre>
 */
public final class Encoder {

  private final EncoderConfig config;
  private final Embeddings embeddings;
  private final Projection embeddingProjection;
  private final List<EncoderBlock> layers;
  private final HiddenTransform top;
  private final DisentangledAttention relative;
  private volatile SoftTokens softTokens;
  private volatile int positionShift;

  Encoder(EncoderConfig config, ParameterFactory factory) {
    this.config = config;
    if (config.modelType() instanceof EncoderParts parts) {
      embeddings = parts.embeddings(config, factory);
      layers = List.copyOf(parts.layers(config, factory));
      top = parts.top(config, factory);
      embeddingProjection = null;
      relative = null;
      return;
    }
    embeddings = new Embeddings(config, factory);
    embeddingProjection = config.modelType().hasEmbeddingProjection(config)
        ? EncoderLayer.projection(factory, config.modelType().embeddingProjection().orElseThrow(),
            config.embeddingSize(), config.hiddenSize())
        : null;
    List<EncoderBlock> list = new ArrayList<>();
    for (int i = 0; i < config.distinctLayers(); i++) {
      list.add(new EncoderLayer(i, config, factory));
    }
    layers = List.copyOf(list);
    top = null;
    relative = config.modelType().disentangledAttention(config)
        .map(settings -> new DisentangledAttention(settings, config, factory)).orElse(null);
  }

  /**
   * Runs the encoder.
   *
   * @param ctx the forward pass
   * @param inputIds (B, T) token ids
   * @param attentionMask (B, T), 1 for real tokens, 0 for padding; null means all ones
   * @param tokenTypeIds (B, T); null means all zeros
   * @return the last hidden state and its mask
   */
  public EncoderOutput forward(
      ForwardContext ctx, NDArray inputIds, NDArray attentionMask, NDArray tokenTypeIds) {
    NDManager m = ctx.manager();
    NDArray ids = asInt64(inputIds);
    Shape shape = ids.getShape();
    if (shape.dimension() != 2) {
      throw new IllegalArgumentException("input_ids must be (batch, length), got " + shape);
    }
    long batch = shape.get(0);
    NDArray mask = attentionMask == null ? m.ones(shape, DataType.INT64) : asInt64(attentionMask);
    NDArray types = tokenTypeIds == null ? m.zeros(shape, DataType.INT64) : asInt64(tokenTypeIds);
    if (!mask.getShape().equals(shape) || !types.getShape().equals(shape)) {
      throw new IllegalArgumentException(
          "attention_mask "
              + mask.getShape()
              + " and token_type_ids "
              + types.getShape()
              + " must have the shape of input_ids "
              + shape);
    }
    NDArray words = embeddings.words(ctx, ids);
    NDArray positionIds = ids;
    SoftTokens soft = softTokens;
    if (soft != null) {
      NDArray prompt = batched(ctx, soft.embeddings(ctx, (int) batch), batch);
      long p = prompt.getShape().get(1);
      words = ctx.temporary(prompt.concat(words, 1)); // else owned by the prompt's manager
      mask = m.ones(new Shape(batch, p), DataType.INT64).concat(mask, 1);
      types = m.zeros(new Shape(batch, p), DataType.INT64).concat(types, 1);
      positionIds = null;
    }
    NDArray hidden = embeddings.finish(ctx, words, positionIds, types, positionShift);
    if (embeddingProjection != null) {
      hidden = embeddingProjection.forward(ctx, hidden);
    }
    long t = mask.getShape().get(1);
    // Without padding the additive mask is all zeros: skip it (one add over B x heads x T x T
    // scores per layer), as Hugging Face's SDPA path drops an all-ones mask.
    NDArray additive = attentionMask == null || !hasPadding(mask) ? null
        : mask.toType(DataType.FLOAT32, false).subi(1f).muli(Float.MAX_VALUE).reshape(batch, 1, 1, t);
    DisentangledAttention.Pass positions = relative == null ? null : relative.pass(ctx);
    int applied = config.numLayers();
    List<EncoderBlock> steps = new ArrayList<>(applied);
    for (int i = 0; i < applied; i++) {
      // ALBERT's group index int(i / (L / groups)); layer i itself when no weights are shared
      steps.add(layers.get((int) ((long) i * layers.size() / applied)));
    }
    if (ctx.inferenceWeights() != null && !ctx.inferenceWeights().belongsTo(this)) {
      throw new IllegalArgumentException("these InferenceWeights were fused from another model;"
          + " build them with InferenceWeights.of(thisModel)");
    }
    LayerCheckpoints checkpoints = ctx.layerCheckpoints();
    if (checkpoints != null) {
      if (positions != null) {
        throw new IllegalArgumentException("gradientCheckpointing does not support "
            + config.modelType().hfName() + "'s disentangled attention yet (its relative-position"
            + " terms are shared by every layer's recomputation); set gradientCheckpointing false");
      }
      hidden = checkpoints.forward(ctx, steps, hidden, additive);
    } else {
      // float32 evaluation passes of BERT-shaped layers take the layer's inference forward: fewer
      // ops, the same arithmetic
      boolean inference = !ctx.isTraining() && ctx.precision() == Precision.FP32;
      for (EncoderBlock layer : steps) {
        if (positions != null) {
          hidden = ((EncoderLayer) layer).forward(ctx, hidden, additive, positions);
        } else if (inference && layer instanceof EncoderLayer bertShaped) {
          hidden = InferenceLayer.forward(bertShaped, ctx, hidden, additive);
        } else {
          hidden = layer.forward(ctx, hidden, additive);
        }
      }
    }
    if (top != null) {
      hidden = top.apply(ctx, hidden);
    }
    return new EncoderOutput(hidden, mask);
  }

  /** A (P, H) array broadcast to (B, P, H) as a temporary of the pass; (B, P, H) as given. */
  static NDArray batched(ForwardContext ctx, NDArray x, long batch) {
    if (x.getShape().dimension() == 2) {
      Shape s = x.getShape();
      return ctx.temporary(x.expandDims(0)).broadcast(new Shape(batch, s.get(0), s.get(1)));
    }
    return x;
  }

  private static boolean hasPadding(NDArray mask) {
    try (NDArray smallest = mask.min()) {
      return smallest.getLong() == 0;
    }
  }

  private static NDArray asInt64(NDArray x) {
    return x.getDataType() == DataType.INT64 ? x : x.toType(DataType.INT64, false);
  }

  /**
   * The configuration.
   *
   * @return the config
   */
  public EncoderConfig config() {
    return config;
  }

  /**
   * The embedding layer.
   *
   * @return the embeddings
   */
  public Embeddings embeddings() {
    return embeddings;
  }

  /**
   * The projection from the embedding width to the hidden size ({@link
   * ModelType#embeddingProjection()}: ELECTRA's {@code embeddings_project}, ALBERT's
   * {@code encoder.embedding_hidden_mapping_in}).
   *
   * @return the projection, or empty when the embeddings already have the hidden size
   */
  public Optional<Projection> embeddingProjection() {
    return Optional.ofNullable(embeddingProjection);
  }

  /**
   * The layers with their own weights, bottom first: {@link EncoderConfig#distinctLayers()} of
   * them. Where layers share weights (ALBERT) the forward pass applies each one several times
   * ({@link EncoderConfig#numLayers()} in all), so a block inserted into a layer, or a wrapped
   * projection, acts at each application.
   *
   * @return an immutable list
   */
  public List<EncoderBlock> layers() {
    return layers;
  }

  /**
   * One layer, as every family has it.
   *
   * @param index 0..L-1
   * @return the layer
   */
  public EncoderBlock block(int index) {
    if (index < 0 || index >= layers.size()) {
      throw new IndexOutOfBoundsException(
          "layer " + index + " of an encoder with " + layers.size() + " layers");
    }
    return layers.get(index);
  }

  /**
   * One layer of a BERT-shaped family, with its named projections ({@code query()}, ...).
   *
   * @param index 0..L-1
   * @return the layer
   * @throws IllegalStateException for a family with layers of another kind (ModernBERT): use
   *     {@link #block(int)}
   */
  public EncoderLayer layer(int index) {
    if (block(index) instanceof EncoderLayer layer) {
      return layer;
    }
    throw new IllegalStateException(config.modelType().hfName() + " layers are "
        + layers.get(index).getClass().getSimpleName() + ", not BERT-shaped EncoderLayers;"
        + " use encoder().block(" + index + ")");
  }

  /**
   * DeBERTa's disentangled attention ({@code encoder.rel_embeddings}), when the family has it.
   *
   * @return the relative attention, if any
   */
  public Optional<DisentangledAttention> disentangledAttention() {
    return Optional.ofNullable(relative);
  }

  /**
   * Sets (or with null clears) soft tokens prepended before layer 0.
   *
   * @param tokens the soft-token provider
   */
  public void setSoftTokens(SoftTokens tokens) {
    softTokens = tokens;
  }

  /**
   * The soft tokens.
   *
   * @return the provider, if set
   */
  public Optional<SoftTokens> softTokens() {
    return Optional.ofNullable(softTokens);
  }

  /**
   * Shifts the positions of the sequence by k, for a key/value prefix of k positions that comes
   * before it: Hugging Face BERT and RoBERTa number the tokens after {@code past_key_values} from
   * its length, so PEFT's prefix tuning sees positions k..k+T-1 (and T is limited to
   * max_position_embeddings - k).
   *
   * <pre>{@code
   * encoder.setPositionShift(20);   // 20 prefix positions in every layer
   * }</pre>
   *
   * @param k the shift, 0 to turn it off
   */
  public void setPositionShift(int k) {
    if (k < 0 || k >= config.maxPositionEmbeddings()) {
      throw new IllegalArgumentException("position shift must be in [0, "
          + config.maxPositionEmbeddings() + ") (max_position_embeddings), got " + k);
    }
    positionShift = k;
  }

  /**
   * The position shift.
   *
   * @return k, 0 unless a prefix method set it
   */
  public int positionShift() {
    return positionShift;
  }
}
