package dev.finetune.core.metrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Multi-label metrics at a decision threshold: a label is predicted when its sigmoid probability is
 * {@code >= threshold}. Micro F1 pools every (example, label) cell; macro F1 averages the per-label
 * F1, a label with no true and no predicted example counting 0 (scikit-learn's default {@code
 * zero_division=0}); subset accuracy is the share of examples whose whole label set is right;
 * Hamming loss the share of wrong cells.
 *
 * <p>{@link #tuneThresholds(float[][], boolean[][])} picks one threshold per label: the value of
 * the grid 0.05, 0.10, ..., 0.95 that maximises that label's F1 on the given (validation)
 * predictions, the one nearest 0.5 on ties; metrics computed with thresholds tuned on the same
 * predictions are optimistic, so tune on validation and report on a separate test set.
 *
 * <pre>{@code
 * Map<String, Double> m = MultiLabelMetrics.results(probabilities, truth, MultiLabelMetrics.global(0.5, 28));
 * double[] tuned = MultiLabelMetrics.tuneThresholds(probabilities, truth);
 * }</pre>
 */
public final class MultiLabelMetrics {

  /** Key of the micro-averaged F1. */
  public static final String MICRO_F1 = "micro_f1";

  /** Key of the macro-averaged F1. */
  public static final String MACRO_F1 = MetricAccumulator.MACRO_F1;

  /** Key of the subset (exact-match) accuracy. */
  public static final String SUBSET_ACCURACY = "subset_accuracy";

  /** Key of the Hamming loss. */
  public static final String HAMMING_LOSS = "hamming_loss";

  private MultiLabelMetrics() {}

  /**
   * The same threshold for every label.
   *
   * @param threshold in (0, 1)
   * @param labels the number of labels
   * @return one threshold per label
   */
  public static double[] global(double threshold, int labels) {
    double[] t = new double[labels];
    java.util.Arrays.fill(t, threshold);
    return t;
  }

  /**
   * The metrics of the class doc.
   *
   * @param probabilities (examples, labels) sigmoid outputs
   * @param truth (examples, labels) true label sets
   * @param thresholds one decision threshold per label
   * @return {@value #MICRO_F1}, {@value #MACRO_F1}, {@value #SUBSET_ACCURACY},
   *     {@value #HAMMING_LOSS}, in that order
   */
  public static Map<String, Double> results(
      float[][] probabilities, boolean[][] truth, double[] thresholds) {
    Counts c = count(probabilities, truth, thresholds);
    int n = probabilities.length;
    int labels = thresholds.length;
    long tpAll = 0;
    long fpAll = 0;
    long fnAll = 0;
    double macro = 0;
    for (int l = 0; l < labels; l++) {
      tpAll += c.tp[l];
      fpAll += c.fp[l];
      fnAll += c.fn[l];
      macro += f1(c.tp[l], c.fp[l], c.fn[l]);
    }
    Map<String, Double> out = new LinkedHashMap<>();
    out.put(MICRO_F1, f1(tpAll, fpAll, fnAll));
    out.put(MACRO_F1, labels == 0 ? Double.NaN : macro / labels);
    out.put(SUBSET_ACCURACY, n == 0 ? Double.NaN : (double) c.exact / n);
    out.put(HAMMING_LOSS,
        n == 0 || labels == 0 ? Double.NaN : (double) c.wrongCells / ((long) n * labels));
    return Collections.unmodifiableMap(out);
  }

  /**
   * One label's scores at its threshold: precision, recall and F1 (0 where undefined, as
   * scikit-learn's {@code zero_division=0}) and support (examples that have the label).
   *
   * <pre>{@code
   * MultiLabelMetrics.perLabel(probabilities, truth, thresholds).get(3).f1();
   * }</pre>
   *
   * @param precision tp / (tp + fp)
   * @param recall tp / (tp + fn)
   * @param f1 2 tp / (2 tp + fp + fn), the value macro F1 averages
   * @param support tp + fn
   * @param predicted tp + fp
   */
  public record LabelScores(double precision, double recall, double f1, long support,
      long predicted) {}

  /**
   * The per-label scores behind {@link #results}' macro F1.
   *
   * @param probabilities (examples, labels) sigmoid outputs
   * @param truth (examples, labels) true label sets
   * @param thresholds one decision threshold per label
   * @return one entry per label, in id order
   */
  public static List<LabelScores> perLabel(
      float[][] probabilities, boolean[][] truth, double[] thresholds) {
    Counts c = count(probabilities, truth, thresholds);
    List<LabelScores> out = new ArrayList<>();
    for (int l = 0; l < thresholds.length; l++) {
      long tp = c.tp[l];
      long fp = c.fp[l];
      long fn = c.fn[l];
      out.add(new LabelScores(tp + fp == 0 ? 0 : (double) tp / (tp + fp),
          tp + fn == 0 ? 0 : (double) tp / (tp + fn), f1(tp, fp, fn), tp + fn, tp + fp));
    }
    return List.copyOf(out);
  }

  private record Counts(long[] tp, long[] fp, long[] fn, long exact, long wrongCells) {}

  private static Counts count(float[][] probabilities, boolean[][] truth, double[] thresholds) {
    int n = probabilities.length;
    int labels = thresholds.length;
    if (truth.length != n) {
      throw new IllegalArgumentException(
          n + " rows of probabilities but " + truth.length + " label sets");
    }
    long[] tp = new long[labels];
    long[] fp = new long[labels];
    long[] fn = new long[labels];
    long exact = 0;
    long wrongCells = 0;
    for (int i = 0; i < n; i++) {
      if (probabilities[i].length != labels || truth[i].length != labels) {
        throw new IllegalArgumentException("example " + i + " has " + probabilities[i].length
            + " probabilities and " + truth[i].length + " labels, expected " + labels);
      }
      boolean allRight = true;
      for (int c = 0; c < labels; c++) {
        boolean predicted = probabilities[i][c] >= thresholds[c];
        if (predicted && truth[i][c]) {
          tp[c]++;
        } else if (predicted) {
          fp[c]++;
        } else if (truth[i][c]) {
          fn[c]++;
        }
        if (predicted != truth[i][c]) {
          allRight = false;
          wrongCells++;
        }
      }
      if (allRight) {
        exact++;
      }
    }
    return new Counts(tp, fp, fn, exact, wrongCells);
  }

  /**
   * Per-label thresholds maximising each label's F1 on these predictions (see the class doc).
   *
   * @param probabilities (examples, labels) sigmoid outputs
   * @param truth (examples, labels) true label sets
   * @return one threshold per label
   */
  public static double[] tuneThresholds(float[][] probabilities, boolean[][] truth) {
    int labels = probabilities.length == 0 ? 0 : probabilities[0].length;
    double[] best = global(0.5, labels);
    for (int c = 0; c < labels; c++) {
      double bestF1 = -1;
      for (int step = 1; step <= 19; step++) {
        double t = step / 20.0;
        long tp = 0;
        long fp = 0;
        long fn = 0;
        for (int i = 0; i < probabilities.length; i++) {
          boolean predicted = probabilities[i][c] >= t;
          if (predicted && truth[i][c]) {
            tp++;
          } else if (predicted) {
            fp++;
          } else if (truth[i][c]) {
            fn++;
          }
        }
        double f1 = f1(tp, fp, fn);
        if (f1 > bestF1 + 1e-12
            || (Math.abs(f1 - bestF1) <= 1e-12 && Math.abs(t - 0.5) < Math.abs(best[c] - 0.5))) {
          bestF1 = f1;
          best[c] = t;
        }
      }
    }
    return best;
  }

  private static double f1(long tp, long fp, long fn) {
    long denominator = 2 * tp + fp + fn;
    return denominator == 0 ? 0 : 2.0 * tp / denominator;
  }
}
