package dev.finetune.core.metrics;

/**
 * One-call metrics over whole label/prediction arrays (scikit-learn's definitions; see {@link
 * ConfusionMatrix}). The number of classes is the largest class seen plus one, at least 2.
 *
 * <pre>{@code
 * double accuracy = ClassificationMetrics.accuracy(labels, predictions);
 * double f1 = ClassificationMetrics.f1(labels, predictions, 1);
 * double mcc = ClassificationMetrics.matthewsCorrelation(labels, predictions);
 * }</pre>
 */
public final class ClassificationMetrics {

  private ClassificationMetrics() {}

  /**
   * The confusion matrix of the pairs.
   *
   * @param labels the true classes
   * @param predictions the predicted classes
   * @return the matrix
   */
  public static ConfusionMatrix confusionMatrix(int[] labels, int[] predictions) {
    int largest = 1;
    for (int label : labels) {
      largest = Math.max(largest, label);
    }
    for (int prediction : predictions) {
      largest = Math.max(largest, prediction);
    }
    return ConfusionMatrix.of(largest + 1, labels, predictions);
  }

  /**
   * Fraction of correct predictions.
   *
   * @param labels the true classes
   * @param predictions the predicted classes
   * @return the accuracy
   */
  public static double accuracy(int[] labels, int[] predictions) {
    return confusionMatrix(labels, predictions).accuracy();
  }

  /**
   * Precision of the positive class.
   *
   * @param labels the true classes
   * @param predictions the predicted classes
   * @param positive the positive class
   * @return the precision
   */
  public static double precision(int[] labels, int[] predictions, int positive) {
    return confusionMatrix(labels, predictions).precision(positive);
  }

  /**
   * Recall of the positive class.
   *
   * @param labels the true classes
   * @param predictions the predicted classes
   * @param positive the positive class
   * @return the recall
   */
  public static double recall(int[] labels, int[] predictions, int positive) {
    return confusionMatrix(labels, predictions).recall(positive);
  }

  /**
   * F1 of the positive class.
   *
   * @param labels the true classes
   * @param predictions the predicted classes
   * @param positive the positive class
   * @return the F1 score
   */
  public static double f1(int[] labels, int[] predictions, int positive) {
    return confusionMatrix(labels, predictions).f1(positive);
  }

  /**
   * Macro-averaged F1 over the classes present.
   *
   * @param labels the true classes
   * @param predictions the predicted classes
   * @return the macro F1
   */
  public static double macroF1(int[] labels, int[] predictions) {
    return confusionMatrix(labels, predictions).macroF1();
  }

  /**
   * Matthews correlation coefficient (binary or multiclass).
   *
   * @param labels the true classes
   * @param predictions the predicted classes
   * @return the MCC
   */
  public static double matthewsCorrelation(int[] labels, int[] predictions) {
    return confusionMatrix(labels, predictions).matthewsCorrelation();
  }
}
