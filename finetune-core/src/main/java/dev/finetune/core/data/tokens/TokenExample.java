package dev.finetune.core.data.tokens;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One sentence of a token-classification data set: its words, one IOB2 tag id per word (ids of the
 * data set's {@link TagSet}) and the document it belongs to.
 *
 * <pre>{@code
 * TokenExample example = TokenExample.of(List.of("EU", "rejects", "German"), new int[] {3, 0, 1}, 0);
 * int words = example.size();          // 3
 * }</pre>
 */
public final class TokenExample {

  private final List<String> words;
  private final int[] tags;
  private final int document;

  private TokenExample(List<String> words, int[] tags, int document) {
    this.words = List.copyOf(words);
    this.tags = tags.clone();
    this.document = document;
    if (this.words.isEmpty()) {
      throw new IllegalArgumentException("a sentence needs at least one word");
    }
    if (this.words.size() != this.tags.length) {
      throw new IllegalArgumentException(
          this.words.size() + " words but " + this.tags.length + " tags: give one tag per word");
    }
  }

  /**
   * A sentence.
   *
   * @param words the words, at least one
   * @param tags one tag id per word
   * @param document the 0-based document index within its file (0 when the file has none)
   * @return the example
   */
  public static TokenExample of(List<String> words, int[] tags, int document) {
    return new TokenExample(Objects.requireNonNull(words, "words"), tags, document);
  }

  /**
   * The words.
   *
   * @return an unmodifiable list
   */
  public List<String> words() {
    return words;
  }

  /**
   * The tag ids, one per word.
   *
   * @return a copy
   */
  public int[] tags() {
    return tags.clone();
  }

  /**
   * The tag id of one word.
   *
   * @param word the word's index
   * @return its tag id
   */
  public int tag(int word) {
    return tags[word];
  }

  /**
   * The number of words.
   *
   * @return the length
   */
  public int size() {
    return words.size();
  }

  /**
   * The document this sentence belongs to.
   *
   * @return the 0-based document index within its file
   */
  public int document() {
    return document;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof TokenExample e
        && e.document == document
        && e.words.equals(words)
        && Arrays.equals(e.tags, tags);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * words.hashCode() + Arrays.hashCode(tags)) + document;
  }

  @Override
  public String toString() {
    return "TokenExample" + words + Arrays.toString(tags) + "@doc" + document;
  }
}
