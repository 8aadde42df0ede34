package dev.finetune.core.metrics;

import java.util.Map;

/**
 * A user-supplied validation metric (Hugging Face's {@code compute_metrics}): called once per
 * evaluation with the whole pass's logits and labels, it returns named numbers that join the
 * built-in metrics in the report and can be monitored by name by {@code EarlyStopping} and
 * {@code BestCheckpoint} (the direction is inferred from the name as for built-in metrics: names
 * ending in {@code loss} or {@code error} go down; say {@code .mode(Mode.MIN)} otherwise). A name
 * may not repeat a built-in metric's.
 *
 * <pre>{@code
 * ComputeMetrics errorRate = p -> Map.of("error_rate",
 *     1 - ClassificationMetrics.accuracy(p.classLabels(), p.predictedClasses()));
 * FineTune.of(model).metrics(errorRate).callbacks(EarlyStopping.on("error_rate")).fit(train, dev);
 * }</pre>
 */
@FunctionalInterface
public interface ComputeMetrics {

  /**
   * Computes metrics over one validation pass.
   *
   * @param predictions the pass's logits and labels
   * @return metric name to value
   */
  Map<String, Double> compute(EvalPredictions predictions);
}
