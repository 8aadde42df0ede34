package dev.finetune.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.util.cuda.CudaUtils;
import dev.finetune.core.data.TextDataset;
import dev.finetune.core.model.Devices;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.report.EpochRecord;
import dev.finetune.core.report.TrainingReport;
import dev.finetune.core.train.FineTune;
import dev.finetune.core.train.Setting;
import dev.finetune.core.train.TrainingContext;
import dev.finetune.core.train.TrainingListener;
import dev.finetune.core.train.TrainingSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Tokens per second of whole training steps (the library's own loop: forward, loss, backward,
 * clipping, AdamW, zeroing) on a device, for every combination of shapes, lengths, methods and
 * precisions given, with MFU against a matrix-product rate measured in the same run. The Python
 * peer {@code benchmarks/peer/gpu_peer.py} measures Hugging Face {@code transformers} + {@code peft}
 * on the same grid; {@code gpu/check.sh} runs both on a GPU machine.
 *
 * <pre>{@code
 * java -cp ... dev.finetune.bench.GpuBenchmark --device cuda --shapes minilm,bert-base \
 *     --lengths 128,512 --methods full,lora --precisions fp32,bf16 --out gpu-bench.csv
 * # CPU smoke test
 * java -cp ... dev.finetune.bench.GpuBenchmark --device cpu --shapes small --steps 2 --warmup 1 --peak-size 512
 * }</pre>
 *
 * <p>Each RESULT line: {@code impl=java device shape method precision batch length
 * checkpointing median_s tokens_per_s gflop_per_step tflops mfu peak_tflops memory_mb
 * memory_kind}. Memory is the device's used memory after the timed steps on CUDA (DJL exposes
 * no allocator peak), the process's peak RSS on the CPU. A precision other than fp32 needs the
 * {@code precision} training setting and fails naming it when this build has none.
 */
public final class GpuBenchmark {

  private static final String USAGE = "usage: GpuBenchmark [--device cpu|cuda|cuda:N]"
      + " [--shapes minilm,bert-base,small] [--lengths 128,512 (default: the shape's)]"
      + " [--batch N] [--methods full,lora] [--precisions fp32,bf16] [--gradient-checkpointing"
      + " true|false] [--steps N] [--warmup N] [--peak-size N] [--out FILE.csv]";

  /** The header of the CSV file, in RESULT's order. */
  static final String CSV_HEADER = "impl,device,shape,method,precision,batch,length,checkpointing,"
      + "median_s,tokens_per_s,gflop_per_step,tflops,mfu,peak_tflops,memory_mb,memory_kind";

  private GpuBenchmark() {}

