package dev.finetune.core.model;

import ai.djl.ndarray.NDArray;

/**
 * Trainable embeddings prepended to the word embeddings before layer 0 (prompt tuning, Lester et
 * al. 2021). They get position and token-type embeddings and the embedding LayerNorm like real
 * tokens, as in PEFT, and are always attended to.
 *
 * <pre>{@code
 * SoftTokens prompt = (ctx, batch) -> ctx.value(promptEmbeddings);   // (P, H), broadcast
 * encoder.setSoftTokens(prompt);
 * }</pre>
 */
@FunctionalInterface
public interface SoftTokens {

  /**
   * The soft-token embeddings for a batch.
   *
   * @param ctx the forward pass
   * @param batchSize B
   * @return (B, P, H), or (P, H) to share one prompt across the batch
   */
  NDArray embeddings(ForwardContext ctx, int batchSize);
}
