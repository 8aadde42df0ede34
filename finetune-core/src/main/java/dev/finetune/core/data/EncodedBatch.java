package dev.finetune.core.data;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * What every padded batch an encoder reads holds: {@code (B, T)} int64 input ids, attention mask
 * and token type ids, the labels, all owned by one sub-{@link NDManager} (closing the batch frees
 * them), and the batch's position in its epoch. {@link TextBatch} (one label set per example) and
 * {@link TokenBatch} (one tag per token) differ only in their labels and in how rows map back to
 * the data.
 *
 * <pre>{@code
 * try (EncodedBatch batch = batches.next()) {
 *   NDList out = model.forward(ps, batch.modelInputs(), true);
 *   tokens += batch.realTokens();
 * }
 * }</pre>
 */
public abstract class EncodedBatch implements AutoCloseable {

  private final NDManager manager;
  private final int index;
  private final int paddedLength;
  private final long realTokens;
  private final NDArray inputIds;
  private final NDArray attentionMask;
  private final NDArray tokenTypeIds;
  private final NDArray labels;

  /** The arrays a subclass builds its labels from, in the batch's own manager. */
  interface Labels {
    NDArray create(NDManager manager);
  }

  EncodedBatch(NDManager parent, Device device, int index, int rows, int paddedLength,
      long realTokens, long[] inputIds, long[] attentionMask, long[] tokenTypeIds, Labels labels) {
    this.manager = device == null ? parent.newSubManager() : parent.newSubManager(device);
    this.index = index;
    this.paddedLength = paddedLength;
    this.realTokens = realTokens;
    Shape shape = new Shape(rows, paddedLength);
    try {
      this.inputIds = manager.create(inputIds, shape);
      this.attentionMask = manager.create(attentionMask, shape);
      this.tokenTypeIds = manager.create(tokenTypeIds, shape);
      this.labels = labels.create(manager);
      this.inputIds.setName("input_ids");
      this.attentionMask.setName("attention_mask");
      this.tokenTypeIds.setName("token_type_ids");
      this.labels.setName("labels");
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /**
   * Token ids, padded with the pad id.
   *
   * @return (B, T) int64
   */
  public NDArray inputIds() {
    return inputIds;
  }

  /**
   * 1 for real tokens, 0 for padding.
   *
   * @return (B, T) int64
   */
  public NDArray attentionMask() {
    return attentionMask;
  }

  /**
   * Segment ids: 0 for the first text, 1 for the second of a pair (BERT), 0 for padding.
   *
   * @return (B, T) int64
   */
  public NDArray tokenTypeIds() {
    return tokenTypeIds;
  }

  /**
   * The labels; their shape depends on the kind of batch (see the subclass).
   *
   * @return the labels
   */
  public NDArray labels() {
    return labels;
  }

  /**
   * The model's inputs in the order encoders take them.
   *
   * @return a new list {@code [input_ids, attention_mask, token_type_ids]}
   */
  public NDList modelInputs() {
    return new NDList(inputIds, attentionMask, tokenTypeIds);
  }

  /**
   * The number of rows B.
   *
   * @return the batch size (the last batch of an epoch may be smaller)
   */
  public abstract int size();

  /**
   * The padded length T: the longest row of this batch, at most the configured max length.
   *
   * @return T
   */
  public int paddedLength() {
    return paddedLength;
  }

  /**
   * The number of non-padding tokens (the sum of the attention mask), for tokens/s.
   *
   * @return real tokens
   */
  public long realTokens() {
    return realTokens;
  }

  /**
   * The position of this batch within its epoch (0-based): resume with it + 1.
   *
   * @return the batch index
   */
  public int index() {
    return index;
  }

  /**
   * The sub-manager that owns this batch's arrays (put per-step temporaries here too).
   *
   * @return the batch's manager
   */
  public NDManager manager() {
    return manager;
  }

  /** Frees the batch's arrays. */
  @Override
  public void close() {
    manager.close();
  }
}
