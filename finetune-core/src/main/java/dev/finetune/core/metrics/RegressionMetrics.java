package dev.finetune.core.metrics;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Regression metrics over whole prediction/target arrays: mean squared and mean absolute error,
 * Pearson's r and Spearman's rho (Pearson's r of the ranks, tied values sharing their average rank, as
 * {@code scipy.stats.spearmanr}). A correlation is NaN when either side is constant.
 *
 * <pre>{@code
 * double r = RegressionMetrics.pearson(predictions, targets);
 * double rho = RegressionMetrics.spearman(predictions, targets);
 * double[] ranks = RegressionMetrics.averageRanks(new double[] {10, 20, 20, 30}); // 1, 2.5, 2.5, 4
 * }</pre>
 */
public final class RegressionMetrics {

  /** Key of the mean squared error. */
  public static final String MSE = "mse";

  /** Key of the mean absolute error. */
  public static final String MAE = "mae";

  /** Key of Pearson's correlation. */
  public static final String PEARSON = "pearson";

  /** Key of Spearman's rank correlation. */
  public static final String SPEARMAN = "spearman";

  private RegressionMetrics() {}

  /**
   * Mean of {@code (prediction - target)^2}.
   *
   * @param predictions the predictions
   * @param targets the targets, same length
   * @return the MSE, NaN when empty
   */
  public static double meanSquaredError(double[] predictions, double[] targets) {
    checkLengths(predictions, targets);
    double sum = 0;
    for (int i = 0; i < predictions.length; i++) {
      double d = predictions[i] - targets[i];
      sum += d * d;
    }
    return predictions.length == 0 ? Double.NaN : sum / predictions.length;
  }

  /**
   * Mean of {@code |prediction - target|}.
   *
   * @param predictions the predictions
   * @param targets the targets, same length
   * @return the MAE, NaN when empty
   */
  public static double meanAbsoluteError(double[] predictions, double[] targets) {
    checkLengths(predictions, targets);
    double sum = 0;
    for (int i = 0; i < predictions.length; i++) {
      sum += Math.abs(predictions[i] - targets[i]);
    }
    return predictions.length == 0 ? Double.NaN : sum / predictions.length;
  }

  /**
   * Pearson's correlation coefficient.
   *
   * @param x one variable
   * @param y the other, same length
   * @return r in [-1, 1], NaN when fewer than 2 values or either is constant
   */
  public static double pearson(double[] x, double[] y) {
    checkLengths(x, y);
    int n = x.length;
    if (n < 2) {
      return Double.NaN;
    }
    double mx = Arrays.stream(x).average().orElse(0);
    double my = Arrays.stream(y).average().orElse(0);
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < n; i++) {
      double dx = x[i] - mx;
      double dy = y[i] - my;
      sxy += dx * dy;
      sxx += dx * dx;
      syy += dy * dy;
    }
    return sxx == 0 || syy == 0 ? Double.NaN : sxy / Math.sqrt(sxx * syy);
  }

  /**
   * Spearman's rank correlation: Pearson's r of the average ranks.
   *
   * @param x one variable
   * @param y the other, same length
   * @return rho in [-1, 1], NaN when fewer than 2 values or either is constant
   */
  public static double spearman(double[] x, double[] y) {
    checkLengths(x, y);
    return pearson(averageRanks(x), averageRanks(y));
  }

  /**
   * Ranks from 1, ties sharing the mean of the ranks they span ({@code scipy.stats.rankdata}'s
   * {@code average} method).
   *
   * @param values the values
   * @return one rank per value
   */
  public static double[] averageRanks(double[] values) {
    Integer[] order = IntStream.range(0, values.length).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.comparingDouble(i -> values[i]));
    double[] ranks = new double[values.length];
    int i = 0;
    while (i < order.length) {
      int j = i;
      while (j + 1 < order.length && values[order[j + 1]] == values[order[i]]) {
        j++;
      }
      double rank = (i + j) / 2.0 + 1; // positions i..j hold ranks i+1..j+1
      for (int k = i; k <= j; k++) {
        ranks[order[k]] = rank;
      }
      i = j + 1;
    }
    return ranks;
  }

  private static void checkLengths(double[] a, double[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException(
          "predictions and targets differ in length: " + a.length + " vs " + b.length);
    }
  }
}
