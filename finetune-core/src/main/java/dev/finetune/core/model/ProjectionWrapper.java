package dev.finetune.core.model;

import ai.djl.ndarray.NDArray;

/**
 * Replaces the forward of a {@link Projection} while still seeing the base projection: the hook
 * LoRA and IA3 use. The base keeps its Hugging Face name; a wrapper names its own parameters
 * after the projection (e.g. {@code ...query.lora_A.weight}) and registers them in the model's
 * {@code ModelParameters}.
 *
 * <pre>{@code
 * ProjectionWrapper lora = (ctx, base, x) ->
 *     base.base(ctx, x).add(x.matMul(ctx.value(a).transpose()).matMul(ctx.value(b).transpose()));
 * layer.query().wrap(lora);
 * }</pre>
 */
@FunctionalInterface
public interface ProjectionWrapper {

  /**
   * Computes the wrapped projection.
   *
   * @param ctx the forward pass
   * @param base the wrapped projection ({@link Projection#base} computes x·Wᵀ + b)
   * @param x the input, (..., in)
   * @return the output, (..., out)
   */
  NDArray forward(ForwardContext ctx, Projection base, NDArray x);
}
