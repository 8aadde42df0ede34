package dev.finetune.core.data;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.finetune.core.data.tokens.TokenAligner;
import dev.finetune.core.data.tokens.TokenWindow;
import java.util.Arrays;
import java.util.List;

/**
 * One padded batch of token-classification windows, owning its NDArrays through a sub-{@link
 * NDManager}: closing the batch frees them.
 *
 * <p>Shapes: {@code inputIds}, {@code attentionMask}, {@code tokenTypeIds} and {@code labels} are
 * {@code (B, T)} int64 with {@code T} the longest window of this batch. Labels are tag ids, or
 * {@link TokenAligner#IGNORE} ({@code -100}) on special tokens, ignored sub-words and padding, so a
 * cross-entropy with ignore index -100 over {@code (B*T, numTags)} logits is the loss. {@link
 * #windows()} maps each row back to its example and words.
 *
 * <pre>{@code
 * try (TokenBatch batch = it.next()) {
 *   NDList hidden = encoder.forward(ps, batch.modelInputs(), true);
 *   NDArray labels = batch.labels();              // (B, T), -100 where the loss ignores
 * }
 * }</pre>
 */
public final class TokenBatch implements AutoCloseable {

  private final NDManager manager;
  private final int index;
  private final List<TokenWindow> windows;
  private final int paddedLength;
  private final long realTokens;
  private final long labelledTokens;
  private final NDArray inputIds;
  private final NDArray attentionMask;
  private final NDArray tokenTypeIds;
  private final NDArray labels;

  TokenBatch(NDManager parent, Device device, int index, List<TokenWindow> windows, long padId) {
    this.index = index;
    this.windows = List.copyOf(windows);
    int rows = windows.size();
    int padded = 0;
    long real = 0;
    for (TokenWindow window : windows) {
      padded = Math.max(padded, window.length());
      real += window.length();
    }
    this.paddedLength = padded;
    this.realTokens = real;
    long[] ids = new long[rows * padded];
    long[] mask = new long[rows * padded];
    long[] types = new long[rows * padded];
    long[] tags = new long[rows * padded];
    Arrays.fill(ids, padId);
    Arrays.fill(tags, TokenAligner.IGNORE);
    long labelled = 0;
    for (int r = 0; r < rows; r++) {
      TokenWindow window = windows.get(r);
      int offset = r * padded;
      long[] windowLabels = window.labels();
      System.arraycopy(window.ids(), 0, ids, offset, window.length());
      System.arraycopy(window.typeIds(), 0, types, offset, window.length());
      System.arraycopy(windowLabels, 0, tags, offset, window.length());
      Arrays.fill(mask, offset, offset + window.length(), 1L);
      for (long label : windowLabels) {
        if (label != TokenAligner.IGNORE) {
          labelled++;
        }
      }
    }
    this.labelledTokens = labelled;
    this.manager = device == null ? parent.newSubManager() : parent.newSubManager(device);
    Shape shape = new Shape(rows, padded);
    try {
      this.inputIds = manager.create(ids, shape);
      this.attentionMask = manager.create(mask, shape);
      this.tokenTypeIds = manager.create(types, shape);
      this.labels = manager.create(tags, shape);
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
   * Segment ids (0 for single sentences), 0 for padding.
   *
   * @return (B, T) int64
   */
  public NDArray tokenTypeIds() {
    return tokenTypeIds;
  }

  /**
   * Tag ids per token, {@code -100} where the loss ignores.
   *
   * @return (B, T) int64
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
   * The windows of the rows, for mapping predictions back to words.
   *
   * @return an unmodifiable list, length B
   */
  public List<TokenWindow> windows() {
    return windows;
  }

  /**
   * The number of rows B.
   *
   * @return the batch size
   */
  public int size() {
    return windows.size();
  }

  /**
   * The padded length T.
   *
   * @return T
   */
  public int paddedLength() {
    return paddedLength;
  }

  /**
   * The number of non-padding tokens, for tokens/s.
   *
   * @return real tokens
   */
  public long realTokens() {
    return realTokens;
  }

  /**
   * The number of tokens with a label (not {@code -100}): the loss's denominator.
   *
   * @return labelled tokens
   */
  public long labelledTokens() {
    return labelledTokens;
  }

  /**
   * The position of this batch within its epoch (0-based).
   *
   * @return the batch index
   */
  public int index() {
    return index;
  }

  /**
   * The sub-manager that owns this batch's arrays.
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
