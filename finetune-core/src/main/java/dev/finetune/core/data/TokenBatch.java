package dev.finetune.core.data;

import ai.djl.Device;
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
public final class TokenBatch extends EncodedBatch {

  private final List<TokenWindow> windows;
  private final long labelledTokens;

  /** The windows padded into flat (B * T) arrays. */
  private record Padded(int rows, int length, long real, long labelled, long[] ids, long[] mask,
      long[] types, long[] tags) {

    static Padded of(List<TokenWindow> windows, long padId) {
      int rows = windows.size();
      int padded = 0;
      long real = 0;
      for (TokenWindow window : windows) {
        padded = Math.max(padded, window.length());
        real += window.length();
      }
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
      return new Padded(rows, padded, real, labelled, ids, mask, types, tags);
    }
  }

  TokenBatch(NDManager parent, Device device, int index, List<TokenWindow> windows, long padId) {
    this(parent, device, index, List.copyOf(windows), Padded.of(windows, padId));
  }

  private TokenBatch(NDManager parent, Device device, int index, List<TokenWindow> windows,
      Padded p) {
    super(parent, device, index, p.rows(), p.length(), p.real(), p.ids(), p.mask(), p.types(),
        manager -> manager.create(p.tags(), new Shape(p.rows(), p.length())));
    this.windows = windows;
    this.labelledTokens = p.labelled();
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
  @Override
  public int size() {
    return windows.size();
  }

  /**
   * The number of tokens with a label (not {@code -100}): the loss's denominator.
   *
   * @return labelled tokens
   */
  public long labelledTokens() {
    return labelledTokens;
  }
}
