package dev.finetune.core.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * One labelled text (or text pair): the unit a {@link TextDataset} holds.
 *
 * <p>Three kinds of examples, told apart by which label fields are set:
 *
 * <ul>
 *   <li>classification: a class id in {@code label} (0-based), {@code target = NaN}, {@code labels
 *       = null};
 *   <li>regression: a real-valued {@code target}, {@code label = }{@link #NO_LABEL}, {@code labels
 *       = null};
 *   <li>multi-label: the set of label ids that apply in {@code labels} (sorted, distinct, each
 *       {@code >= 0}, possibly empty), {@code label = NO_LABEL}, {@code target = NaN}.
 * </ul>
 *
 * {@code textPair} is {@code null} for single-sentence tasks. The {@code labels} array is copied
 * in and out, so an example stays immutable; {@code equals} compares its contents.
 *
 * <pre>{@code
 * TextExample review = TextExample.of("a gripping, funny film", 1);
 * TextExample nli = TextExample.pair("A man sleeps.", "A person rests.", 0);
 * TextExample sts = TextExample.regression("A cat.", "A kitten.", 4.2f);
 * TextExample emotions = TextExample.multiLabel("Thanks, that made my day!", 15, 17);
 * }</pre>
 *
 * @param text the text (never null, may be empty only when built directly)
 * @param textPair the second text of a sentence pair, or {@code null}
 * @param label the class id, or {@link #NO_LABEL} for regression and multi-label examples
 * @param target the regression target, or {@code NaN} otherwise
 * @param labels the label ids of a multi-label example, or {@code null} otherwise
 */
public record TextExample(String text, String textPair, int label, float target, int[] labels) {

  /** The {@code label} of a regression or multi-label example. */
  public static final int NO_LABEL = -1;

  /** Checks the invariants: a text, and exactly one of class id, finite target, label set. */
  public TextExample {
    Objects.requireNonNull(text, "text");
    if (labels != null) {
      labels = normalized(labels);
      if (label != NO_LABEL || !Float.isNaN(target)) {
        throw new IllegalArgumentException(
            "a multi-label example must have label NO_LABEL and target NaN, got label "
                + label
                + ", target "
                + target);
      }
    } else if (Float.isNaN(target)) {
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
   * A classification or regression example (no label set): the form before multi-label existed.
   *
   * @param text the text
   * @param textPair the second text, or {@code null}
   * @param label the class id, or {@link #NO_LABEL} for regression
   * @param target the regression target, or {@code NaN} for classification
   */
  public TextExample(String text, String textPair, int label, float target) {
    this(text, textPair, label, target, null);
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
   * A single-sentence multi-label example.
   *
   * @param text the text
   * @param labels the ids of the labels that apply (any order; duplicates are merged)
   * @return the example
   */
  public static TextExample multiLabel(String text, int... labels) {
    return new TextExample(text, null, NO_LABEL, Float.NaN, Objects.requireNonNull(labels));
  }

  /**
   * A sentence-pair multi-label example.
   *
   * @param text the first text
   * @param textPair the second text, or {@code null}
   * @param labels the ids of the labels that apply (any order; duplicates are merged)
   * @return the example
   */
  public static TextExample multiLabel(String text, String textPair, int... labels) {
    return new TextExample(text, textPair, NO_LABEL, Float.NaN, Objects.requireNonNull(labels));
  }

  /**
   * The label ids of a multi-label example.
   *
   * @return a copy, sorted ascending without duplicates, or {@code null} for other examples
   */
  @Override
  public int[] labels() {
    return labels == null ? null : labels.clone();
  }

  /**
   * Whether the label with this id applies (multi-label examples only).
   *
   * @param id the label id
   * @return true when {@code id} is in {@link #labels()}
   * @throws IllegalStateException when this is not a multi-label example
   */
  public boolean hasLabel(int id) {
    if (labels == null) {
      throw new IllegalStateException("not a multi-label example: " + this);
    }
    return Arrays.binarySearch(labels, id) >= 0;
  }

  /**
   * The number of labels that apply (multi-label examples only).
   *
   * @return the size of the label set, 0 for other examples
   */
  public int labelCount() {
    return labels == null ? 0 : labels.length;
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
   * Whether this is a multi-label example.
   *
   * @return true when {@code labels} is set
   */
  public boolean isMultiLabel() {
    return labels != null;
  }

  /**
   * The number of characters of both texts: a cheap proxy for the token count, used to bucket.
   *
   * @return {@code text.length() + textPair.length()}
   */
  public int charLength() {
    return text.length() + (textPair == null ? 0 : textPair.length());
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof TextExample that
        && text.equals(that.text)
        && Objects.equals(textPair, that.textPair)
        && label == that.label
        && Float.compare(target, that.target) == 0
        && Arrays.equals(labels, that.labels);
  }

  @Override
  public int hashCode() {
    return Objects.hash(text, textPair, label, target) * 31 + Arrays.hashCode(labels);
  }

  @Override
  public String toString() {
    return "TextExample[text="
        + text
        + (textPair == null ? "" : ", textPair=" + textPair)
        + (labels != null
            ? ", labels=" + Arrays.toString(labels)
            : isRegression() ? ", target=" + target : ", label=" + label)
        + "]";
  }

  private static int[] normalized(int[] ids) {
    int[] sorted = Arrays.stream(ids).sorted().distinct().toArray();
    if (sorted.length > 0 && sorted[0] < 0) {
      throw new IllegalArgumentException(
          "multi-label ids must be >= 0, got " + Arrays.toString(ids));
    }
    return sorted;
  }
}
