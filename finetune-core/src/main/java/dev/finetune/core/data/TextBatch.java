package dev.finetune.core.data;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * One padded batch of tokenised examples, owning its NDArrays through a sub-{@link NDManager}:
 * closing the batch frees them. The consumer closes every batch it takes.
 *
 * <p>Shapes: {@code inputIds}, {@code attentionMask}, {@code tokenTypeIds} are {@code (B, T)} int64
 * with {@code T = paddedLength()} (the longest row of this batch); {@code labels} is {@code (B)}
 * int64 class ids, {@code (B)} float32 targets for regression, or {@code (B, numLabels)} float32
 * multi-hot label sets (1 where a label applies, else 0) for a multi-label data set.
 *
 * <pre>{@code
 * try (TextBatch batch = batches.next()) {
 *   NDList logits = model.forward(ps, batch.modelInputs(), true);
 *   NDArray loss = lossFn.evaluate(new NDList(batch.labels()), logits);
 *   tokens += batch.realTokens();
 * }
 * }</pre>
 */
public final class TextBatch implements AutoCloseable {

  private final NDManager manager;
  private final int index;
  private final int[] exampleIndices;
  private final int paddedLength;
  private final long realTokens;
  private final NDArray inputIds;
  private final NDArray attentionMask;
  private final NDArray tokenTypeIds;
  private final NDArray labels;

  TextBatch(NDManager parent, Device device, PreparedBatch prepared) {
    this.manager = device == null ? parent.newSubManager() : parent.newSubManager(device);
    this.index = prepared.index();
    this.exampleIndices = prepared.exampleIndices();
    this.paddedLength = prepared.paddedLength();
    this.realTokens = prepared.realTokens();
    Shape shape = new Shape(prepared.rows(), prepared.paddedLength());
    try {
      this.inputIds = manager.create(prepared.inputIds(), shape);
      this.attentionMask = manager.create(prepared.attentionMask(), shape);
      this.tokenTypeIds = manager.create(prepared.tokenTypeIds(), shape);
      if (prepared.labels() != null) {
        this.labels = manager.create(prepared.labels());
      } else if (prepared.labelWidth() > 0) {
        this.labels =
            manager.create(prepared.targets(), new Shape(prepared.rows(), prepared.labelWidth()));
      } else {
        this.labels = manager.create(prepared.targets());
      }
      inputIds.setName("input_ids");
      attentionMask.setName("attention_mask");
      tokenTypeIds.setName("token_type_ids");
      labels.setName("labels");
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
   * Class ids, regression targets, or multi-hot label sets.
   *
   * @return (B) int64; (B) float32 for regression; (B, numLabels) float32 for multi-label
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
   * The number of examples B.
   *
   * @return the batch size (the last batch of an epoch may be smaller)
   */
  public int size() {
    return exampleIndices.length;
  }

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
   * The indices in the data set of the examples of each row.
   *
   * @return a copy, length B
   */
  public int[] exampleIndices() {
    return exampleIndices.clone();
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
