package dev.finetune.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.LayerNorm;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One transformer layer ({@code encoder.layer.N}, named as the family's {@link EncoderLayout}
 * says): self-attention, output projection, residual LayerNorm, feed-forward, residual LayerNorm. Its projections can be wrapped and blocks inserted
 * after the attention output, after the FFN output, in parallel to the FFN, and as key/value
 * prefixes inside attention.
 *
 * <pre>{@code
 * EncoderLayer layer = classifier.encoder().layer(3);
 * layer.query().wrap(myLora);
 * layer.insertAfterAttention(myAdapter);     // Houlsby: after attention and after FFN
 * layer.insertAfterFfn(myOtherAdapter);
 * }</pre>
 */
public final class EncoderLayer {

  private final int index;
  private final EncoderConfig config;
  private final Projection query;
  private final Projection key;
  private final Projection value;
  private final Projection attentionOutput;
  private final Projection intermediate;
  private final Projection output;
  private final Parameter attentionNormWeight;
  private final Parameter attentionNormBias;
  private final Parameter outputNormWeight;
  private final Parameter outputNormBias;
  private final Shape normalizedShape;
  private final float scale;
  private final boolean attentionOutputDropout;
  private final List<HiddenTransform> afterAttention = new CopyOnWriteArrayList<>();
  private final List<HiddenTransform> afterFfn = new CopyOnWriteArrayList<>();
  private final List<HiddenTransform> parallelToFfn = new CopyOnWriteArrayList<>();
  private volatile KeyValuePrefix keyValuePrefix;

  EncoderLayer(int index, EncoderConfig config, ParameterFactory factory) {
    this.index = index;
    this.config = config;
    EncoderLayout names = config.modelType().encoderLayout();
    String p = names.layer(index);
    int h = config.hiddenSize();
    int ffn = config.intermediateSize();
    query = projection(factory, p + names.query(), h, h);
    key = projection(factory, p + names.key(), h, h);
    value = projection(factory, p + names.value(), h, h);
    attentionOutput = projection(factory, p + names.attentionOutput(), h, h);
    attentionNormWeight = factory.create(p + names.attentionNorm() + ".weight", h);
    attentionNormBias = factory.create(p + names.attentionNorm() + ".bias", h);
    intermediate = projection(factory, p + names.intermediate(), h, ffn);
    output = projection(factory, p + names.output(), ffn, h);
    outputNormWeight = factory.create(p + names.outputNorm() + ".weight", h);
    outputNormBias = factory.create(p + names.outputNorm() + ".bias", h);
    attentionOutputDropout = names.attentionOutputDropout();
    normalizedShape = new Shape(h);
    scale = (float) (1.0 / Math.sqrt(config.headSize()));
  }

  static Projection projection(ParameterFactory factory, String name, int in, int out) {
    Parameter w = factory.create(name + ".weight", out, in);
    Parameter b = factory.create(name + ".bias", out);
    return new Projection(name, w, b, in, out);
  }

  /**
   * Runs the layer.
   *
   * @param additiveMask (B, 1, 1, T): 0 where a key is visible, a large negative number where it is
   *     padding; null when no row of the batch is padded
   */
  NDArray forward(ForwardContext ctx, NDArray x, NDArray additiveMask) {
    long[] shape = x.getShape().getShape();
    long batch = shape[0];
    long t = shape[1];
    int heads = config.numHeads();
    int headSize = config.headSize();
    NDArray q = query.forward(ctx, x);
    NDArray k = key.forward(ctx, x);
    NDArray v = value.forward(ctx, x);
    NDArray mask = additiveMask;
    KeyValuePrefix prefix = keyValuePrefix;
    if (prefix != null) {
      KeyValuePrefix.Prefix kv = prefix.prefix(ctx, (int) batch);
      NDArray pk = Encoder.batched(ctx, kv.keys(), batch);
      NDArray pv = Encoder.batched(ctx, kv.values(), batch);
      long p = pk.getShape().get(1);
      k = ctx.temporary(pk.concat(k, 1)); // else owned by the prefix's manager
      v = ctx.temporary(pv.concat(v, 1));
      if (additiveMask != null) {
        mask = ctx.manager().zeros(new Shape(batch, 1, 1, p)).concat(additiveMask, 3);
      }
    }
    long s = k.getShape().get(1);
    NDArray qh =
        q.reshape(batch, t, heads, headSize).transpose(0, 2, 1, 3).mul(Scalars.like(q, scale));
    NDArray kh = k.reshape(batch, s, heads, headSize).transpose(0, 2, 3, 1);
    NDArray vh = v.reshape(batch, s, heads, headSize).transpose(0, 2, 1, 3);
    NDArray scores = qh.matMul(kh);
    NDArray probs = (mask == null ? scores : scores.add(mask)).softmax(3);
    probs = ctx.dropout(probs, config.attentionDropout());
    NDArray context =
        probs.matMul(vh).transpose(0, 2, 1, 3).reshape(batch, t, config.hiddenSize());

    NDArray attended = attentionOutput.forward(ctx, context);
    if (attentionOutputDropout) {
      attended = ctx.dropout(attended, config.hiddenDropout());
    }
    for (HiddenTransform transform : afterAttention) {
      attended = transform.apply(ctx, attended);
    }
    NDArray h1 =
        layerNorm(ctx, attended.add(x), attentionNormWeight, attentionNormBias);

    NDArray inner = config.hiddenAct().apply(intermediate.forward(ctx, h1));
    NDArray ffn = ctx.dropout(output.forward(ctx, inner), config.hiddenDropout());
    for (HiddenTransform transform : parallelToFfn) {
      ffn = ffn.add(transform.apply(ctx, h1));
    }
    for (HiddenTransform transform : afterFfn) {
      ffn = transform.apply(ctx, ffn);
    }
    return layerNorm(ctx, ffn.add(h1), outputNormWeight, outputNormBias);
  }

