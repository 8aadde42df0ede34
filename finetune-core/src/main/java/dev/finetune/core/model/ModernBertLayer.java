package dev.finetune.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.LayerNorm;
import java.util.List;

/**
 * One ModernBERT layer ({@code layers.N}), as {@code ModernBertEncoderLayer} with eager attention:
 * pre-norm residuals, {@code x + attn(attn_norm(x))} (layer 0 has no {@code attn_norm}) then
 * {@code h + mlp(mlp_norm(h))}. Attention: the fused {@code attn.Wqkv} (H to 3H, split into query,
 * key and value, each head by head), rotary positions on query and key (base {@code
 * global_rope_theta} or {@code local_rope_theta}), scores scaled by 1/sqrt(head size); a local
 * layer masks keys more than {@code local_attention / 2} positions away; softmax, dropout, {@code
 * attn.Wo}, dropout. Feed-forward (GeGLU): {@code mlp.Wi} (H to 2F) split into input and gate,
 * {@code gelu(input) * gate}, dropout, {@code mlp.Wo}.
 *
 * <p>Where fine-tuning methods reach in (the choices for a pre-norm block): blocks inserted after
 * attention run on {@code attn.Wo}'s output (after its dropout), before the residual; blocks after
 * the feed-forward run on {@code mlp.Wo}'s output, before the residual; a parallel block sees the
 * feed-forward's input ({@code mlp_norm(h)}) and its output is added to {@code mlp.Wo}'s. A
 * key/value prefix is prepended to the keys after the rotation (the prefix has no position) and
 * every query sees it, in local layers too.
 *
 * <pre>{@code
 * EncoderBlock layer = classifier.encoder().block(1);
 * layer.projections();       // [layers.1.attn.Wqkv, layers.1.attn.Wo, layers.1.mlp.Wi, layers.1.mlp.Wo]
 * }</pre>
 */
public final class ModernBertLayer extends InsertionPoints {

  private final int index;
  private final EncoderConfig config;
  private final boolean local;
  private final int halfWindow;
  private final double theta;
  private final Projection wqkv;
  private final Projection wo;
  private final Projection wi;
  private final Projection mlpWo;
  private final Parameter attnNormWeight;
  private final Parameter attnNormBias;
  private final Parameter mlpNormWeight;
  private final Parameter mlpNormBias;
  private final float eps;

  ModernBertLayer(int index, EncoderConfig config, ModernBertFamily.Settings settings,
      ParameterFactory factory) {
    this.index = index;
    this.config = config;
    this.local = settings.localLayers()[index];
    this.halfWindow = settings.window() / 2;
    this.theta = local ? settings.localTheta() : settings.globalTheta();
    String p = prefix();
    int h = config.hiddenSize();
    int f = config.intermediateSize();
    boolean attentionBias = settings.attentionBias();
    boolean mlpBias = settings.mlpBias();
    wqkv = projection(factory, p + "attn.Wqkv", h, 3 * h, attentionBias);
    wo = projection(factory, p + "attn.Wo", h, h, attentionBias);
    wi = projection(factory, p + "mlp.Wi", h, 2 * f, mlpBias);
    mlpWo = projection(factory, p + "mlp.Wo", f, h, mlpBias);
    boolean normBias = settings.normBias();
    attnNormWeight = index == 0 ? null : factory.create(p + "attn_norm.weight", h);
    attnNormBias = index == 0 || !normBias ? null : factory.create(p + "attn_norm.bias", h);
    mlpNormWeight = factory.create(p + "mlp_norm.weight", h);
    mlpNormBias = normBias ? factory.create(p + "mlp_norm.bias", h) : null;
    eps = (float) config.layerNormEps();
  }

  private static Projection projection(
      ParameterFactory factory, String name, int in, int out, boolean bias) {
    Parameter w = factory.create(name + ".weight", out, in);
    Parameter b = bias ? factory.create(name + ".bias", out) : null;
    return new Projection(name, w, b, in, out);
  }

  /** LayerNorm over the last axis; a norm without bias adds nothing. */
  static NDArray layerNorm(
      ForwardContext ctx, NDArray x, Parameter weight, Parameter bias, float eps) {
    Shape shape = new Shape(x.getShape().get(x.getShape().dimension() - 1));
    NDArray beta = bias == null
        ? ctx.manager().zeros(shape, x.getDataType(), x.getDevice())
        : ctx.value(bias);
    return LayerNorm.layerNorm(x, shape, ctx.value(weight), beta, eps).singletonOrThrow();
  }

