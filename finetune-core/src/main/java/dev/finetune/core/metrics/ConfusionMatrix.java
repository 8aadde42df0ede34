package dev.finetune.core.metrics;

import java.util.Arrays;

/**
 * An immutable confusion matrix of a single-label classifier, with the metrics derived from it
 * as scikit-learn defines them: precision, recall and F1 are 0 where their denominator is 0;
 * macro averages run over the classes that occur in the labels or the predictions (sklearn's
 * {@code unique_labels}); Matthews correlation is sklearn's multiclass formula (0 when either
 * side has a single class).
 *
 * <pre>{@code
 * ConfusionMatrix matrix = ConfusionMatrix.of(2, labels, predictions);
 * double mcc = matrix.matthewsCorrelation();
 * double f1 = matrix.f1(1);
 * }</pre>
 */
public final class ConfusionMatrix {

  private final int classes;
  private final long[] counts; // row = actual (label), column = predicted

  private ConfusionMatrix(int classes, long[] counts) {
    this.classes = classes;
    this.counts = counts;
  }

  /**
   * Counts label/prediction pairs.
   *
   * @param classes the number of classes, {@code >= 2}
   * @param labels the true classes, each in {@code [0, classes)}
   * @param predictions the predicted classes, same length
   * @return the matrix
   */
  public static ConfusionMatrix of(int classes, int[] labels, int[] predictions) {
    ConfusionMatrix empty = empty(classes);
    return empty.plus(labels, predictions);
  }

  /**
   * An empty matrix.
   *
   * @param classes the number of classes, {@code >= 2}
   * @return the matrix with all counts 0
   */
  public static ConfusionMatrix empty(int classes) {
    if (classes < 2) {
      throw new IllegalArgumentException("a classifier needs at least 2 classes, got " + classes);
    }
    return new ConfusionMatrix(classes, new long[classes * classes]);
  }

  /**
   * Returns a matrix that also counts the given pairs.
   *
   * @param labels the true classes, each in {@code [0, classes)}
   * @param predictions the predicted classes, same length
   * @return the new matrix
   */
  public ConfusionMatrix plus(int[] labels, int[] predictions) {
    long[] next = counts.clone();
    addInto(next, classes, labels, predictions);
    return new ConfusionMatrix(classes, next);
  }

  static void addInto(long[] counts, int classes, int[] labels, int[] predictions) {
    if (labels.length != predictions.length) {
      throw new IllegalArgumentException(
          "got "
              + labels.length
              + " labels but "
              + predictions.length
              + " predictions: pass one prediction per example");
    }
    for (int i = 0; i < labels.length; i++) {
      int label = labels[i];
      int prediction = predictions[i];
      if (label < 0 || label >= classes) {
        throw new IllegalArgumentException(
            "label " + label + " at index " + i + " is outside [0, " + classes + ")");
      }
      if (prediction < 0 || prediction >= classes) {
        throw new IllegalArgumentException(
            "prediction " + prediction + " at index " + i + " is outside [0, " + classes + ")");
      }
      counts[label * classes + prediction]++;
    }
  }

  static ConfusionMatrix ofCounts(int classes, long[] counts) {
    return new ConfusionMatrix(classes, counts.clone());
  }

  /**
   * The number of classes.
   *
   * @return the number of classes
   */
  public int classes() {
    return classes;
  }

  /**
   * How many examples of class {@code actual} were predicted as {@code predicted}.
   *
   * @param actual the true class
   * @param predicted the predicted class
   * @return the count
   */
  public long count(int actual, int predicted) {
    return counts[actual * classes + predicted];
  }

  /**
   * The number of examples counted.
   *
   * @return the total
   */
  public long total() {
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    return total;
  }

  /**
   * Fraction of examples predicted correctly.
   *
   * @return the accuracy, NaN when empty
   */
  public double accuracy() {
    long correct = 0;
    for (int c = 0; c < classes; c++) {
      correct += count(c, c);
    }
    long total = total();
    return total == 0 ? Double.NaN : (double) correct / total;
  }

  private long truePositives(int c) {
    return count(c, c);
  }

  private long predictedAs(int c) {
    long sum = 0;
    for (int a = 0; a < classes; a++) {
      sum += count(a, c);
    }
    return sum;
  }

  private long actually(int c) {
    long sum = 0;
    for (int p = 0; p < classes; p++) {
      sum += count(c, p);
    }
    return sum;
  }

