package dev.finetune.core.data;

import ai.djl.Device;

/**
 * The batching options that sentence batches ({@link Batches}) and token batches ({@link
 * TokenBatches}) share, declared once: rows per batch, shuffling, dropping the last partial batch,
 * length bucketing, the pad id and the arrays' device. Each builder adds its own options.
 *
 * <pre>{@code
 * Batches train = Batches.builder(tokenizer).batchSize(16).shuffle(42).bucketing(50).build();
 * TokenBatches tags = TokenBatches.builder().batchSize(16).shuffle(42).padId(0).build();
 * }</pre>
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class BatchingBuilder<B extends BatchingBuilder<B>> {
  int batchSize = 32;
  boolean shuffle;
  long seed;
  boolean dropLast;
  int bucketWindow;
  long padId;
  Device device;

  BatchingBuilder() {}

  @SuppressWarnings("unchecked")
  private B self() {
    return (B) this;
  }

  /**
   * Rows (sentences, or windows of a token task) per batch (default 32).
   *
   * @param value at least 1
   * @return this
   */
  public B batchSize(int value) {
    if (value < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, got " + value);
    }
    this.batchSize = value;
    return self();
  }

  /**
   * Shuffle each epoch with this seed (the order depends on seed and epoch).
   *
   * @param value the seed
   * @return this
   */
  public B shuffle(long value) {
    this.shuffle = true;
    this.seed = value;
    return self();
  }

  /**
   * Keep the data set's order (the default; for evaluation).
   *
   * @return this
   */
  public B noShuffle() {
    this.shuffle = false;
    return self();
  }

  /**
   * Whether to drop the last, smaller batch of an epoch (default false).
   *
   * @param value true to drop
   * @return this
   */
  public B dropLast(boolean value) {
    this.dropLast = value;
    return self();
  }

  /**
   * Length bucketing: sort rows by length within windows of {@code windowBatches} batches, then
   * shuffle the batch order. 0 or 1 turns it off (the default).
   *
   * @param windowBatches batches per window, e.g. 50
   * @return this
   */
  public B bucketing(int windowBatches) {
    if (windowBatches < 0) {
      throw new IllegalArgumentException("bucketing must be >= 0 batches (0 or 1: off), got "
          + windowBatches);
    }
    this.bucketWindow = windowBatches;
    return self();
  }

  /**
   * The id padded positions get (default 0); see {@link Tokenizers#padId}.
   *
   * @param value the pad id
   * @return this
   */
  public B padId(long value) {
    this.padId = value;
    return self();
  }

  /**
   * The device of the batch arrays (default: the parent manager's).
   *
   * @param value the device, or {@code null}
   * @return this
   */
  public B device(Device value) {
    this.device = value;
    return self();
  }
}