  private NDArray layerNorm(ForwardContext ctx, NDArray x, Parameter weight, Parameter bias) {
    return LayerNorm.layerNorm(
            x, normalizedShape, ctx.value(weight), ctx.value(bias), (float) config.layerNormEps())
        .singletonOrThrow();
  }

  /**
   * Position of this layer in the encoder.
   *
   * @return 0..L-1
   */
  public int index() {
    return index;
  }

  /**
   * The prefix of this layer's parameter names.
   *
   * @return e.g. {@code encoder.layer.3.}
   */
  public String prefix() {
    return config.modelType().encoderLayout().layer(index);
  }

  /**
   * The module that ends with the attention output ({@link EncoderLayout#attentionBlock()}),
   * under which blocks inserted after attention are named.
   *
   * @return e.g. {@code encoder.layer.3.attention.output}
   */
  public String attentionBlockName() {
    return prefix() + config.modelType().encoderLayout().attentionBlock();
  }

  /**
   * The module that ends with the feed-forward output ({@link EncoderLayout#ffnBlock()}), under
   * which blocks inserted after or beside the feed-forward block are named.
   *
   * @return e.g. {@code encoder.layer.3.output}
   */
  public String ffnBlockName() {
    return prefix() + config.modelType().encoderLayout().ffnBlock();
  }

  /**
   * The query projection ({@code attention.self.query}, DistilBERT {@code attention.q_lin}).
   *
   * @return the projection
   */
  public Projection query() {
    return query;
  }

  /**
   * {@code attention.self.key}.
   *
   * @return the projection
   */
  public Projection key() {
    return key;
  }

  /**
   * {@code attention.self.value}.
   *
   * @return the projection
   */
  public Projection value() {
    return value;
  }

  /**
   * {@code attention.output.dense}.
   *
   * @return the projection
   */
  public Projection attentionOutput() {
    return attentionOutput;
  }

  /**
   * {@code intermediate.dense} (H to FFN size).
   *
   * @return the projection
   */
  public Projection intermediate() {
    return intermediate;
  }

  /**
   * {@code output.dense} (FFN size to H).
   *
   * @return the projection
   */
  public Projection output() {
    return output;
  }

  /**
   * All six projections, in the order query, key, value, attention output, intermediate, output.
   *
   * @return the projections
   */
  public List<Projection> projections() {
    return List.of(query, key, value, attentionOutput, intermediate, output);
  }

  /**
   * Inserts a block after the attention output projection (and its dropout), before the residual
   * LayerNorm. Blocks run in insertion order.
   *
   * @param transform the block
   */
  public void insertAfterAttention(HiddenTransform transform) {
    afterAttention.add(java.util.Objects.requireNonNull(transform));
  }

  /**
   * Inserts a block after the FFN output projection (and its dropout), before the residual
   * LayerNorm.
   *
   * @param transform the block
   */
  public void insertAfterFfn(HiddenTransform transform) {
    afterFfn.add(java.util.Objects.requireNonNull(transform));
  }

  /**
   * Inserts a block in parallel to the FFN: it sees the FFN's input and its output is added to
   * the FFN's output (parallel adapters).
   *
   * @param transform the block
   */
  public void insertParallelToFfn(HiddenTransform transform) {
    parallelToFfn.add(java.util.Objects.requireNonNull(transform));
  }

  /**
   * Removes an inserted block wherever it was inserted.
   *
   * @param transform the block
   * @return true when it was found
   */
  public boolean remove(HiddenTransform transform) {
    boolean a = afterAttention.remove(transform);
    boolean b = afterFfn.remove(transform);
    boolean c = parallelToFfn.remove(transform);
    return a || b || c;
  }

  /**
   * Sets (or with null clears) the key/value prefix of this layer's attention.
   *
   * @param prefix the prefix provider
   */
  public void setKeyValuePrefix(KeyValuePrefix prefix) {
    keyValuePrefix = prefix;
  }

  /**
   * The key/value prefix.
   *
   * @return the provider, if set
   */
  public Optional<KeyValuePrefix> keyValuePrefix() {
    return Optional.ofNullable(keyValuePrefix);
  }

  // Read by InferenceLayer, the evaluation forward of this layer.

  EncoderConfig config() {
    return config;
  }

  float scale() {
    return scale;
  }

  List<HiddenTransform> afterAttention() {
    return afterAttention;
  }

  List<HiddenTransform> afterFfn() {
    return afterFfn;
  }

  List<HiddenTransform> parallelToFfn() {
    return parallelToFfn;
  }

  NDArray attentionNorm(ForwardContext ctx, NDArray x) {
    return layerNorm(ctx, x, attentionNormWeight, attentionNormBias);
  }

  NDArray outputNorm(ForwardContext ctx, NDArray x) {
    return layerNorm(ctx, x, outputNormWeight, outputNormBias);
  }
}
