package dev.finetune.core.model;

import ai.djl.ndarray.NDArray;

/**
 * A block inserted into an encoder layer: maps hidden states (B, T, H) to hidden states of the
 * same shape. Used after the attention output, after the FFN output, and in parallel to the FFN.
 *
 * <pre>{@code
 * HiddenTransform identity = (ctx, h) -> h;
 * layer.insertAfterFfn(identity);
 * }</pre>
 */
@FunctionalInterface
public interface HiddenTransform {

  /**
   * Transforms hidden states.
   *
   * @param ctx the forward pass
   * @param hidden (B, T, H)
   * @return (B, T, H)
   */
  NDArray apply(ForwardContext ctx, NDArray hidden);
}
