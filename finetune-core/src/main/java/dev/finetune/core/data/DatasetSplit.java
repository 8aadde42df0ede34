package dev.finetune.core.data;

import java.util.Objects;
import java.util.Optional;

/**
 * Data sets for training and for evaluation, and optionally a held-out test set.
 *
 * <pre>{@code
 * DatasetSplit sst2 = Glue.sst2();
 * DatasetSplit imdb = Imdb.load().train().split(0.9, 42);   // 90/10 of IMDb train
 * fit(imdb.train(), imdb.validation());
 * DatasetSplit emotions = GoEmotions.load();               // train, dev and test
 * TextDataset heldOut = emotions.testSet().orElseThrow();
 * }</pre>
 *
 * @param train the training data
 * @param validation the evaluation data (for IMDb and TREC: their official test split)
 * @param test a held-out test set with labels, or {@code null} when the source has none
 */
public record DatasetSplit(TextDataset train, TextDataset validation, TextDataset test)
    implements TaskData {

  /** Checks that train and validation are present and that all parts agree on their labels. */
  public DatasetSplit {
    Objects.requireNonNull(train, "train");
    Objects.requireNonNull(validation, "validation");
    requireSameLabels(train, validation, "validation");
    if (test != null) {
      requireSameLabels(train, test, "test");
    }
  }

  /**
   * Train and validation only.
   *
   * @param train the training data
   * @param validation the evaluation data
   */
  public DatasetSplit(TextDataset train, TextDataset validation) {
    this(train, validation, null);
  }

  /**
   * The held-out test set, when the source has one.
   *
   * @return the test set, or empty
   */
  public Optional<TextDataset> testSet() {
    return Optional.ofNullable(test);
  }

  /** The split names {@link #part(String)} accepts, in order. */
  public static final java.util.List<String> PART_NAMES = java.util.List.of("train", "validation",
      "test");

  /**
   * A part by name: {@code train}, {@code validation} (or {@code dev}) or {@code test}.
   *
   * <pre>{@code
   * TextDataset test = GoEmotions.load(dir).part("test");
   * }</pre>
   *
   * @param name the part's name (case-insensitive)
   * @return that data set
   * @throws IllegalArgumentException for an unknown name, or {@code test} where the source has no
   *     test set (naming what it has)
   */
  public TextDataset part(String name) {
    String n = name.strip().toLowerCase(java.util.Locale.ROOT);
    return switch (n) {
      case "train" -> train;
      case "validation", "dev" -> validation;
      case "test" -> testSet().orElseThrow(() -> new IllegalArgumentException("there is no test"
          + " split here (" + validation.name() + " is the evaluation set); use validation"));
      default -> throw new IllegalArgumentException("unknown split '" + name + "': expected one of "
          + PART_NAMES + " (dev = validation)");
    };
  }

  /**
   * The training set's number of outputs.
   *
   * @return classes, or 1 for regression
   */
  @Override
  public int numLabels() {
    return train.numLabels();
  }

  /**
   * A stratified seeded sample of the training set (each class keeps its share) and of the
   * validation set.
   *
   * @param trainSize training examples, 0 = all
   * @param validationSize validation examples, 0 = all
   * @param seed the sampling seed
   * @return the smaller split (the test set kept whole)
   */
  @Override
  public DatasetSplit sample(int trainSize, int validationSize, long seed) {
    return new DatasetSplit(cut(train, trainSize, seed), cut(validation, validationSize, seed),
        test);
  }

  private static TextDataset cut(TextDataset data, int size, long seed) {
    return size > 0 && size < data.size() ? data.stratifiedSample(size, seed) : data;
  }

  private static void requireSameLabels(TextDataset train, TextDataset other, String part) {
    if (!train.labelNames().equals(other.labelNames())) {
      throw new IllegalArgumentException(
          "train and "
              + part
              + " label names differ: "
              + train.labelNames()
              + " vs "
              + other.labelNames());
    }
    if (train.isRegression() != other.isRegression()
        || train.isMultiLabel() != other.isMultiLabel()) {
      throw new IllegalArgumentException(
          "train ("
              + train.name()
              + ") and "
              + part
              + " ("
              + other.name()
              + ") are different kinds of task (classification, regression, multi-label)");
    }
  }
}
