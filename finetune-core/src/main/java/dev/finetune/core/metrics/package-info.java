/**
 * Classification metrics with scikit-learn's definitions (accuracy, precision, recall, F1,
 * Matthews correlation, confusion matrix) and a streaming accumulator for evaluation passes; entity
 * metrics for token classification with seqeval's definitions ({@link
 * dev.finetune.core.metrics.EntityMetrics}, {@link dev.finetune.core.metrics.Entities}).
 *
 * <pre>{@code
 * MetricAccumulator metrics = MetricAccumulator.forClasses(2);
 * metrics.add(logits, labels);
 * double mcc = metrics.results().get(MetricAccumulator.MCC);
 * double entityF1 = EntityMetrics.score(goldTags, predictedTags).f1();
 * }</pre>
 */
package dev.finetune.core.metrics;
