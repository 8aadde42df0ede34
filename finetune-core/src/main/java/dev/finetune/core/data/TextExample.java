package dev.finetune.core.data;

import java.util.Objects;

/**
 * One labelled text (or text pair): the unit a {@link TextDataset} holds.
 *
 * <p>Classification examples carry a class id in {@code label} (0-based) and {@code target = NaN};
 * regression examples carry a real-valued {@code target} and {@code label = }{@link #NO_LABEL}.
 * {@code textPair} is {@code null} for single-sentence tasks.
 *
 * <pre>{@code
 * TextExample review = TextExample.of("a gripping, funny film", 1);
 * TextExample nli = TextExample.pair("A man sleeps.", "A person rests.", 0);
 * TextExample sts = TextExample.regression("A cat.", "A kitten.", 4.2f);
 * }</pre>
 *
 * @param text the text (never null, may be empty only when built directly)
 * @param textPair the second text of a sentence pair, or {@code null}
 * @param label the class id, or {@link #NO_LABEL} for regression
 * @param target the regression target, or {@code NaN} for classification
 */
public record TextExample(String text, String textPair, int label, float target) {

  /** The label of a regression example. */
  public static final int NO_LABEL = -1;

  /** Checks the invariants: a text, and either a class id or a finite target. */
  public TextExample {
    Objects.requireNonNull(text, "text");
    if (Float.isNaN(target)) {
      if (label < 0) {
        throw new IllegalArgumentException(
            "label must be >= 0 for a classification example, got " + label);
      }
    } else {
      if (label != NO_LABEL) {
        throw new IllegalArgumentException(
            "a regression example (target " + target + ") must have label NO_LABEL, got " + label);
      }
      if (Float.isInfinite(target)) {
        throw new IllegalArgumentException("regression target must be finite, got " + target);
      }
    }
  }

  /**
   * A single-sentence classification example.
   *
   * @param text the text
   * @param label the class id (0-based)
   * @return the example
   */
  public static TextExample of(String text, int label) {
    return new TextExample(text, null, label, Float.NaN);
  }

  /**
   * A sentence-pair classification example.
   *
   * @param text the first text
   * @param textPair the second text
   * @param label the class id (0-based)
   * @return the example
   */
  public static TextExample pair(String text, String textPair, int label) {
    return new TextExample(text, Objects.requireNonNull(textPair, "textPair"), label, Float.NaN);
  }

  /**
   * A single-sentence regression example.
   *
   * @param text the text
   * @param target the real-valued target
   * @return the example
   */
  public static TextExample regression(String text, float target) {
    return new TextExample(text, null, NO_LABEL, target);
  }

  /**
   * A sentence-pair regression example.
   *
   * @param text the first text
   * @param textPair the second text, or {@code null}
   * @param target the real-valued target
   * @return the example
   */
  public static TextExample regression(String text, String textPair, float target) {
    return new TextExample(text, textPair, NO_LABEL, target);
  }

  /**
   * Whether this is a sentence pair.
   *
   * @return true when {@code textPair} is not null
   */
  public boolean hasPair() {
    return textPair != null;
  }

  /**
   * Whether this is a regression example.
   *
   * @return true when {@code target} is a number
   */
  public boolean isRegression() {
    return !Float.isNaN(target);
  }

  /**
   * The number of characters of both texts: a cheap proxy for the token count, used to bucket.
   *
   * @return {@code text.length() + textPair.length()}
   */
  public int charLength() {
    return text.length() + (textPair == null ? 0 : textPair.length());
  }
}
