package dev.finetune.core.train.callbacks;

import java.util.Map;

/** Reads a monitored metric out of an evaluation, with a clear error when it is not there. */
final class Monitored {

  private Monitored() {}

  static double value(String callback, String metric, Map<String, Double> metrics) {
    Double value = metrics.get(metric);
    if (value == null) {
      throw new IllegalStateException(callback + " monitors '" + metric + "' but the evaluation"
          + (metrics.isEmpty() ? " gave no metrics (is there a validation set? pass one to fit)"
              : " has only " + metrics.keySet() + "; monitor one of those"));
    }
    return value;
  }

  static double checkMinDelta(String callback, double minDelta) {
    if (!(minDelta >= 0)) {
      throw new IllegalArgumentException(callback + ".minDelta(" + minDelta + "): must be >= 0");
    }
    return minDelta;
  }
}
