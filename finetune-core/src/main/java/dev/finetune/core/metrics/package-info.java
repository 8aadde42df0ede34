/**
 * Classification metrics with scikit-learn's definitions (accuracy, precision, recall, F1,
 * Matthews correlation, confusion matrix) and a streaming accumulator for evaluation passes.
 *
 * <pre>{@code
 * MetricAccumulator metrics = MetricAccumulator.forClasses(2);
 * metrics.add(logits, labels);
 * double mcc = metrics.results().get(MetricAccumulator.MCC);
 * }</pre>
 */
package dev.finetune.core.metrics;
