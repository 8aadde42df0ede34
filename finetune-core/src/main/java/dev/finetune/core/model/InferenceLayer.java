package dev.finetune.core.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;

/**
 * The forward of one {@link EncoderLayer} in evaluation passes (no dropout): the same arithmetic
 * as the training forward with fewer operations dispatched and fewer passes over memory. Hidden
 * states stay (B·T, H) rows inside the layer, so every unwrapped projection is one {@code addmm}
 * (libtorch runs a 3-D {@code linear} as {@code t}, {@code mm} and a separate bias {@code add_});
 * residual sums and the attention mask are added in place into arrays the layer itself made; no
 * dropout call is made at all. With {@link InferenceWeights} in the pass, query, key and value
 * come from one matrix product with the scale folded in, and on the CPU a layer with packed
 * weights runs as one call of {@link CpuKernels#postNormLayer} (oneDNN).
 *
 * <p>Wrapped projections (LoRA, IA3), inserted blocks and key/value prefixes see (B, T, ·)
 * arrays as in training. Without fused weights the result equals the training forward's
 * evaluation result bit for bit on libtorch's CPU kernels ({@code InferenceLayerTest} checks it).
 *
 * <pre>{@code
 * // chosen by Encoder for every pass that is not a training pass:
 * NDArray out = InferenceLayer.forward(layer, ctx, hidden, additiveMaskOrNull);
 * }</pre>
 */
final class InferenceLayer {

  private InferenceLayer() {}

  /**
   * Runs the layer for evaluation.
   *
   * @param layer the layer
   * @param ctx an evaluation pass ({@code !ctx.isTraining()})
   * @param x (B, T, H)
   * @param additiveMask (B, 1, 1, T) or null when no row is padded
   * @return (B, T, H)
   */
  static NDArray forward(EncoderLayer layer, ForwardContext ctx, NDArray x, NDArray additiveMask) {
    InferenceWeights fused = ctx.inferenceWeights();
    CpuKernels.PackedLayer packed = fused == null ? null : fused.packed(layer);
    if (packed != null && Device.Type.CPU.equals(x.getDevice().getDeviceType())) {
      return CpuKernels.postNormLayer(
          x, additiveMask == null ? fused.noMask() : additiveMask, packed, ctx.manager());
    }
    EncoderConfig config = layer.config();
    long[] shape = x.getShape().getShape();
    long batch = shape[0];
    long t = shape[1];
    int hidden = config.hiddenSize();
    int heads = config.numHeads();
    int headSize = config.headSize();
    NDArray rows = x.reshape(batch * t, hidden);

    NDArray qkvWeight = fused == null ? null : fused.qkvWeight(layer);
    NDArray q;
    NDArray k;
    NDArray v;
    if (qkvWeight != null) {
      NDList parts = Linear.linear(rows, qkvWeight, fused.qkvBias(layer)).singletonOrThrow()
          .reshape(batch, t, 3L * hidden).split(3, 2);
      q = parts.get(0);
      k = parts.get(1);
      v = parts.get(2);
    } else {
      q = rows(layer.query(), ctx, rows, batch, t).reshape(batch, t, hidden);
      k = rows(layer.key(), ctx, rows, batch, t).reshape(batch, t, hidden);
      v = rows(layer.value(), ctx, rows, batch, t).reshape(batch, t, hidden);
    }
    NDArray mask = additiveMask;
    KeyValuePrefix prefix = layer.keyValuePrefix().orElse(null);
    if (prefix != null) {
      KeyValuePrefix.Prefix kv = prefix.prefix(ctx, (int) batch);
      NDArray pk = Encoder.batched(ctx, kv.keys(), batch);
      NDArray pv = Encoder.batched(ctx, kv.values(), batch);
      long p = pk.getShape().get(1);
      k = ctx.temporary(pk.concat(k, 1));
      v = ctx.temporary(pv.concat(v, 1));
      if (additiveMask != null) {
        mask = ctx.manager().zeros(new Shape(batch, 1, 1, p)).concat(additiveMask, 3);
      }
    }
    long s = k.getShape().get(1);
    NDArray qh = q.reshape(batch, t, heads, headSize).transpose(0, 2, 1, 3);
    if (qkvWeight == null) {
      qh = qh.mul(Scalars.like(q, layer.scale()));
    }
    NDArray kh = k.reshape(batch, s, heads, headSize).transpose(0, 2, 3, 1);
    NDArray vh = v.reshape(batch, s, heads, headSize).transpose(0, 2, 1, 3);
    NDArray scores = qh.matMul(kh);
    if (mask != null) {
      scores.addi(mask); // the pass's own array: no second (B, heads, T, S) buffer
    }
    NDArray context =
        scores.softmax(3).matMul(vh).transpose(0, 2, 1, 3).reshape(batch * t, hidden);

    NDArray attended = rows(layer.attentionOutput(), ctx, context, batch, t);
    boolean own = layer.attentionOutput().wrapper().isEmpty() && layer.afterAttention().isEmpty();
    for (HiddenTransform transform : layer.afterAttention()) {
      attended = transform.apply(ctx, attended.reshape(batch, t, hidden))
          .reshape(batch * t, hidden);
    }
    NDArray h1 = layer.attentionNorm(ctx, own ? attended.addi(rows) : attended.add(rows));

    NDArray inner = config.hiddenAct().apply(rows(layer.intermediate(), ctx, h1, batch, t));
    NDArray ffn = rows(layer.output(), ctx, inner, batch, t);
    boolean ffnOwn = layer.output().wrapper().isEmpty() && layer.afterFfn().isEmpty()
        && layer.parallelToFfn().isEmpty();
    for (HiddenTransform transform : layer.parallelToFfn()) {
      ffn = ffn.add(transform.apply(ctx, h1.reshape(batch, t, hidden)).reshape(batch * t, hidden));
    }
    for (HiddenTransform transform : layer.afterFfn()) {
      ffn = transform.apply(ctx, ffn.reshape(batch, t, hidden)).reshape(batch * t, hidden);
    }
    NDArray out = layer.outputNorm(ctx, ffnOwn ? ffn.addi(h1) : ffn.add(h1));
    return out.reshape(batch, t, hidden);
  }

  /**
   * A projection of (B·T, in) rows: one {@code addmm} when unwrapped; a wrapper sees
   * (B, T, in) as in training.
   */
  private static NDArray rows(Projection p, ForwardContext ctx, NDArray rows, long batch,
      long t) {
    if (p.wrapper().isEmpty()) {
      return p.base(ctx, rows);
    }
    return p.forward(ctx, rows.reshape(batch, t, p.inFeatures()))
        .reshape(batch * t, p.outFeatures());
  }
}