  @Override
  public NDArray forward(ForwardContext ctx, NDArray x, NDArray additiveMask) {
    long[] shape = x.getShape().getShape();
    long batch = shape[0];
    long t = shape[1];
    int heads = config.numHeads();
    int d = config.headSize();
    int h = config.hiddenSize();
    float attentionDropout = config.attentionDropout();

    NDArray normed = index == 0 ? x : layerNorm(ctx, x, attnNormWeight, attnNormBias, eps);
    NDArray qkv = wqkv.forward(ctx, normed).reshape(batch, t, 3, heads, d);
    NDArray q = qkv.get(new NDIndex(":, :, 0")).transpose(0, 2, 1, 3); // (B, heads, T, d)
    NDArray k = qkv.get(new NDIndex(":, :, 1")).transpose(0, 2, 1, 3);
    NDArray v = qkv.get(new NDIndex(":, :, 2")).transpose(0, 2, 1, 3);
    NDArray[] cosSin = rotary(ctx.manager(), t, d, theta, x);
    q = rotate(q, cosSin);
    k = rotate(k, cosSin);

    NDArray mask = local ? window(ctx, t, additiveMask, q) : additiveMask;
    KeyValuePrefix prefix = currentKeyValuePrefix();
    if (prefix != null) {
      KeyValuePrefix.Prefix kv = prefix.prefix(ctx, (int) batch);
      NDArray pk = Encoder.batched(ctx, kv.keys(), batch);
      NDArray pv = Encoder.batched(ctx, kv.values(), batch);
      long n = pk.getShape().get(1);
      k = ctx.temporary(heads(pk, batch, n, heads, d).concat(k, 2)); // else the prefix's manager
      v = ctx.temporary(heads(pv, batch, n, heads, d).concat(v, 2));
      if (mask != null) {
        Shape s = mask.getShape();
        mask = ctx.manager().zeros(new Shape(s.get(0), 1, s.get(2), n)).concat(mask, 3);
      }
    }
    float scale = (float) Math.pow(d, -0.5);
    NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).mul(Scalars.like(q, scale));
    NDArray probs = (mask == null ? scores : scores.add(mask)).softmax(3);
    probs = ctx.dropout(probs, attentionDropout);
    NDArray context = probs.matMul(v).transpose(0, 2, 1, 3).reshape(batch, t, h);
    NDArray attended = ctx.dropout(wo.forward(ctx, context), attentionDropout);
    attended = afterAttention(ctx, attended);
    NDArray h1 = x.add(attended);

    NDArray ffnIn = layerNorm(ctx, h1, mlpNormWeight, mlpNormBias, eps);
    NDList parts = wi.forward(ctx, ffnIn).split(2, 2);
    NDArray inner = config.hiddenAct().apply(parts.get(0)).mul(parts.get(1));
    NDArray ffn = mlpWo.forward(ctx, ctx.dropout(inner, config.hiddenDropout()));
    ffn = aroundFfn(ctx, ffnIn, ffn);
    return h1.add(ffn);
  }

  private static NDArray heads(NDArray x, long batch, long n, int heads, int d) {
    return x.reshape(batch, n, heads, d).transpose(0, 2, 1, 3);
  }

  /** {@code x * cos + rotate_half(x) * sin}, rotate_half(x) = [-x2, x1] of the two halves. */
  private static NDArray rotate(NDArray x, NDArray[] cosSin) {
    NDList halves = x.split(2, 3);
    NDArray rotated = halves.get(1).neg().concat(halves.get(0), 3);
    return x.mul(cosSin[0]).add(rotated.mul(cosSin[1]));
  }

  /**
   * The rotary tables (T, d) of positions 0..T-1, as {@code ModernBertRotaryEmbedding}: inverse
   * frequencies 1 / theta^(2j/d), angles position x frequency, the half repeated.
   */
  static NDArray[] rotary(NDManager manager, long t, int d, double theta, NDArray like) {
    int half = d / 2;
    float[] inverse = new float[half];
    for (int j = 0; j < half; j++) {
      float exponent = (float) (2 * j) / (float) d;
      inverse[j] = 1f / (float) Math.pow(theta, exponent);
    }
    float[] cos = new float[(int) t * d];
    float[] sin = new float[(int) t * d];
    for (int pos = 0; pos < t; pos++) {
      for (int j = 0; j < d; j++) {
        float angle = (float) pos * inverse[j % half];
        cos[pos * d + j] = (float) Math.cos(angle);
        sin[pos * d + j] = (float) Math.sin(angle);
      }
    }
    Shape shape = new Shape(t, d);
    return new NDArray[] {
      manager.create(cos, shape).toDevice(like.getDevice(), false),
      manager.create(sin, shape).toDevice(like.getDevice(), false)
    };
  }

  /**
   * The sliding-window mask (1 or B, 1, T, T): a key more than {@code local_attention / 2}
   * positions from the query is {@code -Float.MAX_VALUE}, the others keep the padding mask's
   * value ({@code masked_fill}, so a key both far and padded is masked once, as in
   * {@code transformers}).
   */
  private NDArray window(ForwardContext ctx, long t, NDArray additiveMask, NDArray like) {
    float[] values = new float[(int) (t * t)];
    for (int i = 0; i < t; i++) {
      for (int j = 0; j < t; j++) {
        values[(int) (i * t + j)] = Math.abs(i - j) <= halfWindow ? 0f : -Float.MAX_VALUE;
      }
    }
    NDArray window = ctx.manager().create(values, new Shape(1, 1, t, t))
        .toDevice(like.getDevice(), false);
    return additiveMask == null ? window : window.minimum(additiveMask);
  }

  /** {@inheritDoc} */
  @Override
  public int index() {
    return index;
  }

  /** {@inheritDoc} */
  @Override
  public String prefix() {
    return ModernBertFamily.LAYOUT.layer(index);
  }

  /**
   * Whether this layer attends within a sliding window.
   *
   * @return true for a local layer
   */
  public boolean isLocal() {
    return local;
  }

  /** {@inheritDoc} */
  @Override
  public String attentionBlockName() {
    return prefix() + ModernBertFamily.LAYOUT.attentionBlock();
  }

  /** {@inheritDoc} */
  @Override
  public String ffnBlockName() {
    return prefix() + ModernBertFamily.LAYOUT.ffnBlock();
  }

  /** {@code attn.Wqkv}, {@code attn.Wo}, {@code mlp.Wi}, {@code mlp.Wo}. */
  @Override
  public List<Projection> projections() {
    return List.of(wqkv, wo, wi, mlpWo);
  }

  /** The fused {@code attn.Wqkv}, as a whole. */
  @Override
  public List<Projection> keyValueProjections() {
    return List.of(wqkv);
  }

  /** {@code mlp.Wo}. */
  @Override
  public Projection ffnOutput() {
    return mlpWo;
  }

}
