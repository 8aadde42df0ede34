package dev.finetune.core.data.tokens;

/**
 * One model input cut from a sentence (or document): sub-word token ids with the tokenizer's
 * special tokens, one label per token, and for each token the word it came from.
 *
 * <p>Labels are tag ids, or {@link TokenAligner#IGNORE} ({@code -100}, as Hugging Face) where the
 * loss must not look: special tokens, and continuation sub-words unless every sub-word is labelled.
 * A long sentence gives several windows ({@link #window()} 0, 1, ...) when the aligner uses a
 * sliding window.
 *
 * <pre>{@code
 * for (TokenWindow w : alignment.windowsOf(0)) {
 *   long[] ids = w.ids();       // [CLS] eu rejects german ... [SEP]
 *   int[] words = w.wordIds();  // -1 0 1 2 ... -1
 * }
 * }</pre>
 */
public final class TokenWindow {

  private final int example;
  private final int window;
  private final long[] ids;
  private final long[] typeIds;
  private final long[] labels;
  private final int[] wordIds;
  private final boolean[] firstSubword;

  TokenWindow(
      int example,
      int window,
      long[] ids,
      long[] typeIds,
      long[] labels,
      int[] wordIds,
      boolean[] firstSubword) {
    this.example = example;
    this.window = window;
    this.ids = ids;
    this.typeIds = typeIds;
    this.labels = labels;
    this.wordIds = wordIds;
    this.firstSubword = firstSubword;
  }

  /**
   * The index of the example (sentence or document) in its data set.
   *
   * @return the example index
   */
  public int example() {
    return example;
  }

  /**
   * The position of this window among its example's windows (0 unless a sliding window split it).
   *
   * @return the window index
   */
  public int window() {
    return window;
  }

  /**
   * The number of tokens, special tokens included.
   *
   * @return the length
   */
  public int length() {
    return ids.length;
  }

  /**
   * The token ids.
   *
   * @return a copy
   */
  public long[] ids() {
    return ids.clone();
  }

  /**
   * The token type ids.
   *
   * @return a copy
   */
  public long[] typeIds() {
    return typeIds.clone();
  }

  /**
   * The labels: tag ids, or {@link TokenAligner#IGNORE}.
   *
   * @return a copy
   */
  public long[] labels() {
    return labels.clone();
  }

  /**
   * The word of each token, as an index into the example's words; -1 for special tokens.
   *
   * @return a copy
   */
  public int[] wordIds() {
    return wordIds.clone();
  }

  /**
   * Whether the token at a position is the first sub-word of its word (what predictions are read
   * from).
   *
   * @param position a token position
   * @return true for a word's first sub-word
   */
  public boolean isFirstSubword(int position) {
    return firstSubword[position];
  }

  int wordId(int position) {
    return wordIds[position];
  }
}