  /**
   * Runs the grid.
   *
   * @param args the options above
   */
  public static void main(String[] args) {
    try {
      run(args);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage() + "\n" + USAGE);
      System.exit(2);
    }
  }

  /** One measured configuration. */
  record Result(String device, ModelShape shape, BenchMethod method, String precision, int batch,
      int length, boolean checkpointing, double medianSeconds, double tokensPerSecond,
      double flopsPerStep, double peakFlops, double memoryMb, String memoryKind) {

    double flopsPerSecond() {
      return flopsPerStep / medianSeconds;
    }

    String csv() {
      return String.format(Locale.ROOT, "java,%s,%s,%s,%s,%d,%d,%s,%.4f,%.1f,%.3f,%.3f,%.4f,%.2f,%.0f,%s",
          device, shape.id(), method.id(), precision, batch, length, checkpointing, medianSeconds,
          tokensPerSecond, flopsPerStep / 1e9, flopsPerSecond() / 1e12,
          flopsPerSecond() / peakFlops, peakFlops / 1e12, memoryMb, memoryKind);
    }
  }

  static List<Result> run(String[] args) {
    Device requested = Devices.parse(WholeStepBenchmark.arg(args, "--device", "cuda"));
    Device device = Devices.resolve(requested);
    if (requested.isGpu() && !device.isGpu()) {
      throw new IllegalArgumentException("--device " + Devices.name(requested) + ": the engine sees"
          + " no GPU (" + Devices.engineDescription() + "); a GPU benchmark on the CPU would only"
          + " spend the time: use --device cpu for a smoke test");
    }
    List<ModelShape> shapes = new ArrayList<>();
    for (String s : list(args, "--shapes", "minilm,bert-base")) {
      shapes.add(ModelShape.parse(s));
    }
    List<String> lengths = list(args, "--lengths", "");
    List<BenchMethod> methods = new ArrayList<>();
    for (String m : list(args, "--methods", "full,lora")) {
      methods.add(BenchMethod.parse(m));
    }
    List<String> precisions = list(args, "--precisions", "fp32,bf16");
    for (String p : precisions) {
      checkPrecision(p);
    }
    boolean checkpointing =
        Boolean.parseBoolean(WholeStepBenchmark.arg(args, "--gradient-checkpointing", "false"));
    int steps = Integer.parseInt(WholeStepBenchmark.arg(args, "--steps", "10"));
    int warmup = Integer.parseInt(WholeStepBenchmark.arg(args, "--warmup", "3"));
    int peakSize = Integer.parseInt(WholeStepBenchmark.arg(args, "--peak-size",
        device.isGpu() ? "8192" : "1024"));
    if (steps < 1 || warmup < 0 || peakSize < 1) {
      throw new IllegalArgumentException("--steps and --peak-size must be >= 1 and --warmup >= 0");
    }
    double peak = matmulRate(device, peakSize, device.isGpu() ? DataType.BFLOAT16 : DataType.FLOAT32);
    System.out.printf(Locale.ROOT, "PEAK impl=java device=%s dtype=%s n=%d tflops=%.2f%n",
        Devices.name(device), device.isGpu() ? "bf16" : "fp32", peakSize, peak / 1e12);
    List<Result> results = new ArrayList<>();
    for (ModelShape shape : shapes) {
      List<Integer> rowLengths = new ArrayList<>();
      if (lengths.isEmpty()) {
        rowLengths.add(shape.length());
      } else {
        lengths.forEach(l -> rowLengths.add(Integer.parseInt(l)));
      }
      int batch = Integer.parseInt(WholeStepBenchmark.arg(args, "--batch", Integer.toString(shape.batch())));
      for (int length : rowLengths) {
        for (BenchMethod method : methods) {
          for (String precision : precisions) {
            Result r = measure(device, shape, method, precision, batch, length, checkpointing, steps,
                warmup, peak);
            System.out.println("RESULT " + r.csv());
            results.add(r);
          }
        }
      }
    }
    String out = WholeStepBenchmark.arg(args, "--out", null);
    if (out != null) {
      List<String> lines = new ArrayList<>();
      lines.add(CSV_HEADER);
      results.forEach(r -> lines.add(r.csv()));
      try {
        Files.write(Path.of(out), lines);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + out, e);
      }
    }
    return results;
  }

  /**
   * Fails unless this build can train in the precision: fp32 always; anything else through the
   * {@code precision} training setting (mixed precision), which must exist and accept the value.
   */
  static void checkPrecision(String precision) {
    if (precision.equals("fp32")) {
      return;
    }
    Setting<?> setting;
    try {
      setting = TrainingSettings.find("precision");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--precisions " + precision + " needs the 'precision'"
          + " training setting (mixed precision), which this build does not have; use --precisions"
          + " fp32 or a build with mixed precision", e);
    }
    setting.convert(precision, "--precisions");
  }

  private static Result measure(Device device, ModelShape shape, BenchMethod method, String precision,
      int batch, int length, boolean checkpointing, int steps, int warmup, double peak) {
    TextDataset data = SyntheticText.filling(batch * (steps + warmup), length, 1);
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
    try (SequenceClassifier model = shape.randomModel(42, device)) {
      FineTune chain = FineTune.of(model).epochs(1).batchSize(batch).maxLength(length)
          .progressBar(false).callbacks(timer).set("gradient_checkpointing", checkpointing);
      if (!precision.equals("fp32")) {
        chain.set("precision", precision);
      }
      method.transform().ifPresent(chain::peft);
      TrainingReport report = chain.fit(data, null);
      EpochRecord epoch = report.lastEpoch();
      double[] measured = seconds.subList(warmup, seconds.size()).stream()
          .mapToDouble(Double::doubleValue).sorted().toArray();
      double median = measured[measured.length / 2];
      long tokensPerStep = (long) batch * length;
      double memoryMb;
      String memoryKind;
      if (device.isGpu()) {
        double used;
        String kind;
        try {
          MemoryUsage usage = CudaUtils.getGpuMemory(device);
          used = usage.getCommitted() / 1048576.0;
          kind = "device_used";
        } catch (RuntimeException | LinkageError e) { // cudart not found by DJL
          used = -1;
          kind = "unavailable";
        }
        memoryMb = used;
        memoryKind = kind;
      } else {
        memoryMb = epoch.peakRssBytes() / 1048576.0;
        memoryKind = "peak_rss";
      }
      return new Result(Devices.name(device), shape, method, precision, batch, length, checkpointing,
          median, tokensPerStep / median, StepFlops.perStep(shape, method, batch, length), peak,
          memoryMb, memoryKind);
    }
  }

  /**
   * The best rate of an n × n × n matrix product on the device over about two seconds, in FLOP/s
   * (2n³ per product).
   *
   * @param device where to multiply
   * @param n the size
   * @param type bf16 on a GPU, float32 on a CPU
   * @return FLOP/s
   */
  static double matmulRate(Device device, int n, DataType type) {
    try (NDManager m = NDManager.newBaseManager(device)) {
      NDArray a = m.randomUniform(-1f, 1f, new Shape(n, n)).toType(type, false);
      NDArray b = m.randomUniform(-1f, 1f, new Shape(n, n)).toType(type, false);
      double best = 0;
      long end = System.nanoTime() + 2_000_000_000L;
      int rounds = 0;
      while (System.nanoTime() < end || rounds < 3) {
        long start = System.nanoTime();
        int reps = 5;
        NDArray c = null;
        for (int i = 0; i < reps; i++) {
          if (c != null) {
            c.close();
          }
          c = a.matMul(b);
        }
        c.get(0, 0).toType(DataType.FLOAT32, false).getFloat(); // waits for the device
        c.close();
        double s = (System.nanoTime() - start) / 1e9;
        best = Math.max(best, reps * 2.0 * n * n * (double) n / s);
        rounds++;
      }
      return best;
    } finally {
      if (device.isGpu() && "PyTorch".equals(Engine.getInstance().getEngineName())) {
        ai.djl.pytorch.jni.JniUtils.emptyCudaCache();
      }
    }
  }

  private static List<String> list(String[] args, String name, String fallback) {
    String value = WholeStepBenchmark.arg(args, name, fallback);
    List<String> out = new ArrayList<>();
    for (String s : value.split(",")) {
      if (!s.isBlank()) {
        out.add(s.trim().toLowerCase(Locale.ROOT));
      }
    }
    return out;
  }
}
