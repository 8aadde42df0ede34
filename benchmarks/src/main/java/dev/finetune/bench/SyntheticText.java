package dev.finetune.bench;

import dev.finetune.core.data.TextDataset;
import dev.finetune.core.data.TextExample;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded synthetic sentences for the benchmarks: rows long enough to fill a fixed length (so a
 * batch is exactly batch × length real tokens), and short SST-2-like sentences. Every word is a
 * single WordPiece token in both BERT's vocabulary and {@link ModelShape}'s word-level tokenizer.
 *
 * <pre>{@code
 * TextDataset data = SyntheticText.filling(32 * 10, 128, 1);
 * }</pre>
 */
public final class SyntheticText {

  /** The words the sentences are made of. */
  public static final List<String> WORDS = List.of("the", "film", "was", "a", "gripping", "tale",
      "of", "love", "and", "loss", "with", "fine", "acting", "but", "slow", "pacing", "in",
      "parts", "movie", "story", "is", "not", "good", "bad", "funny", "dull", "it", "very",
      "characters", "plot", "this", "an", "are", "too", "long", "best", "worst", "ever");

  private SyntheticText() {}

  /**
   * Rows of {@code 2·length} random words (truncation cuts them to {@code length} tokens).
   *
   * @param rows examples
   * @param length tokens each row must fill
   * @param seed word choice seed
   * @return a two-label dataset (labels alternate)
   */
  public static TextDataset filling(int rows, int length, long seed) {
    Random random = new Random(seed);
    List<TextExample> examples = new ArrayList<>(rows);
    for (int i = 0; i < rows; i++) {
      examples.add(TextExample.of(words(random, 2 * length), i % 2));
    }
    return TextDataset.of("synthetic-filled", examples, List.of("0", "1"));
  }

  /**
   * SST-2-like sentences: 2 to 50 words, most of them short (the length is the smaller of two
   * uniform draws, mean ≈ 18 words), like SST-2's full sentences (its dev split averages 19.5
   * words; the train split, mostly phrases, 9.4).
   *
   * @param rows examples
   * @param seed seed
   * @return a two-label dataset
   */
  public static TextDataset sst2Like(int rows, long seed) {
    Random random = new Random(seed);
    List<TextExample> examples = new ArrayList<>(rows);
    for (int i = 0; i < rows; i++) {
      int words = 2 + Math.min(random.nextInt(49), random.nextInt(49));
      examples.add(TextExample.of(words(random, words), random.nextInt(2)));
    }
    return TextDataset.of("synthetic-sst2", examples, List.of("negative", "positive"));
  }

  private static String words(Random random, int count) {
    StringBuilder text = new StringBuilder();
    for (int w = 0; w < count; w++) {
      if (w > 0) {
        text.append(' ');
      }
      text.append(WORDS.get(random.nextInt(WORDS.size())));
    }
    return text.toString();
  }
}
