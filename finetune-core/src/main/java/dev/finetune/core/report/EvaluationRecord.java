package dev.finetune.core.report;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An extra validation result outside the per-epoch rows, for example of the SWA-averaged or EMA
 * weights, or of the best checkpoint re-evaluated.
 *
 * <pre>{@code
 * var swa = new EvaluationRecord("swa", 3, 0.31, Map.of("accuracy", 0.905));
 * }</pre>
 *
 * @param label what was evaluated, e.g. {@code swa}
 * @param epoch the epoch after which it was evaluated, from 1
 * @param validationLoss the mean validation loss, NaN if unknown
 * @param validationMetrics the validation metrics by name, in column order
 */
public record EvaluationRecord(
    String label, int epoch, double validationLoss, Map<String, Double> validationMetrics) {

  /** Checks the label and copies the metrics into an unmodifiable ordered map. */
  public EvaluationRecord {
    if (label == null || label.isBlank()) {
      throw new IllegalArgumentException("an extra evaluation row needs a label, e.g. \"swa\"");
    }
    validationMetrics =
        Collections.unmodifiableMap(
            new LinkedHashMap<>(Objects.requireNonNull(validationMetrics, "validationMetrics")));
  }
}
