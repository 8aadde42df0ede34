package dev.finetune.bench;

import ai.djl.Device;
import ai.djl.ndarray.BaseNDManager;
import dev.finetune.core.data.Glue;
import dev.finetune.core.data.TextDataset;
import dev.finetune.core.model.Encoders;
import dev.finetune.core.model.EncoderConfig;
import dev.finetune.core.model.Pooling;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.model.WordPieceVocabulary;
import dev.finetune.core.predict.Predictor;
import dev.finetune.core.report.MemoryProbe;
import dev.finetune.core.train.FineTune;
import dev.finetune.core.train.TrainingContext;
import dev.finetune.core.train.TrainingListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The soak: many training steps of the real loop ({@link FineTune#fit}, evaluation at every
 * epoch end included) on a tiny random encoder (2 layers, hidden 32, a 64-token vocabulary over
 * {@link SyntheticText#WORDS}) with short SST-2-like batches (at most 32 tokens), sampling every
 * {@code --every} steps the resident set, native memory (resident set minus the committed Java
 * heap, after a GC), the used heap and the live NDArrays of the model's manager (its sub-managers,
 * hence the optimizer state and any leaked per-step array, included). Writes the samples as CSV and
 * prints, after the warm-up (the first 10% of the steps), the range of live arrays and the growth
 * of native memory per 1,000 steps (least-squares slope); flat means neither grows.
 *
 * <p>{@code --mode predict} soaks prediction instead: a frozen {@link Predictor} (fused weights, the
 * oneDNN kernels on the CPU) over the embedded MiniLM answers every sentence of {@code --data}
 * (default the SST-2 dev set) {@code --rounds} times, sampling after each round; a "step" is then
 * one batch.
 *
 * <pre>{@code
 * java -cp "$CP" dev.finetune.bench.SoakBenchmark --steps 10000 --every 100 --out docs/results/bench/soak.csv
 * RESULT soak steps=10000 live_arrays_min=... live_arrays_max=... native_mib_per_1000_steps=...
 * java -Xmx1g -cp "$CP" dev.finetune.bench.SoakBenchmark --mode predict --rounds 50 --batch 8
 * }</pre>
 */
public final class SoakBenchmark {

  private static final String USAGE =
      "usage: SoakBenchmark [--mode train|predict (train)] [--steps N (10000)] [--every N (100)]"
          + " [--rounds N (50, predict)] [--data SST2.tsv (../shared/data/sst2/dev.tsv, predict)]"
          + " [--batch N (8)] [--out FILE.csv]";

  /** Tokens per row at most: short batches. */
  private static final int LENGTH = 32;

  private SoakBenchmark() {}

  /** One sample. */
  record Sample(long step, double seconds, long rssBytes, long nativeBytes, long heapUsedBytes,
      int liveArrays) {
    String csv() {
      return String.format(Locale.ROOT, "%d,%.1f,%.1f,%.1f,%.1f,%d", step, seconds, mib(rssBytes),
          mib(nativeBytes), mib(heapUsedBytes), liveArrays);
    }
  }

  /**
   * Runs the soak.
   *
   * @param args the options above
   * @throws IOException when the CSV cannot be written
   */
  public static void main(String[] args) throws IOException {
    int steps = Integer.parseInt(arg(args, "--steps", "10000"));
    int every = Integer.parseInt(arg(args, "--every", "100"));
    int batch = Integer.parseInt(arg(args, "--batch", "8"));
    Path out = Path.of(arg(args, "--out", "benchmarks/results/soak.csv"));
    boolean predict = arg(args, "--mode", "train").equals("predict");
    int rounds = Integer.parseInt(arg(args, "--rounds", "50"));
    if (steps < 10 * every || every < 1 || batch < 1 || rounds < 10) {
      System.err.println("error: --steps must be at least 10 x --every, both positive; --rounds"
          + " at least 10\n" + USAGE);
      System.exit(2);
    }
    List<Sample> samples;
    if (predict) {
      TextDataset data = Glue.readSst2(
          Path.of(arg(args, "--data", "../shared/data/sst2/dev.tsv")), "sst2-dev");
      samples = predict(data, rounds, batch);
      steps = (int) samples.get(samples.size() - 1).step();
    } else {
      samples = run(steps, every, batch);
    }
    Files.createDirectories(out.toAbsolutePath().getParent());
    List<String> lines = new ArrayList<>();
    lines.add("step,seconds,rss_mib,native_mib,heap_used_mib,live_arrays");
    samples.forEach(s -> lines.add(s.csv()));
    Files.write(out, lines, StandardCharsets.UTF_8);
    System.out.println(summary(samples, steps));
    System.out.println("samples written to " + out.toAbsolutePath());
  }

  /**
   * Trains {@code steps} steps and samples every {@code every}.
   *
   * @param steps optimizer steps (100 per epoch)
   * @param every sample interval in steps
   * @param batch rows per batch
   * @return the samples, in step order
   */
  static List<Sample> run(int steps, int every, int batch) {
    int stepsPerEpoch = 100;
    TextDataset train = SyntheticText.sst2Like(stepsPerEpoch * batch, 1);
    TextDataset dev = SyntheticText.sst2Like(4 * batch, 2);
    List<Sample> samples = new ArrayList<>();
    long started = System.nanoTime();
    EncoderConfig tiny = EncoderConfig.builder().vocabSize(64).hiddenSize(32).numLayers(2)
        .numHeads(4).intermediateSize(64).maxPositionEmbeddings(64).hiddenDropout(0.1f)
        .attentionDropout(0.1f).build();
    try (SequenceClassifier model = SequenceClassifier.randomInit(tiny, 2, Pooling.MEAN, 42,
        Device.cpu(), WordPieceVocabulary.tokenizerJson(SyntheticText.WORDS))) {
      BaseNDManager manager = (BaseNDManager) model.manager();
      TrainingListener probe = new TrainingListener() {
        @Override
        public void onStepEnd(TrainingContext context, double loss) {
          if (context.globalStep() % every == 0) {
            samples.add(sample(context.globalStep(), started, manager));
          }
        }
      };
      FineTune.of(model).learningRate(1e-4).epochs(steps / stepsPerEpoch).batchSize(batch)
          .maxLength(LENGTH).progressBar(false).callbacks(probe)
          .fit(train, dev);
    }
    return samples;
  }

  /**
   * Predicts every text of {@code data} {@code rounds} times with a frozen predictor over the
   * embedded MiniLM and samples after each round.
   *
   * @param data the texts
   * @param rounds passes over them
   * @param batch texts per forward pass
   * @return one sample per round; step = batches so far
   */
  static List<Sample> predict(TextDataset data, int rounds, int batch) {
    List<Sample> samples = new ArrayList<>();
    long started = System.nanoTime();
    long batchesPerRound = (data.size() + batch - 1) / batch;
    try (SequenceClassifier model = Encoders.embeddedMiniLm().classifier().numLabels(2)
            .pooling(Pooling.MEAN).seed(42).build();
        Predictor predictor = Predictor.builder(model).batchSize(batch).frozen().build()) {
      BaseNDManager manager = (BaseNDManager) model.manager();
      for (int r = 1; r <= rounds; r++) {
        predictor.predict(data);
        samples.add(sample(r * batchesPerRound, started, manager));
      }
    }
    return samples;
  }

  private static Sample sample(long step, long started, BaseNDManager manager) {
    System.gc();
    Runtime runtime = Runtime.getRuntime();
    long rss = MemoryProbe.residentBytes().orElse(-1L);
    Sample s = new Sample(step, (System.nanoTime() - started) / 1e9, rss,
        rss < 0 ? -1 : rss - runtime.totalMemory(), runtime.totalMemory() - runtime.freeMemory(),
        manager.getManagedArrays().size());
    System.out.println("sample " + s.csv());
    return s;
  }

  /** The RESULT line: live-array range and native-memory slope after the warm-up. */
  static String summary(List<Sample> samples, int steps) {
    List<Sample> steady = samples.stream().filter(s -> s.step() > steps / 10).toList();
    if (steady.size() < 2) {
      throw new UncheckedIOException(new IOException("too few samples after the warm-up"));
    }
    int min = steady.stream().mapToInt(Sample::liveArrays).min().orElseThrow();
    int max = steady.stream().mapToInt(Sample::liveArrays).max().orElseThrow();
    double slope = slope(steady) * 1000;
    Sample first = steady.get(0);
    Sample last = steady.get(steady.size() - 1);
    return String.format(Locale.ROOT, "RESULT soak steps=%d samples=%d live_arrays_min=%d"
            + " live_arrays_max=%d native_mib_first=%.1f native_mib_last=%.1f"
            + " native_mib_per_1000_steps=%.3f rss_mib_last=%.1f seconds=%.0f",
        steps, samples.size(), min, max, mib(first.nativeBytes()), mib(last.nativeBytes()),
        slope / (1 << 20), mib(last.rssBytes()), last.seconds());
  }

  /** Least-squares slope of native bytes over steps. */
  private static double slope(List<Sample> samples) {
    double n = samples.size();
    double sx = 0;
    double sy = 0;
    double sxx = 0;
    double sxy = 0;
    for (Sample s : samples) {
      sx += s.step();
      sy += s.nativeBytes();
      sxx += (double) s.step() * s.step();
      sxy += (double) s.step() * s.nativeBytes();
    }
    return (n * sxy - sx * sy) / (n * sxx - sx * sx);
  }

  private static double mib(long bytes) {
    return bytes < 0 ? -1 : bytes / (double) (1 << 20);
  }

  private static String arg(String[] args, String name, String fallback) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return fallback;
  }
}
