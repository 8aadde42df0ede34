package dev.finetune.core.data.tokens;

import dev.finetune.core.data.TaskData;
import java.util.Objects;
import java.util.Optional;

/**
 * Token-classification data for training and evaluation, and optionally a held-out test set, all
 * with the same {@link TagSet}.
 *
 * <pre>{@code
 * TokenSplit conll = Conll2003.load(dir);
 * TokenDataset test = conll.testSet().orElseThrow();
 * }</pre>
 *
 * @param train the training data
 * @param validation the evaluation data
 * @param test a held-out test set, or {@code null}
 */
public record TokenSplit(TokenDataset train, TokenDataset validation, TokenDataset test)
    implements TaskData {

  /** Checks that the parts share one tag set. */
  public TokenSplit {
    Objects.requireNonNull(train, "train");
    Objects.requireNonNull(validation, "validation");
    requireSameTags(train, validation);
    if (test != null) {
      requireSameTags(train, test);
    }
  }

  /**
   * The held-out test set, when there is one.
   *
   * @return the test set, or empty
   */
  public Optional<TokenDataset> testSet() {
    return Optional.ofNullable(test);
  }

  /**
   * The number of tags (the token head's outputs).
   *
   * @return the tag set's size
   */
  @Override
  public int numLabels() {
    return train.tags().size();
  }

  /**
   * Seeded samples of sentences from the training and validation parts (the test part kept).
   *
   * @param trainSize training sentences, 0 = all
   * @param validationSize validation sentences, 0 = all
   * @param seed the sampling seed
   * @return the smaller split
   */
  @Override
  public TokenSplit sample(int trainSize, int validationSize, long seed) {
    return new TokenSplit(train.sample(trainSize, seed), validation.sample(validationSize, seed),
        test);
  }

  private static void requireSameTags(TokenDataset train, TokenDataset other) {
    if (!train.tags().equals(other.tags())) {
      throw new IllegalArgumentException(
          "train and "
              + other.name()
              + " have different tag sets: "
              + train.tags()
              + " vs "
              + other.tags()
              + "; read them with one TagSet (reader option tagSet)");
    }
  }
}
