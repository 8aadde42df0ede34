package dev.finetune.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.LayerNorm;
import java.util.List;

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
public final class EncoderLayer extends InsertionPoints {

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
  private final boolean ffnOutputDropout;

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
    ffnOutputDropout = names.ffnOutputDropout();
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
   * @param positions DeBERTa's relative positions for this pass, or null for plain attention
   */
  @Override
  public NDArray forward(ForwardContext ctx, NDArray x, NDArray additiveMask) {
    return forward(ctx, x, additiveMask, null);
  }

  /**
   * Runs the layer with DeBERTa's relative positions.
   *
   * @param additiveMask (B, 1, 1, T), or null when no row of the batch is padded
   * @param positions DeBERTa's relative positions for this pass, or null for plain attention
   */
  NDArray forward(
      ForwardContext ctx, NDArray x, NDArray additiveMask, DisentangledAttention.Pass positions) {
    long[] shape = x.getShape().getShape();
    long batch = shape[0];
    long t = shape[1];
    int heads = config.numHeads();
    int headSize = config.headSize();
    NDArray q = query.forward(ctx, x);
    NDArray k = key.forward(ctx, x);
    NDArray v = value.forward(ctx, x);
    NDArray mask = additiveMask;
    KeyValuePrefix prefix = currentKeyValuePrefix();
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
    float qkScale = positions == null ? scale : positions.scale();
    NDArray qh =
        q.reshape(batch, t, heads, headSize).transpose(0, 2, 1, 3).mul(Scalars.like(q, qkScale));
    NDArray kh = k.reshape(batch, s, heads, headSize).transpose(0, 2, 3, 1);
    NDArray vh = v.reshape(batch, s, heads, headSize).transpose(0, 2, 1, 3);
    NDArray scores = ctx.matMul(qh, kh);
    if (positions != null) {
      scores = positions.addScores(ctx, query, key, qh, k, scores);
    }
    NDArray probs = (mask == null ? scores : scores.add(mask)).softmax(3);
    probs = ctx.dropout(probs, config.attentionDropout());
    NDArray context =
        ctx.matMul(probs, vh).transpose(0, 2, 1, 3).reshape(batch, t, config.hiddenSize());

    NDArray attended = attentionOutput.forward(ctx, context);
    if (attentionOutputDropout) {
      attended = ctx.dropout(attended, config.hiddenDropout());
    }
    attended = afterAttention(ctx, attended);
    NDArray h1 =
        layerNorm(ctx, attended.add(x), attentionNormWeight, attentionNormBias);

    NDArray inner = config.hiddenAct().apply(intermediate.forward(ctx, h1));
    NDArray ffn = output.forward(ctx, inner);
    if (ffnOutputDropout) {
      ffn = ctx.dropout(ffn, config.hiddenDropout());
    }
    ffn = aroundFfn(ctx, h1, ffn);
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
  @Override
  public int index() {
    return index;
  }

  /**
   * The prefix of this layer's parameter names.
   *
   * @return e.g. {@code encoder.layer.3.}
   */
  @Override
  public String prefix() {
    return config.modelType().encoderLayout().layer(index);
  }

  /**
   * The module that ends with the attention output ({@link EncoderLayout#attentionBlock()}),
   * under which blocks inserted after attention are named.
   *
   * @return e.g. {@code encoder.layer.3.attention.output}
   */
  @Override
  public String attentionBlockName() {
    return prefix() + config.modelType().encoderLayout().attentionBlock();
  }

  /**
   * The module that ends with the feed-forward output ({@link EncoderLayout#ffnBlock()}), under
   * which blocks inserted after or beside the feed-forward block are named.
   *
   * @return e.g. {@code encoder.layer.3.output}
   */
  @Override
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
  @Override
  public List<Projection> projections() {
    return List.of(query, key, value, attentionOutput, intermediate, output);
  }

  /** {@code key} and {@code value}. */
  @Override
  public List<Projection> keyValueProjections() {
    return List.of(key, value);
  }

  /** {@code output.dense}. */
  @Override
  public Projection ffnOutput() {
    return output;
  }

  // Read by InferenceLayer, the evaluation forward of this layer.

  EncoderConfig config() {
    return config;
  }

  float scale() {
    return scale;
  }

  Parameter attentionNormWeight() {
    return attentionNormWeight;
  }

  Parameter attentionNormBias() {
    return attentionNormBias;
  }

  Parameter outputNormWeight() {
    return outputNormWeight;
  }

  Parameter outputNormBias() {
    return outputNormBias;
  }

  NDArray attentionNorm(ForwardContext ctx, NDArray x) {
    return layerNorm(ctx, x, attentionNormWeight, attentionNormBias);
  }

  NDArray outputNorm(ForwardContext ctx, NDArray x) {
    return layerNorm(ctx, x, outputNormWeight, outputNormBias);
  }
}
