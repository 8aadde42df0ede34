package dev.finetune.bench;

import dev.finetune.core.data.TextDataset;
import dev.finetune.core.data.TextExample;
import dev.finetune.core.model.Encoders;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.report.TrainingReport;
import dev.finetune.core.train.FineTune;
import dev.finetune.core.train.TrainingContext;
import dev.finetune.core.train.TrainingListener;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Whole training steps of the real loop (forward, backward, clipping, AdamW, zeroing) on the
 * embedded MiniLM at a fixed shape: every row is a text long enough to fill {@code length}
 * tokens, so a batch is exactly {@code batch × length} real tokens. Prints the median seconds per
 * step and tokens/s over the measured steps (the first {@code warmup} are left out).
 *
 * <pre>{@code
 * java -cp ... dev.finetune.bench.WholeStepBenchmark --batch 32 --length 128 --steps 12 --warmup 2
 * }</pre>
 */
public final class WholeStepBenchmark {

  private WholeStepBenchmark() {}

  /**
   * Runs the benchmark.
   *
   * @param args {@code --batch N --length N --steps N --warmup N}
   */
  public static void main(String[] args) {
    int batch = intArg(args, "--batch", 32);
    int length = intArg(args, "--length", 128);
    int steps = intArg(args, "--steps", 12);
    int warmup = intArg(args, "--warmup", 2);
    String[] words = {"the", "film", "was", "a", "gripping", "tale", "of", "love", "and", "loss",
        "with", "fine", "acting", "but", "slow", "pacing", "in", "parts"};
    Random random = new Random(1);
    List<TextExample> examples = new ArrayList<>();
    for (int i = 0; i < batch * (steps + warmup); i++) {
      StringBuilder text = new StringBuilder();
      for (int w = 0; w < length * 2; w++) {
        text.append(words[random.nextInt(words.length)]).append(' ');
      }
      examples.add(TextExample.of(text.toString(), i % 2));
    }
    TextDataset data = TextDataset.of("synthetic", examples, List.of("0", "1"));
    List<Double> seconds = new ArrayList<>();
    TrainingListener timer = new TrainingListener() {
      private long start;

      @Override
      public void onStepStart(TrainingContext context) {
        start = System.nanoTime();
      }

      @Override
      public void onStepEnd(TrainingContext context, double loss) {
        seconds.add((System.nanoTime() - start) / 1e9);
      }
    };
    try (SequenceClassifier model = Encoders.embeddedMiniLm().forSequenceClassification(2)) {
      TrainingReport report = FineTune.of(model).epochs(1).batchSize(batch).maxLength(length)
          .progressBar(false).callbacks(timer).fit(data, null);
      double[] measured = seconds.subList(warmup, seconds.size()).stream()
          .mapToDouble(Double::doubleValue).sorted().toArray();
      double median = measured[measured.length / 2];
      System.out.printf(Locale.ROOT,
          "full fine-tuning, MiniLM, batch %d x %d: median %.3f s/step, %.0f tokens/s"
              + " (min %.3f, max %.3f s over %d steps; %d trainable parameters)%n",
          batch, length, median, batch * length / median, measured[0],
          measured[measured.length - 1], measured.length,
          report.lastEpoch().trainableParameters());
      System.out.println("per-step seconds: " + Arrays.toString(measured));
    }
  }

  private static int intArg(String[] args, String name, int fallback) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return Integer.parseInt(args[i + 1]);
      }
    }
    return fallback;
  }
}
