package dev.finetune.core.data.tokens;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The windows a {@link TokenAligner} cut from a data set, and the way back from per-token
 * predictions to one prediction per word.
 *
 * <p>Reading back, each word takes the prediction at its <b>first sub-word</b>; when sliding
 * windows overlap, from the window where that sub-word has the most tokens of context on its
 * closer side. Words that no window holds (truncated, or without any sub-word) take the fill value
 * ({@code O}, tag 0) and are counted in {@link #stats()}.
 *
 * <pre>{@code
 * TokenAlignment dev = aligner.align(conll.validation());
 * List<int[]> predictions = ...;                 // argmax per token, one array per window
 * int[] tags = dev.toWords(7, dev.predictionsOf(7, predictions)); // sentence 7, one tag per word
 * List<int[]> all = dev.toWords(predictions);                      // every sentence
 * }</pre>
 */
public final class TokenAlignment {

  private final String name;
  private final List<List<TokenWindow>> perExample;
  private final List<TokenWindow> windows;
  private final int[] firstWindow;
  private final int[] words;
  private final int[] tokenless;

  /**
   * What the alignment left out.
   *
   * @param examples the number of examples
   * @param windows the number of windows
   * @param truncatedExamples examples with words no window holds (truncation without a stride)
   * @param truncatedWords words left out by truncation
   * @param wordsWithoutTokens words the tokenizer turned into no token at all
   */
  public record Stats(
      int examples, int windows, int truncatedExamples, long truncatedWords, long wordsWithoutTokens) {}

  TokenAlignment(String name, List<List<TokenWindow>> perExample, int[] words, int[] tokenless) {
    this.name = name;
    this.perExample = perExample;
    this.words = words;
    this.tokenless = tokenless;
    this.firstWindow = new int[perExample.size() + 1];
    List<TokenWindow> all = new ArrayList<>();
    for (int i = 0; i < perExample.size(); i++) {
      firstWindow[i] = all.size();
      all.addAll(perExample.get(i));
    }
    firstWindow[perExample.size()] = all.size();
    this.windows = Collections.unmodifiableList(all);
  }

  /**
   * The data set's name.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * Every window, example by example.
   *
   * @return an unmodifiable list
   */
  public List<TokenWindow> windows() {
    return windows;
  }

  /**
   * The windows of one example.
   *
   * @param example the example index
   * @return its windows, in order
   */
  public List<TokenWindow> windowsOf(int example) {
    return perExample.get(example);
  }

  /**
   * The number of examples.
   *
   * @return the size of the aligned data set
   */
  public int examples() {
    return perExample.size();
  }

  /**
   * Picks the per-window arrays of one example out of arrays for all {@link #windows()}.
   *
   * @param example the example index
   * @param all one array per window of {@link #windows()}, in that order
   * @param <T> the array type
   * @return the arrays of the example's windows
   */
  public <T> List<T> predictionsOf(int example, List<T> all) {
    return all.subList(firstWindow[example], firstWindow[example + 1]);
  }

  /**
   * Where each word of an example is read from.
   *
   * @param example the example index
   * @return per word {@code {window, token position}}, or {@code null} for a word no window holds
   */
  public int[][] wordPositions(int example) {
    List<TokenWindow> own = perExample.get(example);
    int[][] positions = new int[words[example]][];
    int[] context = new int[words[example]];
    for (int w = 0; w < own.size(); w++) {
      TokenWindow window = own.get(w);
      int firstContent = -1;
      int lastContent = -1;
      for (int t = 0; t < window.length(); t++) {
        if (window.wordId(t) >= 0) {
          if (firstContent < 0) {
            firstContent = t;
          }
          lastContent = t;
        }
      }
      for (int t = 0; t < window.length(); t++) {
        if (!window.isFirstSubword(t)) {
          continue;
        }
        int word = window.wordId(t);
        int room = Math.min(t - firstContent, lastContent - t);
        if (positions[word] == null || room > context[word]) {
          positions[word] = new int[] {w, t};
          context[word] = room;
        }
      }
    }
    return positions;
  }

  /**
   * Per-token predictions of one example's windows back to one value per word.
   *
   * @param example the example index
   * @param predictions one array per window of {@link #windowsOf(int) windowsOf(example)}, one
   *     value per token (e.g. the argmax tag id)
   * @return one value per word; 0 ({@code O}) for words no window holds
   */
  public int[] toWords(int example, List<int[]> predictions) {
    if (predictions.size() != perExample.get(example).size()) {
      throw new IllegalArgumentException(
          "example "
              + example
              + " has "
              + perExample.get(example).size()
              + " windows but "
              + predictions.size()
              + " prediction arrays were given");
    }
    int[][] positions = wordPositions(example);
    int[] out = new int[positions.length];
    for (int word = 0; word < positions.length; word++) {
      if (positions[word] != null) {
        out[word] = predictions.get(positions[word][0])[positions[word][1]];
      }
    }
    return out;
  }

  /**
   * Per-token predictions of every window back to one value per word, for every example.
   *
   * @param all one array per window of {@link #windows()}, in that order
   * @return one array per example, one value per word; 0 ({@code O}) for words no window holds
   */
  public List<int[]> toWords(List<int[]> all) {
    if (all.size() != windows.size()) {
      throw new IllegalArgumentException(
          name + " has " + windows.size() + " windows but " + all.size() + " prediction arrays were given");
    }
    List<int[]> out = new ArrayList<>(perExample.size());
    for (int i = 0; i < perExample.size(); i++) {
      out.add(toWords(i, predictionsOf(i, all)));
    }
    return out;
  }

  /**
   * What was left out.
   *
   * @return the counts
   */
  public Stats stats() {
    int truncatedExamples = 0;
    long truncatedWords = 0;
    long noTokens = 0;
    for (int i = 0; i < perExample.size(); i++) {
      int covered = 0;
      for (int[] position : wordPositions(i)) {
        if (position != null) {
          covered++;
        }
      }
      int missing = words[i] - covered - tokenless[i];
      if (missing > 0) {
        truncatedExamples++;
        truncatedWords += missing;
      }
      noTokens += tokenless[i];
    }
    return new Stats(perExample.size(), windows.size(), truncatedExamples, truncatedWords, noTokens);
  }
}
