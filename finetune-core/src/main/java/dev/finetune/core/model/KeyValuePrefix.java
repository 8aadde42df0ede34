package dev.finetune.core.model;

import ai.djl.ndarray.NDArray;

/**
 * Extra keys and values prepended inside one layer's self-attention (prefix tuning, Li and Liang
 * 2021): every query also attends to P prefix positions, which are never masked.
 *
 * <pre>{@code
 * layer.setKeyValuePrefix((ctx, batch) ->
 *     new KeyValuePrefix.Prefix(ctx.value(prefixKeys), ctx.value(prefixValues)));  // (P, H) each
 * }</pre>
 */
@FunctionalInterface
public interface KeyValuePrefix {

  /**
   * Prefix keys and values, in hidden layout (before the split into heads).
   *
   * @param keys (B, P, H) or (P, H)
   * @param values (B, P, H) or (P, H)
   */
  record Prefix(NDArray keys, NDArray values) {}

  /**
   * The prefix for a batch.
   *
   * @param ctx the forward pass
   * @param batchSize B
   * @return keys and values
   */
  Prefix prefix(ForwardContext ctx, int batchSize);
}
