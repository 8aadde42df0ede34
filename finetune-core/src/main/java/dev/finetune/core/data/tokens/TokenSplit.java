package dev.finetune.core.data.tokens;

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
public record TokenSplit(TokenDataset train, TokenDataset validation, TokenDataset test) {

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
