package dev.finetune.core.data;

import java.util.Objects;

/**
 * A pair of data sets for training and for evaluation.
 *
 * <pre>{@code
 * DatasetSplit sst2 = Glue.sst2();
 * DatasetSplit imdb = Imdb.load().train().split(0.9, 42);   // 90/10 of IMDb train
 * fit(imdb.train(), imdb.validation());
 * }</pre>
 *
 * @param train the training data
 * @param validation the evaluation data (for IMDb: its official test split)
 */
public record DatasetSplit(TextDataset train, TextDataset validation) {

  /** Checks that both parts are present and agree on their labels. */
  public DatasetSplit {
    Objects.requireNonNull(train, "train");
    Objects.requireNonNull(validation, "validation");
    if (!train.labelNames().equals(validation.labelNames())) {
      throw new IllegalArgumentException(
          "train and validation label names differ: "
              + train.labelNames()
              + " vs "
              + validation.labelNames());
    }
  }
}
