package dev.finetune.core.metrics;

import dev.finetune.core.model.ProblemType;

/**
 * A whole validation pass as plain Java arrays, for a user-supplied {@link ComputeMetrics} (Hugging
 * Face's {@code EvalPrediction}): the head's logits and the labels, row per example in the
 * validation set's order.
 *
 * <pre>{@code
 * ComputeMetrics top2 = p -> {
 *   float[][] probs = p.probabilities();
 *   int[] gold = p.classLabels();
 *   ...
 *   return Map.of("top2_accuracy", hits / (double) gold.length);
 * };
 * }</pre>
 *
 * @param problemType what the head predicts
 * @param logits (examples, numLabels) raw head outputs
 * @param labels (examples, 1) class id or target for single-label and regression, (examples,
 *     numLabels) multi-hot for multi-label
 */
public record EvalPredictions(ProblemType problemType, float[][] logits, float[][] labels) {

  /**
   * The probabilities: softmax of each row for single-label, sigmoid of each logit for multi-label,
   * the raw outputs for regression.
   *
   * @return (examples, numLabels) new arrays
   */
  public float[][] probabilities() {
    float[][] out = new float[logits.length][];
    for (int i = 0; i < logits.length; i++) {
      float[] row = logits[i].clone();
      switch (problemType) {
        case SINGLE_LABEL_CLASSIFICATION -> {
          float max = Float.NEGATIVE_INFINITY;
          for (float v : row) {
            max = Math.max(max, v);
          }
          double sum = 0;
          for (int c = 0; c < row.length; c++) {
            row[c] = (float) Math.exp(row[c] - max);
            sum += row[c];
          }
          for (int c = 0; c < row.length; c++) {
            row[c] /= (float) sum;
          }
        }
        case MULTI_LABEL_CLASSIFICATION -> {
          for (int c = 0; c < row.length; c++) {
            row[c] = (float) (1 / (1 + Math.exp(-row[c])));
          }
        }
        case REGRESSION -> {
          // raw scores
        }
        default -> throw new IllegalStateException(problemType.name());
      }
      out[i] = row;
    }
    return out;
  }

  /**
   * The class ids of a single-label pass.
   *
   * @return one id per example
   * @throws IllegalStateException for another problem type
   */
  public int[] classLabels() {
    require(ProblemType.SINGLE_LABEL_CLASSIFICATION);
    int[] out = new int[labels.length];
    for (int i = 0; i < labels.length; i++) {
      out[i] = Math.round(labels[i][0]);
    }
    return out;
  }

  /**
   * The targets of a regression pass.
   *
   * @return one score per example
   * @throws IllegalStateException for another problem type
   */
  public double[] targets() {
    require(ProblemType.REGRESSION);
    double[] out = new double[labels.length];
    for (int i = 0; i < labels.length; i++) {
      out[i] = labels[i][0];
    }
    return out;
  }

  /**
   * The true label sets of a multi-label pass.
   *
   * @return (examples, numLabels)
   * @throws IllegalStateException for another problem type
   */
  public boolean[][] multiHot() {
    require(ProblemType.MULTI_LABEL_CLASSIFICATION);
    boolean[][] out = new boolean[labels.length][];
    for (int i = 0; i < labels.length; i++) {
      out[i] = new boolean[labels[i].length];
      for (int c = 0; c < labels[i].length; c++) {
        out[i][c] = labels[i][c] > 0.5f;
      }
    }
    return out;
  }

  /**
   * The arg-max class of each row (first on ties), for single-label passes.
   *
   * @return one class per example
   */
  public int[] predictedClasses() {
    int[] out = new int[logits.length];
    for (int i = 0; i < logits.length; i++) {
      int best = 0;
      for (int c = 1; c < logits[i].length; c++) {
        if (logits[i][c] > logits[i][best]) {
          best = c;
        }
      }
      out[i] = best;
    }
    return out;
  }

  private void require(ProblemType expected) {
    if (problemType != expected) {
      throw new IllegalStateException("these are " + problemType + " predictions, not " + expected);
    }
  }
}
