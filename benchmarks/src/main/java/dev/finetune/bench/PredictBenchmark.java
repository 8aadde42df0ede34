package dev.finetune.bench;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.finetune.core.checkpoint.EmbeddedMiniLm;
import dev.finetune.core.checkpoint.HostTensor;
import dev.finetune.core.checkpoint.SafeTensors;
import dev.finetune.core.data.Glue;
import dev.finetune.core.data.TextExample;
import dev.finetune.core.model.Encoders;
import dev.finetune.core.model.Pooling;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.predict.Prediction;
import dev.finetune.core.predict.Predictor;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prediction throughput and latency of our {@link Predictor} side by side with PyTorch eager
 * ({@code benchmarks/peer/peer_predict.py}, under {@code torch.no_grad()}) and ONNX Runtime for
 * Java ({@link OrtClassifier}), on the SST-2 dev sentences and the embedded all-MiniLM-L6-v2 with
 * mean pooling and a linear two-way head (fixed seeded weights, the same on all three sides).
 *
 * <p>All three batch the same way: the texts sorted by token count, most first (as the predictor
 * sorts), consecutive batches padded to their own longest row. Ours is a {@code frozen()}
 * predictor (fused weights, as the {@code predict} command line runs). The sides first show
 * they agree (argmax equal and logits within {@code --tolerance}, at batch 32), then for each
 * round and batch size each side predicts every sentence once, the sides taking turns in a
 * rotating order (so load on the shared machine hits all three alike). Warm-up rounds are left
 * out; sentences/s is the median over rounds, latency percentiles at batch 1 pool every measured
 * call (nearest rank, {@link Latencies}). What a call includes: ours and ONNX Runtime tokenize
 * (the same DJL tokenizer), pad, run the encoder, pool, apply the head and the softmax; the
 * PyTorch peer starts from token ids (Debian's Python lacks {@code tokenizers}), so tokenization
 * is not in its times.
 *
 * <pre>{@code
 * CP=$(bash benchmarks/build-classpath.sh)
 * java -Dai.djl.offline=true -cp "$CP" dev.finetune.bench.PredictBenchmark --rounds 5 --warmup 1
 * }</pre>
 *
 * <p>Idle threads: with {@code OMP_WAIT_POLICY=PASSIVE} in the environment libtorch's OpenMP
 * threads (ours and the peer's) sleep between operations instead of spinning, and ONNX Runtime's
 * spinning is switched off to match; otherwise all three spin (their defaults).
 *
 * <p>{@code --profile DIR} records one pass of ours per batch size with libtorch's profiler
 * instead of timing ({@code DIR/ours-bN.json}; {@code benchmarks/profile/summarize_trace.py
 * TRACE.json PASSES} counts and times its operations).
 *
 * <p>{@code --limit N} keeps the first N sentences (smoke tests; the recorded runs use all 872).
 * Prints {@code PARITY}, {@code PASS} (one per side, batch size and round) and {@code RESULT}
 * lines and a Markdown table; writes the token ids, head weights and peer logits to {@code --out}.
 */
public final class PredictBenchmark {

  private static final String USAGE = "usage: PredictBenchmark [--data SST2_DEV.tsv]"
      + " [--batches 1,8,32] [--rounds N] [--warmup N] [--threads N] [--sides ours,ort,pytorch]"
      + " [--python /usr/bin/python3] [--peer benchmarks/peer/peer_predict.py] [--out DIR]"
      + " [--tolerance 1e-4] [--seed N] [--limit N] [--profile DIR]";

  /** The sides compared. */
  enum Side {
    OURS, ORT, PYTORCH;

    String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private PredictBenchmark() {}

  /**
   * Runs the benchmark.
   *
   * @param args the options in {@link #USAGE}
   * @throws Exception when a side fails
   */
  public static void main(String[] args) throws Exception {
    Path data = Path.of(WholeStepBenchmark.arg(args, "--data", "../shared/data/sst2/dev.tsv"));
    int[] batches = Arrays.stream(WholeStepBenchmark.arg(args, "--batches", "1,8,32").split(","))
        .mapToInt(Integer::parseInt).toArray();
    int rounds = Integer.parseInt(WholeStepBenchmark.arg(args, "--rounds", "5"));
    int warmup = Integer.parseInt(WholeStepBenchmark.arg(args, "--warmup", "1"));
    int threads = Integer.parseInt(WholeStepBenchmark.arg(args, "--threads", "2"));
    double tolerance = Double.parseDouble(WholeStepBenchmark.arg(args, "--tolerance", "1e-4"));
    long seed = Long.parseLong(WholeStepBenchmark.arg(args, "--seed", "42"));
    List<Side> sides = Arrays.stream(
            WholeStepBenchmark.arg(args, "--sides", "ours,ort,pytorch").split(","))
        .map(s -> Side.valueOf(s.trim().toUpperCase(Locale.ROOT))).toList();
    String python = WholeStepBenchmark.arg(args, "--python", "/usr/bin/python3");
    Path peerScript = Path.of(WholeStepBenchmark.arg(args, "--peer",
        "benchmarks/peer/peer_predict.py"));
    Path out = Path.of(WholeStepBenchmark.arg(args, "--out", "benchmarks/results/predict"));
    int limit = Integer.parseInt(WholeStepBenchmark.arg(args, "--limit", "0"));
    String profile = WholeStepBenchmark.arg(args, "--profile", null);
    if (!Files.isRegularFile(data)) {
      System.err.println("error: --data " + data.toAbsolutePath() + " not found (the SST-2 dev"
          + " file, sentence<TAB>label with a header)\n" + USAGE);
      System.exit(2);
    }
    if (sides.contains(Side.PYTORCH) && !Files.isRegularFile(peerScript)) {
      System.err.println("error: --peer " + peerScript.toAbsolutePath() + " not found; run from"
          + " the repository root or leave pytorch out of --sides\n" + USAGE);
      System.exit(2);
    }
    // DJL reads these when the engine starts: intra-op threads as ORT's and the peer's
    System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
    System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    Files.createDirectories(out);

    List<String> texts = new ArrayList<>();
    for (TextExample e : Glue.readSst2(data, "sst2-dev")) {
      if (limit > 0 && texts.size() == limit) {
        break;
      }
      texts.add(e.text());
    }
    // OpenMP's wait policy (libtorch here and in the peer, which inherits the environment) and
    // ONNX Runtime's spinning follow one switch, so the three idle alike between operations
    String waitPolicy = System.getenv().getOrDefault("OMP_WAIT_POLICY", "unset");
    boolean spin = !waitPolicy.equalsIgnoreCase("passive");
    System.out.printf(Locale.ROOT, "# predict %s sentences=%d batches=%s rounds=%d warmup=%d"
            + " threads=%d sides=%s cores=%d OMP_WAIT_POLICY=%s ort_spinning=%s"
            + " GLIBC_TUNABLES=%s load=%s%n", Instant.now(), texts.size(),
        Arrays.toString(batches), rounds, warmup, threads, sides,
        Runtime.getRuntime().availableProcessors(), waitPolicy, spin ? "on" : "off",
        System.getenv().getOrDefault("GLIBC_TUNABLES", "unset"), loadAverage());

    try (SequenceClassifier model = Encoders.embeddedMiniLm().classifier().numLabels(2)
        .pooling(Pooling.MEAN).seed(seed).build()) {
      float[] weight = model.head().classifier().weight().getArray().toFloatArray();
      float[] bias = model.head().classifier().bias().orElseThrow().getArray().toFloatArray();
      HuggingFaceTokenizer tokenizer = model.tokenizer();
      int[] order = byTokenCount(texts, tokenizer);
      List<String> sorted = new ArrayList<>(texts.size());
      List<TokenIdFile.Row> rows = new ArrayList<>(texts.size());
      for (int i : order) {
        sorted.add(texts.get(i));
        rows.add(new TokenIdFile.Row(i, realIds(tokenizer.encode(texts.get(i)))));
      }
      Path idsFile = out.resolve("sst2-dev-ids.txt");
      TokenIdFile.write(idsFile, rows);
      Path headFile = out.resolve("head.safetensors");
      Map<String, HostTensor> head = new LinkedHashMap<>();
      head.put("classifier.weight", HostTensor.of(model.head().classifier().weight().getArray()));
      head.put("classifier.bias",
          HostTensor.of(model.head().classifier().bias().orElseThrow().getArray()));
      SafeTensors.write(headFile, head);

      Map<Integer, Predictor> predictors = new LinkedHashMap<>();
      for (int b : batches) {
        predictors.put(b, Predictor.builder(model).batchSize(b).frozen().build());
      }
      predictors.computeIfAbsent(32,
          b -> Predictor.builder(model).batchSize(b).frozen().build());
      byte[] onnx;
      try (InputStream in = EmbeddedMiniLm.class.getClassLoader()
          .getResourceAsStream(EmbeddedMiniLm.ONNX_RESOURCE)) {
        onnx = in.readAllBytes();
      }
      try (OrtClassifier ort = new OrtClassifier(onnx, tokenizer, weight, bias, threads, spin);
          Peer peer = sides.contains(Side.PYTORCH) ? new Peer(python, peerScript,
              EmbeddedMiniLm.directory().resolve("model.safetensors"), headFile, idsFile, threads)
              : null) {
        Map<Side, Runner> runners = new EnumMap<>(Side.class);
        runners.put(Side.OURS, new Runner() {
          @Override
          public double[] single(List<String> all) {
            Predictor p = predictors.get(1) != null ? predictors.get(1)
                : Predictor.builder(model).batchSize(1).frozen().build();
            double[] ms = new double[all.size()];
            for (int i = 0; i < all.size(); i++) {
              long t0 = System.nanoTime();
              p.predict(all.get(i));
              ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            return ms;
          }

          @Override
          public void batched(List<String> all, int batch) {
            predictors.get(batch).predict(all);
          }
        });
        runners.put(Side.ORT, new Runner() {
          @Override
          public double[] single(List<String> all) {
            double[] ms = new double[all.size()];
            for (int i = 0; i < all.size(); i++) {
              long t0 = System.nanoTime();
              softmax(ort.logits(List.of(all.get(i))));
              ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            return ms;
          }

          @Override
          public void batched(List<String> all, int batch) {
            // the predictor's order (by token count), computed once outside the timed calls
            List<String> byLength = all == texts ? sorted
                : reorder(all, byTokenCount(all, tokenizer));
            for (int i = 0; i < byLength.size(); i += batch) {
              softmax(ort.logits(byLength.subList(i, Math.min(i + batch, byLength.size()))));
            }
          }
        });

        // 1. the three agree
        float[][] ours = new float[texts.size()][];
        List<Prediction> answers = predictors.get(32).predict(texts);
        for (int i = 0; i < ours.length; i++) {
          ours[i] = answers.get(i).logits();
        }
        float[][] viaOrt = new float[texts.size()][];
        for (int i = 0; i < sorted.size(); i += 32) {
          float[][] chunk = ort.logits(sorted.subList(i, Math.min(i + 32, sorted.size())));
          for (int r = 0; r < chunk.length; r++) {
            viaOrt[order[i + r]] = chunk[r];
          }
        }
        boolean agree = parity("ort", ours, viaOrt, tolerance);
        if (peer != null) {
          agree &= parity("pytorch", ours, peer.logits(out.resolve("pytorch-logits.tsv"),
              texts.size()), tolerance);
        }
        if (!agree) {
          System.err.println("error: the sides disagree beyond " + tolerance + "; not timing");
          System.exit(1);
        }

        if (profile != null) {
          profileOurs(Path.of(profile), runners.get(Side.OURS), texts, batches);
          return;
        }

        // 2. timing: rounds x batch sizes x sides, the sides' order rotating
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        Map<Side, List<Double>> latencies = new EnumMap<>(Side.class);
        for (int round = 0; round < warmup + rounds; round++) {
          boolean measured = round >= warmup;
          for (int b : batches) {
            for (int k = 0; k < sides.size(); k++) {
              Side side = sides.get((round + k) % sides.size());
              double seconds;
              double[] ms = null;
              if (side == Side.PYTORCH) {
                Peer.Pass pass = peer.pass(b);
                seconds = pass.seconds();
                ms = pass.latenciesMs();
              } else {
                long t0 = System.nanoTime();
                if (b == 1) {
                  ms = runners.get(side).single(texts);
                } else {
                  runners.get(side).batched(texts, b);
                }
                seconds = (System.nanoTime() - t0) / 1e9;
              }
              double rate = texts.size() / seconds;
              System.out.printf(Locale.ROOT, "PASS round=%d warmup=%s impl=%s batch=%d"
                      + " seconds=%.4f sentences_per_s=%.2f load=%s%n", round + 1,
                  measured ? "no" : "yes", side.key(), b, seconds, rate, loadAverage());
              if (measured) {
                rates.computeIfAbsent(side.key() + "@" + b, x -> new ArrayList<>()).add(rate);
                if (b == 1 && ms != null) {
                  List<Double> all = latencies.computeIfAbsent(side, x -> new ArrayList<>());
                  for (double v : ms) {
                    all.add(v);
                  }
                }
              }
            }
          }
        }
        report(sides, batches, rates, latencies);
      }
    }
    System.out.println("# end " + Instant.now() + " load=" + loadAverage());
  }

  /**
   * Records one pass of ours per batch size with libtorch's profiler, after a warm-up pass:
   * {@code DIR/ours-bN.json}, for {@code benchmarks/profile/summarize_trace.py}.
   */
  private static void profileOurs(Path dir, Runner ours, List<String> texts, int[] batches)
      throws IOException {
    Files.createDirectories(dir);
    for (int b : batches) {
      for (int repeat = 0; repeat < 2; repeat++) {
        if (repeat == 1) {
          ai.djl.pytorch.jni.JniUtils.startProfile(false, true, true);
        }
        long t0 = System.nanoTime();
        if (b == 1) {
          ours.single(texts);
        } else {
          ours.batched(texts, b);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (repeat == 1) {
          Path trace = dir.resolve("ours-b" + b + ".json");
          ai.djl.pytorch.jni.JniUtils.stopProfile(trace.toString());
          System.out.printf(Locale.ROOT, "PROFILE impl=ours batch=%d sentences=%d seconds=%.4f"
              + " trace=%s%n", b, texts.size(), seconds, trace);
        }
      }
    }
  }

  /** One side's way of predicting every sentence once. */
  private interface Runner {
    double[] single(List<String> all);

    void batched(List<String> all, int batch);
  }

  private static void report(List<Side> sides, int[] batches, Map<String, List<Double>> rates,
      Map<Side, List<Double>> latencies) {
    Map<String, Double> median = new LinkedHashMap<>();
    for (Map.Entry<String, List<Double>> e : rates.entrySet()) {
      median.put(e.getKey(), Latencies.median(toArray(e.getValue())));
    }
    for (Side side : sides) {
      StringBuilder line = new StringBuilder("RESULT impl=" + side.key());
      for (int b : batches) {
        line.append(String.format(Locale.ROOT, " sentences_per_s_b%d=%.2f", b,
            median.get(side.key() + "@" + b)));
      }
      List<Double> ms = latencies.get(side);
      if (ms != null) {
        double[] v = toArray(ms);
        line.append(String.format(Locale.ROOT, " p50_ms_b1=%.3f p99_ms_b1=%.3f calls_b1=%d",
            Latencies.percentile(v, 50), Latencies.percentile(v, 99), v.length));
      }
      System.out.println(line);
    }
    StringBuilder table = new StringBuilder("\n| side |");
    for (int b : batches) {
      table.append(" sentences/s @").append(b).append(" |");
    }
    table.append(" p50 ms @1 | p99 ms @1 |\n|---|");
    table.append("---|".repeat(batches.length + 2)).append('\n');
    for (Side side : sides) {
      table.append("| ").append(side.key()).append(" |");
      for (int b : batches) {
        table.append(String.format(Locale.ROOT, " %.1f |", median.get(side.key() + "@" + b)));
      }
      List<Double> ms = latencies.get(side);
      double[] v = ms == null ? new double[] {Double.NaN} : toArray(ms);
      table.append(String.format(Locale.ROOT, " %.2f | %.2f |%n", Latencies.percentile(v, 50),
          Latencies.percentile(v, 99)));
    }
    for (Side other : sides) {
      if (other == Side.OURS || !sides.contains(Side.OURS)) {
        continue;
      }
      table.append("| ours / ").append(other.key()).append(" |");
      for (int b : batches) {
        table.append(String.format(Locale.ROOT, " **%.2f** |",
            median.get("ours@" + b) / median.get(other.key() + "@" + b)));
      }
      table.append(" | |\n");
    }
    System.out.println(table);
  }

  private static double[] toArray(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /**
   * Positions of the texts, most tokens first, ties in input order: the predictor's order
   * ({@code Batches.iteratorByTokenCount}; SST-2 dev sentences are far below the max length).
   */
  static int[] byTokenCount(List<String> texts, HuggingFaceTokenizer tokenizer) {
    int[] tokens = new int[texts.size()];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = realIds(tokenizer.encode(texts.get(i))).length;
    }
    Integer[] order = new Integer[texts.size()];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, Comparator.comparingInt((Integer i) -> -tokens[i]));
    return Arrays.stream(order).mapToInt(Integer::intValue).toArray();
  }

  private static List<String> reorder(List<String> texts, int[] order) {
    List<String> out = new ArrayList<>(order.length);
    for (int i : order) {
      out.add(texts.get(i));
    }
    return out;
  }

  private static long[] realIds(Encoding encoding) {
    long[] ids = encoding.getIds();
    long[] mask = encoding.getAttentionMask();
    int n = 0;
    while (n < ids.length && mask[n] != 0) {
      n++;
    }
    return Arrays.copyOf(ids, n);
  }

  private static void softmax(float[][] logits) {
    for (float[] row : logits) {
      float max = Float.NEGATIVE_INFINITY;
      for (float v : row) {
        max = Math.max(max, v);
      }
      double sum = 0;
      for (int c = 0; c < row.length; c++) {
        sum += Math.exp(row[c] - max);
      }
      for (int c = 0; c < row.length; c++) {
        row[c] = (float) (Math.exp(row[c] - max) / sum);
      }
    }
  }

  private static boolean parity(String name, float[][] ours, float[][] theirs, double tolerance) {
    double worst = 0;
    int argmaxDiffers = 0;
    for (int i = 0; i < ours.length; i++) {
      for (int c = 0; c < ours[i].length; c++) {
        worst = Math.max(worst, Math.abs(ours[i][c] - theirs[i][c]));
      }
      if (argmax(ours[i]) != argmax(theirs[i])) {
        argmaxDiffers++;
      }
    }
    boolean ok = worst <= tolerance && argmaxDiffers == 0;
    System.out.printf(Locale.ROOT, "PARITY ours_vs=%s rows=%d max_abs_logit_diff=%.3g"
        + " argmax_differs=%d tolerance=%.1g %s%n", name, ours.length, worst, argmaxDiffers,
        tolerance, ok ? "OK" : "FAILED");
    return ok;
  }

  private static int argmax(float[] row) {
    int best = 0;
    for (int c = 1; c < row.length; c++) {
      if (row[c] > row[best]) {
        best = c;
      }
    }
    return best;
  }

  static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return parts[0] + "/" + parts[1] + "/" + parts[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  /** The PyTorch peer process ({@code peer_predict.py}), driven over its stdin and stdout. */
  private static final class Peer implements AutoCloseable {
    private final Process process;
    private final BufferedWriter in;
    private final BufferedReader out;

    record Pass(double seconds, double[] latenciesMs) {}

    Peer(String python, Path script, Path weights, Path head, Path ids, int threads)
        throws IOException {
      process = new ProcessBuilder(python, script.toString(), "--weights", weights.toString(),
          "--head", head.toString(), "--ids", ids.toString(), "--threads",
          Integer.toString(threads))
          .redirectError(ProcessBuilder.Redirect.INHERIT)
          .start();
      // a benchmark stopped with a signal must not leave the peer finishing its pass
      Runtime.getRuntime().addShutdownHook(new Thread(process::destroy, "peer-predict-stop"));
      in = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(),
          StandardCharsets.UTF_8));
      out = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8));
      String ready = expect("READY");
      System.out.println(ready);
    }

    float[][] logits(Path file, int rows) throws IOException {
      send("logits " + file.toAbsolutePath());
      expect("OK");
      float[][] logits = new float[rows][];
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String[] parts = line.split("\t");
        String[] values = parts[1].split(" ");
        float[] row = new float[values.length];
        for (int c = 0; c < row.length; c++) {
          row[c] = Float.parseFloat(values[c]);
        }
        logits[Integer.parseInt(parts[0])] = row;
      }
      return logits;
    }

    Pass pass(int batch) throws IOException {
      send("pass " + batch);
      String line = expect("PASS");
      double seconds = Double.NaN;
      double[] ms = null;
      for (String word : line.split(" ")) {
        if (word.startsWith("seconds=")) {
          seconds = Double.parseDouble(word.substring("seconds=".length()));
        } else if (word.startsWith("latencies_ms=")) {
          ms = Arrays.stream(word.substring("latencies_ms=".length()).split(","))
              .mapToDouble(Double::parseDouble).toArray();
        }
      }
      return new Pass(seconds, ms);
    }

    private void send(String command) throws IOException {
      in.write(command);
      in.write('\n');
      in.flush();
    }

    private String expect(String prefix) throws IOException {
      String line = out.readLine();
      if (line == null || !line.startsWith(prefix)) {
        throw new IllegalStateException("the PyTorch peer answered '" + line + "' where '"
            + prefix + " ...' was expected (its errors are above)");
      }
      return line;
    }

    @Override
    public void close() {
      try {
        send("quit");
        process.waitFor();
      } catch (IOException e) {
        process.destroy();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroy();
      }
    }
  }
}
