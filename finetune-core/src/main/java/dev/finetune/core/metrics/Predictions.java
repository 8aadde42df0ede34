package dev.finetune.core.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Turns model outputs and label arrays into the {@code int[]} the metrics take.
 *
 * <pre>{@code
 * int[] predicted = Predictions.argmax(logits);   // logits: (batch, classes)
 * int[] labels = Predictions.classes(labelArray); // labels: (batch)
 * }</pre>
 */
public final class Predictions {

  private Predictions() {}

  /**
   * The index of the largest logit in each row (first one on ties, like {@code torch.argmax}).
   *
   * @param logits a {@code (batch, classes)} array
   * @return one class per row
   */
  public static int[] argmax(NDArray logits) {
    if (logits.getShape().dimension() != 2) {
      throw new IllegalArgumentException(
          "logits must have shape (batch, classes), got " + logits.getShape());
    }
    try (NDArray indices = logits.argMax(1);
        NDArray asInt = indices.toType(DataType.INT32, false)) {
      return asInt.toIntArray();
    }
  }

  /**
   * Class indices from a label array of any integer or integral floating type.
   *
   * @param labels a {@code (batch)} array (or {@code (batch, 1)})
   * @return the labels as ints
   */
  public static int[] classes(NDArray labels) {
    if (labels.getShape().dimension() == 0
        || labels.getShape().size() != labels.getShape().get(0)) {
      throw new IllegalArgumentException(
          "labels must have shape (batch) or (batch, 1), got " + labels.getShape());
    }
    try (NDArray asInt = labels.toType(DataType.INT32, false)) {
      return asInt.toIntArray();
    }
  }
}
