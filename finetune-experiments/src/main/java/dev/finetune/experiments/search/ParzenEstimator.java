package dev.finetune.experiments.search;

import java.util.Arrays;
import java.util.Random;

/**
 * The densities of the tree-structured Parzen estimator ({@link TpeSampler}), one dimension at a
 * time, as Optuna's defaults build them (prior on, prior weight 1, "magic clip" on, endpoints not
 * considered, equal weights): a mixture of one kernel per observation and one prior kernel.
 *
 * <ul>
 *   <li>{@link Numeric}: truncated normal kernels on {@code [low, high]} (in log space for a
 *       log-uniform range), centred on the observations and on the middle of the range (the prior,
 *       its width the whole range); an observation's width is the larger gap to its neighbours
 *       (the two outermost: their inner gap), clipped to {@code [(high - low) / min(100, n + 1),
 *       high - low]}.
 *   <li>{@link Categorical}: each observation puts weight 1 on its value plus {@code 1 / K} on
 *       every one of the {@code K} values (normalised); the prior kernel is uniform.
 * </ul>
 *
 * <pre>{@code
 * ParzenEstimator.Numeric l = ParzenEstimator.Numeric.of(new double[] {0.2, 0.5}, 0, 1);
 * double logDensity = l.logPdf(0.3);
 * double x = l.sample(new Random(7));
 * }</pre>
 */
final class ParzenEstimator {

  private ParzenEstimator() {}

  /**
   * A mixture of truncated normals on {@code [low, high]}.
   *
   * @param mus kernel centres (the observations, then the prior)
   * @param sigmas kernel widths
   * @param low lower bound
   * @param high upper bound
   */
  record Numeric(double[] mus, double[] sigmas, double low, double high) {

    /**
     * Builds the estimator over some observations.
     *
     * @param observations the observed values (may be empty: the prior alone)
     * @param low the lower bound
     * @param high the upper bound
     * @return the mixture
     */
    static Numeric of(double[] observations, double low, double high) {
      int n = observations.length + 1;
      double[] mus = Arrays.copyOf(observations, n);
      mus[n - 1] = (low + high) / 2;
      double[] sigmas = new double[n];
      if (n > 1) {
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
          order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(mus[a], mus[b]));
        double[] withEnds = new double[n + 2];
        withEnds[0] = low;
        withEnds[n + 1] = high;
        for (int i = 0; i < n; i++) {
          withEnds[i + 1] = mus[order[i]];
        }
        double[] sorted = new double[n];
        for (int i = 0; i < n; i++) {
          sorted[i] = Math.max(withEnds[i + 1] - withEnds[i], withEnds[i + 2] - withEnds[i + 1]);
        }
        sorted[0] = withEnds[2] - withEnds[1];
        sorted[n - 1] = withEnds[n] - withEnds[n - 1];
        for (int i = 0; i < n; i++) {
          sigmas[order[i]] = sorted[i];
        }
      }
      double max = high - low;
      double min = (high - low) / Math.min(100.0, 1.0 + n);
      for (int i = 0; i < n; i++) {
        sigmas[i] = Math.min(max, Math.max(min, sigmas[i]));
      }
      sigmas[n - 1] = max;
      return new Numeric(mus, sigmas, low, high);
    }

    /**
     * The log density of the mixture (equal weights) at {@code x}.
     *
     * @param x a point in {@code [low, high]}
     * @return the log density
     */
    double logPdf(double x) {
      double sum = 0;
      for (int i = 0; i < mus.length; i++) {
        double z = (x - mus[i]) / sigmas[i];
        double mass = cdf((high - mus[i]) / sigmas[i]) - cdf((low - mus[i]) / sigmas[i]);
        sum += Math.exp(-0.5 * z * z) / (Math.sqrt(2 * Math.PI) * sigmas[i] * mass);
      }
      return Math.log(sum / mus.length);
    }

    /**
     * Draws one point: a kernel with equal probability, then a normal draw from it, drawn again
     * until it falls in {@code [low, high]}.
     *
     * @param random the source
     * @return the point
     */
    double sample(Random random) {
      int k = random.nextInt(mus.length);
      for (int attempt = 0; attempt < 1000; attempt++) {
        double x = mus[k] + sigmas[k] * random.nextGaussian();
        if (x >= low && x <= high) {
          return x;
        }
      }
      return Math.min(high, Math.max(low, mus[k]));
    }
  }

  /**
   * A mixture of categorical kernels over {@code K} values.
   *
   * @param probabilities the mixture's probability of each value
   */
  record Categorical(double[] probabilities) {

    /**
     * Builds the estimator over some observations.
     *
     * @param observations the observed values' indices (may be empty: the prior alone)
     * @param k the number of values
     * @return the mixture
     */
    static Categorical of(int[] observations, int k) {
      double[] p = new double[k];
      Arrays.fill(p, 1.0 / k);
      for (int obs : observations) {
        for (int c = 0; c < k; c++) {
          p[c] += ((c == obs ? 1.0 : 0.0) + 1.0 / k) / 2.0;
        }
      }
      for (int c = 0; c < k; c++) {
        p[c] /= observations.length + 1;
      }
      return new Categorical(p);
    }

    /** @param value an index @return the log probability */
    double logPdf(int value) {
      return Math.log(probabilities[value]);
    }

    /** @param random the source @return an index drawn from the mixture */
    int sample(Random random) {
      double u = random.nextDouble();
      double acc = 0;
      for (int c = 0; c < probabilities.length; c++) {
        acc += probabilities[c];
        if (u < acc) {
          return c;
        }
      }
      return probabilities.length - 1;
    }
  }

  /**
   * The standard normal distribution function, through {@link #erf}.
   *
   * @param z the point
   * @return P(Z <= z)
   */
  static double cdf(double z) {
    return 0.5 * (1 + erf(z / Math.sqrt(2)));
  }

  /**
   * The error function, from the Chebyshev fit of the complementary error function in Numerical
   * Recipes ({@code erfcc}: fractional error below 1.2e-7 everywhere), enough for the ratio of
   * two densities that picks a candidate.
   *
   * @param x the point
   * @return erf(x)
   */
  static double erf(double x) {
    double z = Math.abs(x);
    double t = 1 / (1 + 0.5 * z);
    double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196
        + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398
        + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
    return x >= 0 ? 1 - r : r - 1;
  }
}
