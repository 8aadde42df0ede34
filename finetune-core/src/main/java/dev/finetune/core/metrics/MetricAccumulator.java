package dev.finetune.core.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
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

  /**
   * Key of the area under the ROC curve of a binary classifier (the positive class's logit
   * margin as the score); present once logits were added.
   */
  public static final String AUC = "auc";

  private final int classes;
  private final int positiveClass;
  private final long[] counts;
  private final MeanAccumulator loss = new MeanAccumulator();
  private double[] scores = new double[0];
  private int[] scoreLabels = new int[0];
  private int scored;

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
    int[] truth = Predictions.classes(labels);
    add(truth, Predictions.argmax(logits));
    if (classes == 2 && logits.getShape().dimension() == 2) {
      float[] values;
      if (logits.getDataType() == DataType.FLOAT32) {
        values = logits.toFloatArray();
      } else {
        try (NDArray asFloat = logits.toType(DataType.FLOAT32, false)) {
          values = asFloat.toFloatArray();
        }
      }
      int other = 1 - positiveClass;
      for (int i = 0; i < truth.length; i++) {
        addScore(values[2 * i + positiveClass] - (double) values[2 * i + other], truth[i]);
      }
    }
  }

  private void addScore(double score, int label) {
    if (scored == scores.length) {
      int size = Math.max(64, scored * 2);
      scores = Arrays.copyOf(scores, size);
      scoreLabels = Arrays.copyOf(scoreLabels, size);
    }
    scores[scored] = score;
    scoreLabels[scored] = label;
    scored++;
  }

  /**
   * The area under the ROC curve of scores for the positive class: the probability that a
   * positive example scores above a negative one, ties counting half (the Mann-Whitney U
   * statistic over average ranks, as scikit-learn's {@code roc_auc_score}).
   *
   * @param scores the scores, higher meaning more likely positive
   * @param positive per example, whether it is positive
   * @return the area, NaN when one of the two classes has no example
   */
  public static double rocAuc(double[] scores, boolean[] positive) {
    double[] ranks = RegressionMetrics.averageRanks(scores);
    double positiveRanks = 0;
    long positives = 0;
    for (int i = 0; i < scores.length; i++) {
      if (positive[i]) {
        positiveRanks += ranks[i];
        positives++;
      }
    }
    long negatives = scores.length - positives;
    if (positives == 0 || negatives == 0) {
      return Double.NaN;
    }
    return (positiveRanks - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
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
   * {@value #MCC}, {@value #AUC} for two classes once logits were added (NaN while one class has
   * no example), and {@value #LOSS} once a loss was added.
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
    if (scored > 0) {
      boolean[] positive = new boolean[scored];
      for (int i = 0; i < scored; i++) {
        positive[i] = scoreLabels[i] == positiveClass;
      }
      results.put(AUC, rocAuc(Arrays.copyOf(scores, scored), positive));
    }
    if (loss.count() > 0) {
      results.put(LOSS, loss.mean());
    }
    return Collections.unmodifiableMap(results);
  }

  /** Forgets all batches, for the next evaluation. */
  public void reset() {
    Arrays.fill(counts, 0);
    scored = 0;
    loss.reset();
  }
}
