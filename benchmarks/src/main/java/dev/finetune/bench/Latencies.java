package dev.finetune.bench;

import java.util.Arrays;

/**
 * Order statistics of measured times: the median of repeated runs and latency percentiles.
 *
 * <p>Percentiles use the nearest-rank definition (the smallest value with at least p % of the
 * values at or below it), so p99 of 872 latencies is the 864th smallest: a measured value, never
 * an interpolation.
 *
 * <pre>{@code
 * Latencies.percentile(new double[] {4, 1, 3, 2}, 50);   // 2.0
 * Latencies.median(new double[] {4, 1, 3, 2});           // 2.5
 * }</pre>
 */
public final class Latencies {

  private Latencies() {}

  /**
   * The nearest-rank percentile.
   *
   * @param values the values (not changed; at least one)
   * @param p the percentile, in (0, 100]
   * @return the value at rank ceil(p / 100 · n)
   */
  public static double percentile(double[] values, double p) {
    if (values.length == 0) {
      throw new IllegalArgumentException("percentile of no values");
    }
    if (!(p > 0 && p <= 100)) {
      throw new IllegalArgumentException("percentile must be in (0, 100], got " + p);
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(rank, 1) - 1];
  }

  /**
   * The median (the mean of the two middle values for an even count).
   *
   * @param values the values (not changed; at least one)
   * @return the median
   */
  public static double median(double[] values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("median of no values");
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
