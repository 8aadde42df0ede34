package dev.finetune.experiments.grid;

import java.util.Arrays;
import java.util.Locale;

/**
 * Mean and sample standard deviation (divisor {@code n - 1}; 0 for one value) of the finite
 * values among some repeats; NaN values (unknown) are left out.
 *
 * <pre>{@code
 * Stat s = Stat.of(0.80, 0.82, 0.84);   // mean 0.82, std 0.02, n 3
 * s.format(3);                          // "0.820 ± 0.020"
 * }</pre>
 *
 * @param mean the mean, NaN when there is no value
 * @param std the sample standard deviation, NaN when there is no value
 * @param n how many values were finite
 */
public record Stat(double mean, double std, int n) {

  /**
   * Aggregates values.
   *
   * @param values the values, NaN for unknown
   * @return the statistic
   */
  public static Stat of(double... values) {
    double[] finite = Arrays.stream(values).filter(Double::isFinite).toArray();
    int n = finite.length;
    if (n == 0) {
      return new Stat(Double.NaN, Double.NaN, 0);
    }
    double mean = Arrays.stream(finite).sum() / n;
    if (n == 1) {
      return new Stat(mean, 0, 1);
    }
    double ss = Arrays.stream(finite).map(v -> (v - mean) * (v - mean)).sum();
    return new Stat(mean, Math.sqrt(ss / (n - 1)), n);
  }

  /**
   * The value as text: {@code mean} for one value, {@code mean ± std} for several, {@code -} for none.
   *
   * @param decimals decimals of both numbers
   * @return the text
   */
  public String format(int decimals) {
    if (n == 0) {
      return "-";
    }
    String m = String.format(Locale.ROOT, "%." + decimals + "f", mean);
    return n == 1 ? m : m + " ± " + String.format(Locale.ROOT, "%." + decimals + "f", std);
  }
}
