package dev.finetune.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.finetune.core.optim.NoGradScope;
import java.util.Arrays;
import java.util.Locale;

/**
 * Measures the float32 matrix-product rate of the libtorch that DJL loads, the denominator of
 * the benchmarks' MFU: a 512 × 512 by 512 × 512 product ({@code 2·512³} FLOP), and MiniLM's FFN
 * shape (4096 × 384 by 384 × 1536), each repeated for about {@code --seconds} after a warm-up.
 * Prints one machine-readable line per shape and one for the best:
 *
 * <pre>{@code
 * java -cp ... dev.finetune.bench.MatmulRate --seconds 3
 * MATMUL shape=512x512x512 gflops=143.2 ...
 * MATMUL_PEAK gflops=143.2
 * }</pre>
 */
public final class MatmulRate {

  private MatmulRate() {}

  /**
   * Runs the measurement.
   *
   * @param args {@code --seconds S} per shape (default 3)
   */
  public static void main(String[] args) {
    double seconds = Double.parseDouble(WholeStepBenchmark.arg(args, "--seconds", "3"));
    double square = rate(512, 512, 512, seconds);
    double ffn = rate(4096, 384, 1536, seconds);
    System.out.printf(Locale.ROOT, "MATMUL_PEAK gflops=%.1f square=%.1f ffn=%.1f%n",
        Math.max(square, ffn), square, ffn);
  }

  /**
   * The median rate of repeated (m × k)·(k × n) products.
   *
   * @param m rows of the left factor
   * @param k inner size
   * @param n columns of the right factor
   * @param seconds how long to measure
   * @return GFLOP/s
   */
  @SuppressWarnings("try") // the no-grad scope is only opened and closed
  static double rate(int m, int k, int n, double seconds) {
    try (NDManager manager = NDManager.newBaseManager(); NoGradScope ignored = NoGradScope.enter()) {
      NDArray a = manager.randomUniform(-1f, 1f, new Shape(m, k));
      NDArray b = manager.randomUniform(-1f, 1f, new Shape(k, n));
      double flop = 2.0 * m * k * n;
      int reps = 1;
      // warm up and size the timing loop to ~50 ms
      while (true) {
        long start = System.nanoTime();
        multiply(a, b, reps);
        double took = (System.nanoTime() - start) / 1e9;
        if (took > 0.05) {
          break;
        }
        reps *= 2;
      }
      int rounds = Math.max(5, (int) Math.ceil(seconds / 0.05));
      double[] rates = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        long start = System.nanoTime();
        multiply(a, b, reps);
        rates[r] = flop * reps / ((System.nanoTime() - start) / 1e9) / 1e9;
      }
      Arrays.sort(rates);
      double median = rates[rounds / 2];
      System.out.printf(Locale.ROOT,
          "MATMUL shape=%dx%dx%d gflops=%.1f min=%.1f max=%.1f rounds=%d reps=%d%n",
          m, k, n, median, rates[0], rates[rounds - 1], rounds, reps);
      return median;
    }
  }

  private static void multiply(NDArray a, NDArray b, int reps) {
    for (int i = 0; i < reps; i++) {
      a.matMul(b).close();
    }
  }
}
