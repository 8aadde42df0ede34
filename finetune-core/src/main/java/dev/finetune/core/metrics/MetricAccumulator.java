package dev.finetune.core.metrics;

import ai.djl.ndarray.NDArray;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Streams an evaluation: the trainer feeds each batch's predictions (or logits), labels and mean
 * loss, then reads the metrics of the whole pass. Mutable, not thread-safe.
 *
 * <pre>{@code
 * MetricAccumulator metrics = MetricAccumulator.forClasses(2);
 * for (Batch batch : validation) {
 *   metrics.add(logits, labels);
 *   metrics.addLoss(meanLoss, batchSize);
 * }
 * Map<String, Double> results = metrics.results(); // accuracy, f1, mcc, ...
 * }</pre>
 */
public final class MetricAccumulator {

  /** Key of the accuracy in {@link #results()}. */
  public static final String ACCURACY = "accuracy";

  /** Key of the precision (of the positive class for 2 classes, else macro). */
  public static final String PRECISION = "precision";

  /** Key of the recall (of the positive class for 2 classes, else macro). */
  public static final String RECALL = "recall";

  /** Key of the F1 score (of the positive class for 2 classes, else macro). */
  public static final String F1 = "f1";

  /** Key of the macro-averaged F1 score. */
  public static final String MACRO_F1 = "macro_f1";

  /** Key of the Matthews correlation coefficient. */
  public static final String MCC = "mcc";

  /** Key of the mean loss; present once a loss was added. */
  public static final String LOSS = "loss";

  private final int classes;
  private final int positiveClass;
  private final long[] counts;
  private final MeanAccumulator loss = new MeanAccumulator();

  private MetricAccumulator(int classes, int positiveClass) {
    if (classes < 2) {
      throw new IllegalArgumentException("a classifier needs at least 2 classes, got " + classes);
    }
    if (positiveClass < 0 || positiveClass >= classes) {
      throw new IllegalArgumentException(
          "positive class " + positiveClass + " is outside [0, " + classes + ")");
    }
    this.classes = classes;
    this.positiveClass = positiveClass;
    this.counts = new long[classes * classes];
  }

  /**
   * An accumulator for {@code classes} classes; with two classes, class 1 is the positive one.
   *
   * @param classes the number of classes, {@code >= 2}
   * @return the accumulator
   */
  public static MetricAccumulator forClasses(int classes) {
    return new MetricAccumulator(classes, classes == 2 ? 1 : 0);
  }

  /**
   * A binary accumulator with the given positive class.
   *
   * @param positiveClass 0 or 1
   * @return the accumulator
   */
  public static MetricAccumulator binary(int positiveClass) {
    return new MetricAccumulator(2, positiveClass);
  }

  /**
   * Adds one batch of class predictions.
   *
   * @param labels the true classes
   * @param predictions the predicted classes, same length
   */
  public void add(int[] labels, int[] predictions) {
    ConfusionMatrix.addInto(counts, classes, labels, predictions);
  }

  /**
   * Adds one batch from the model's logits (arg-max per row) and a label array.
   *
   * @param logits a {@code (batch, classes)} array
   * @param labels a {@code (batch)} array of class indices
   */
  public void add(NDArray logits, NDArray labels) {
    if (logits.getShape().dimension() == 2 && logits.getShape().get(1) != classes) {
      throw new IllegalArgumentException(
          "logits have " + logits.getShape().get(1) + " columns but the metrics expect " + classes
              + " classes");
    }
    add(Predictions.classes(labels), Predictions.argmax(logits));
  }

  /**
   * Adds one batch's mean loss, weighted by its number of examples.
   *
   * @param meanLoss the batch's mean loss
   * @param examples the batch's number of examples
   */
  public void addLoss(double meanLoss, long examples) {
    loss.add(meanLoss, examples);
  }

  /**
   * The confusion matrix so far.
   *
   * @return an immutable snapshot
   */
  public ConfusionMatrix confusionMatrix() {
    return ConfusionMatrix.ofCounts(classes, counts);
  }

  /**
   * The mean loss so far.
   *
   * @return the mean loss, NaN when none was added
   */
  public double meanLoss() {
    return loss.mean();
  }

  /**
   * The metrics so far: {@value #ACCURACY}, {@value #PRECISION}, {@value #RECALL}, {@value #F1}
   * (for the positive class with two classes, macro averages otherwise), {@value #MACRO_F1},
   * {@value #MCC}, and {@value #LOSS} once a loss was added.
   *
   * @return an unmodifiable map in that order
   */
  public Map<String, Double> results() {
    ConfusionMatrix matrix = confusionMatrix();
    boolean binary = classes == 2;
    Map<String, Double> results = new LinkedHashMap<>();
    results.put(ACCURACY, matrix.accuracy());
    results.put(PRECISION, binary ? matrix.precision(positiveClass) : matrix.macroPrecision());
    results.put(RECALL, binary ? matrix.recall(positiveClass) : matrix.macroRecall());
    results.put(F1, binary ? matrix.f1(positiveClass) : matrix.macroF1());
    results.put(MACRO_F1, matrix.macroF1());
    results.put(MCC, matrix.matthewsCorrelation());
    if (loss.count() > 0) {
      results.put(LOSS, loss.mean());
    }
    return Collections.unmodifiableMap(results);
  }

  /** Forgets all batches, for the next evaluation. */
  public void reset() {
    java.util.Arrays.fill(counts, 0);
    loss.reset();
  }
}
