package dev.finetune.bench;

import ai.djl.pytorch.jni.JniUtils;
import dev.finetune.core.data.TextDataset;
import dev.finetune.core.model.Devices;
import dev.finetune.core.model.Encoders;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.report.EpochRecord;
import dev.finetune.core.report.TrainingReport;
import dev.finetune.core.train.FineTune;
import dev.finetune.core.train.TrainingContext;
import dev.finetune.core.train.TrainingListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whole training steps of the real loop (forward, backward, clipping, AdamW, zeroing) at a fixed
 * shape, for one fine-tuning method: every row is a text long enough to fill {@code length}
 * tokens, so a batch is exactly {@code batch × length} real tokens. Prints the median seconds per
 * step and tokens/s over the measured steps (the first {@code warmup} are left out), and one
 * machine-readable {@code RESULT} line (key=value pairs) that {@code benchmarks/compare.sh} reads.
 *
 * <p>{@code --shape minilm} (default) trains the embedded all-MiniLM-L6-v2 (real weights and
 * tokenizer; {@code --weights random} uses a random model of the same configuration instead);
 * {@code --shape small} a random 2-layer, hidden-128 encoder. Batch and length default to the
 * shape's (32 × 128, 8 × 32).
 *
 * <pre>{@code
 * java -cp ... dev.finetune.bench.WholeStepBenchmark --method lora --steps 8 --warmup 2
 * RESULT impl=java method=lora shape=minilm batch=32 length=128 ... tokens_per_s=1890.2 ...
 * }</pre>
 */
public final class WholeStepBenchmark {

  private static final String USAGE = "usage: WholeStepBenchmark [--method full|lora|houlsby|bitfit|prompt|prefix]"
      + " [--shape minilm|small] [--weights embedded|random] [--batch N] [--length N] [--steps N]"
      + " [--warmup N] [--precision fp32|fp16] [--profile TRACE.json]";

  private WholeStepBenchmark() {}

  /**
   * Runs the benchmark.
   *
   * @param args the options above
   */
  public static void main(String[] args) {
    BenchMethod method;
    ModelShape shape;
    try {
      method = BenchMethod.parse(arg(args, "--method", "full"));
      shape = ModelShape.parse(arg(args, "--shape", "minilm"));
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage() + "\n" + USAGE);
      System.exit(2);
      return;
    }
    int batch = Integer.parseInt(arg(args, "--batch", Integer.toString(shape.batch())));
    int length = Integer.parseInt(arg(args, "--length", Integer.toString(shape.length())));
    int steps = Integer.parseInt(arg(args, "--steps", "12"));
    int warmup = Integer.parseInt(arg(args, "--warmup", "2"));
    String weights = arg(args, "--weights", shape == ModelShape.MINILM ? "embedded" : "random");
    if (steps < 1 || warmup < 0) {
      System.err.println("error: --steps must be >= 1 and --warmup >= 0\n" + USAGE);
      System.exit(2);
    }
    if (weights.equals("embedded") && shape != ModelShape.MINILM) {
      System.err.println("error: --weights embedded needs --shape minilm\n" + USAGE);
      System.exit(2);
    }
    String profile = arg(args, "--profile", null);
    String precision = arg(args, "--precision", "fp32");
    TextDataset data = SyntheticText.filling(batch * (steps + warmup), length, 1);
    List<Double> seconds = new ArrayList<>();
    List<Long> faults = new ArrayList<>();
    TrainingListener timer = new TrainingListener() {
      private long start;
      private long faultsAtStart;

      @Override
      public void onStepStart(TrainingContext context) {
        if (profile != null && seconds.size() == warmup) {
          JniUtils.startProfile(false, true, true);
        }
        faultsAtStart = PageFaults.minor();
        start = System.nanoTime();
      }

      @Override
      public void onStepEnd(TrainingContext context, double loss) {
        seconds.add((System.nanoTime() - start) / 1e9);
        long now = PageFaults.minor();
        faults.add(now < 0 || faultsAtStart < 0 ? -1 : now - faultsAtStart);
        if (profile != null && seconds.size() == warmup + steps) {
          JniUtils.stopProfile(profile);
        }
      }
    };
    SequenceClassifier built = weights.equals("embedded")
        ? Encoders.embeddedMiniLm().forSequenceClassification(2) : shape.randomModel(42);
    try (SequenceClassifier model = built) {
      FineTune chain = FineTune.of(model).epochs(1).batchSize(batch).maxLength(length)
          .progressBar(false).callbacks(timer).set("precision", precision);
      method.transform().ifPresent(chain::peft);
      TrainingReport report = chain.fit(data, null);
      EpochRecord epoch = report.lastEpoch();
      long tokensPerStep = Math.round(epoch.tokensPerSecond() * epoch.seconds() / epoch.steps());
      double[] measured = seconds.subList(warmup, seconds.size()).stream()
          .mapToDouble(Double::doubleValue).sorted().toArray();
      double median = measured[measured.length / 2];
      double flops = StepFlops.perStep(shape, method, batch, length);
      System.out.printf(Locale.ROOT,
          "%s, %s (%s weights, %s), batch %d x %d: median %.3f s/step, %.0f tokens/s"
              + " (min %.3f, max %.3f s over %d steps; %d of %d parameters trainable)%n",
          method.id(), shape.id(), weights, precision, batch, length, median,
          tokensPerStep / median,
          measured[0], measured[measured.length - 1], measured.length,
          epoch.trainableParameters(), epoch.totalParameters());
      System.out.println("step seconds in order (warm-up first): " + seconds);
      System.out.println("minor page faults per step, same order: " + faults);
      long[] measuredFaults = faults.subList(warmup, faults.size()).stream()
          .mapToLong(Long::longValue).sorted().toArray();
      long medianFaults = measuredFaults[measuredFaults.length / 2];
      System.out.printf(Locale.ROOT,
          "RESULT impl=java method=%s shape=%s weights=%s precision=%s batch=%d length=%d steps=%d"
              + " median_s=%.4f min_s=%.4f max_s=%.4f tokens_per_step=%d tokens_per_s=%.1f"
              + " gflop_per_step=%.3f trainable=%d total=%d peak_rss_mb=%.0f"
              + " median_minor_faults=%d cpu_matmul=%s%n",
          method.id(), shape.id(), weights, precision, batch, length, measured.length, median,
          measured[0],
          measured[measured.length - 1], tokensPerStep, tokensPerStep / median, flops / 1e9,
          epoch.trainableParameters(), epoch.totalParameters(), epoch.peakRssBytes() / 1048576.0,
          medianFaults, Devices.cpuMatmul());
    }
  }

  static String arg(String[] args, String name, String fallback) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return fallback;
  }
}