  /**
   * Precision of one class, {@code tp / (tp + fp)}, 0 when the class is never predicted.
   *
   * @param positive the class
   * @return the precision
   */
  public double precision(int positive) {
    checkClass(positive);
    long predicted = predictedAs(positive);
    return predicted == 0 ? 0 : (double) truePositives(positive) / predicted;
  }

  /**
   * Recall of one class, {@code tp / (tp + fn)}, 0 when the class never occurs.
   *
   * @param positive the class
   * @return the recall
   */
  public double recall(int positive) {
    checkClass(positive);
    long actual = actually(positive);
    return actual == 0 ? 0 : (double) truePositives(positive) / actual;
  }

  /**
   * F1 of one class, {@code 2 tp / (2 tp + fp + fn)}, 0 when that denominator is 0.
   *
   * @param positive the class
   * @return the F1 score
   */
  public double f1(int positive) {
    checkClass(positive);
    long tp = truePositives(positive);
    long denominator = predictedAs(positive) + actually(positive);
    return denominator == 0 ? 0 : 2.0 * tp / denominator;
  }

  /**
   * Unweighted mean of the per-class precision over the classes present in labels or
   * predictions.
   *
   * @return the macro precision, NaN when empty
   */
  public double macroPrecision() {
    return macro(this::precision);
  }

  /**
   * Unweighted mean of the per-class recall over the classes present in labels or predictions.
   *
   * @return the macro recall, NaN when empty
   */
  public double macroRecall() {
    return macro(this::recall);
  }

  /**
   * Unweighted mean of the per-class F1 over the classes present in labels or predictions.
   *
   * @return the macro F1, NaN when empty
   */
  public double macroF1() {
    return macro(this::f1);
  }

  private double macro(java.util.function.IntToDoubleFunction metric) {
    double sum = 0;
    int present = 0;
    for (int c = 0; c < classes; c++) {
      if (predictedAs(c) + actually(c) > 0) {
        sum += metric.applyAsDouble(c);
        present++;
      }
    }
    return present == 0 ? Double.NaN : sum / present;
  }

  /**
   * Matthews correlation coefficient (sklearn's multiclass form, equal to the binary formula for
   * two classes): {@code (c s - t.p) / sqrt((s^2 - p.p)(s^2 - t.t))} with {@code c} correct,
   * {@code s} total, {@code t} and {@code p} the per-class true and predicted counts; 0 when the
   * denominator is 0 (for example when one class is never predicted).
   *
   * @return the MCC in {@code [-1, 1]}, NaN when empty
   */
  public double matthewsCorrelation() {
    double samples = total();
    if (samples == 0) {
      return Double.NaN;
    }
    double correct = 0;
    double trueDotPredicted = 0;
    double predictedSquared = 0;
    double trueSquared = 0;
    for (int c = 0; c < classes; c++) {
      double t = actually(c);
      double p = predictedAs(c);
      correct += count(c, c);
      trueDotPredicted += t * p;
      predictedSquared += p * p;
      trueSquared += t * t;
    }
    double covariance = correct * samples - trueDotPredicted;
    double predictedVariance = samples * samples - predictedSquared;
    double trueVariance = samples * samples - trueSquared;
    if (predictedVariance * trueVariance == 0) {
      return 0;
    }
    return covariance / Math.sqrt(trueVariance * predictedVariance);
  }

  private void checkClass(int c) {
    if (c < 0 || c >= classes) {
      throw new IllegalArgumentException("class " + c + " is outside [0, " + classes + ")");
    }
  }

  /**
   * The matrix as aligned text, rows = true class, columns = predicted class.
   *
   * @return the table
   */
  public String table() {
    int width = 6;
    for (long c : counts) {
      width = Math.max(width, Long.toString(c).length() + 1);
    }
    StringBuilder out = new StringBuilder(String.format("%-12s", "true\\pred"));
    for (int p = 0; p < classes; p++) {
      out.append(String.format("%" + width + "d", p));
    }
    out.append('\n');
    for (int a = 0; a < classes; a++) {
      out.append(String.format("%-12d", a));
      for (int p = 0; p < classes; p++) {
        out.append(String.format("%" + width + "d", count(a, p)));
      }
      out.append('\n');
    }
    return out.toString();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ConfusionMatrix that
        && classes == that.classes
        && Arrays.equals(counts, that.counts);
  }

  @Override
  public int hashCode() {
    return 31 * classes + Arrays.hashCode(counts);
  }

  @Override
  public String toString() {
    return "ConfusionMatrix" + Arrays.toString(counts) + " (" + classes + " classes)";
  }
}
