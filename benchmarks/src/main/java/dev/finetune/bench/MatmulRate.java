package dev.finetune.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.finetune.core.model.Devices;
import dev.finetune.core.model.ForwardContext;
import dev.finetune.core.optim.NoGradScope;
import java.util.Arrays;
import java.util.Locale;

/**
 * Measures the float32 matrix-product rate of the linear layers the library can run on this
 * machine ({@code ForwardContext.linear}), the denominator of the benchmarks' MFU: with each CPU
 * library ({@code mkl}, libtorch's default, and {@code onednn}, {@link Devices#cpuMatmul()}),
 * forward alone ({@code 2·m·k·n} FLOP) and forward with the backward of input and weight
 * ({@code 6·m·k·n}, what a training step runs), on a 512 × 512 by 512 × 512 product and MiniLM's
 * FFN shape (4096 × 384 by 384 × 1536), each repeated for about {@code --seconds} after a warm-up.
 * The peak is the best of them all. Prints one machine-readable line per measurement and one for
 * the peak:
 *
 * <pre>{@code
 * java -cp ... dev.finetune.bench.MatmulRate --seconds 3
 * MATMUL library=mkl pass=forward shape=512x512x512 gflops=176.7 ...
 * MATMUL_PEAK gflops=231.0 square=... ffn=... library=onednn pass=forward+backward in_use=onednn
 * }</pre>
 */
public final class MatmulRate {

  private MatmulRate() {}

  /**
   * Runs the measurement.
   *
   * @param args {@code --seconds S} per measurement (default 3)
   */
  public static void main(String[] args) {
    double seconds = Double.parseDouble(WholeStepBenchmark.arg(args, "--seconds", "3"));
    String inUse = Devices.cpuMatmul();
    String before = System.getProperty(Devices.CPU_MATMUL_PROPERTY);
    double best = 0;
    double square = 0;
    double ffn = 0;
    String bestWhat = "";
    try {
      for (String library : new String[] {"mkl", "onednn"}) {
        System.setProperty(Devices.CPU_MATMUL_PROPERTY, library);
        if (!Devices.cpuMatmul().equals(library)) {
          System.out.println("# " + library + ": not available on this engine");
          continue;
        }
        for (boolean backward : new boolean[] {false, true}) {
          double s = rate(512, 512, 512, seconds, library, backward);
          double f = rate(4096, 384, 1536, seconds, library, backward);
          if (Math.max(s, f) > best) {
            best = Math.max(s, f);
            square = s;
            ffn = f;
            bestWhat = "library=" + library + " pass=" + (backward ? "forward+backward" : "forward");
          }
        }
      }
    } finally {
      if (before == null) {
        System.clearProperty(Devices.CPU_MATMUL_PROPERTY);
      } else {
        System.setProperty(Devices.CPU_MATMUL_PROPERTY, before);
      }
    }
    System.out.printf(Locale.ROOT, "MATMUL_PEAK gflops=%.1f square=%.1f ffn=%.1f %s in_use=%s%n",
        best, square, ffn, bestWhat, inUse);
  }

  /**
   * The median rate of repeated (m × k)·(k × n) linear layers.
   *
   * @param m rows of the input
   * @param k inner size
   * @param n output features
   * @param seconds how long to measure
   * @param library the library's name, for the printed line
   * @param backward true to time forward and backward of input and weight
   * @return GFLOP/s
   */
  @SuppressWarnings("try") // the no-grad scope is only opened and closed
  static double rate(int m, int k, int n, double seconds, String library, boolean backward) {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray a = manager.randomUniform(-1f, 1f, new Shape(m, k));
      NDArray w = manager.randomUniform(-1f, 1f, new Shape(n, k)); // a weight: (out, in)
      if (backward) {
        a.setRequiresGradient(true);
        w.setRequiresGradient(true);
      }
      double flop = (backward ? 6.0 : 2.0) * m * k * n;
      int reps = 1;
      // warm up and size the timing loop to ~50 ms
      while (true) {
        long start = System.nanoTime();
        run(manager, a, w, reps, backward);
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
        run(manager, a, w, reps, backward);
        rates[r] = flop * reps / ((System.nanoTime() - start) / 1e9) / 1e9;
      }
      Arrays.sort(rates);
      double median = rates[rounds / 2];
      System.out.printf(Locale.ROOT,
          "MATMUL library=%s pass=%s shape=%dx%dx%d gflops=%.1f min=%.1f max=%.1f rounds=%d"
              + " reps=%d%n", library, backward ? "forward+backward" : "forward", m, k, n,
          median, rates[0], rates[rounds - 1], rounds, reps);
      return median;
    }
  }

  @SuppressWarnings("try")
  private static void run(NDManager manager, NDArray a, NDArray w, int reps, boolean backward) {
    for (int i = 0; i < reps; i++) {
      try (NDManager scope = manager.newSubManager()) {
        ForwardContext ctx = new ForwardContext(new ParameterStore(scope, false), Device.cpu(),
            backward, scope);
        if (!backward) {
          try (NoGradScope ignored = NoGradScope.enter()) {
            ctx.linear(a, w, null);
          }
          continue;
        }
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
          collector.backward(ctx.linear(a, w, null).sum());
        }
      }
    }
  }
}
