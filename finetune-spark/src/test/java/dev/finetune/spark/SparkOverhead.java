package dev.finetune.spark;

import com.google.gson.JsonParser;
import dev.finetune.experiments.search.SchemeSearch;
import dev.finetune.experiments.search.SearchSpace;
import dev.finetune.experiments.search.Strategy;
import dev.finetune.experiments.search.TrialExecutor;
import dev.finetune.experiments.search.TrialResult;
import dev.finetune.experiments.search.TrialRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;

/**
 * Measures the Spark backend's overhead per trial in {@code local[2]} (docs/SEARCH.md): random
 * searches of trials that do nothing and of tiny real trials (the tiny encoder, 10 steps), in
 * process and as Spark tasks (2 at a time), wall seconds per trial. Not a test; run with the test
 * class path: {@code java -cp ... dev.finetune.spark.SparkOverhead [no-op trials] [tiny trials]}.
 *
 * <pre>{@code
 * SparkOverhead.main(new String[] {"20", "4"});
 * }</pre>
 */
public final class SparkOverhead {

  private SparkOverhead() {}

  /**
   * Runs the measurement and prints one line per case.
   *
   * @param args optional: the number of no-op trials (default 20) and of tiny trials (default 4)
   * @throws Exception when a search fails
   */
  public static void main(String[] args) throws Exception {
    int trials = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int tinyTrials = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    Path dir = Files.createTempDirectory("spark-overhead");
    String tok = dir.resolve("tok").toString();
    SparkSession spark = SparkSession.builder().master("local[2]").appName("overhead")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate();
    try {
      TrialRunnerFactory nothing = () -> (trial, steps, trialDir) -> new TrialResult(steps, 0.5, 0);
      TrialRunnerFactory tiny = () -> SparkSearchTest.tinyRunner(tok);
      SparkSearchTest.tinyRunner(tok);   // writes the tokenizer once
      // warm-up: class loading, the engine, Spark's first job
      time(dir.resolve("warm-local"), trials, nothing, null);
      time(dir.resolve("warm-spark"), 4, nothing, spark);
      time(dir.resolve("warm-tiny"), 2, tiny, null);
      time(dir.resolve("warm-tiny-spark"), 2, tiny, spark);
      // two rounds, in process first then Spark and the other way round, so warm-up and load
      // drift do not favour one side
      for (int round = 1; round <= 2; round++) {
        for (String kind : new String[] {"nothing", "tiny (10 steps)"}) {
          TrialRunnerFactory f = kind.equals("nothing") ? nothing : tiny;
          int n = kind.equals("nothing") ? trials : tinyTrials;
          String tag = kind.charAt(0) + "-" + round;
          double local;
          double onSpark;
          if (round == 1) {
            local = time(dir.resolve(tag + "-local"), n, f, null);
            onSpark = time(dir.resolve(tag + "-spark"), n, f, spark);
          } else {
            onSpark = time(dir.resolve(tag + "-spark"), n, f, spark);
            local = time(dir.resolve(tag + "-local"), n, f, null);
          }
          System.out.printf(Locale.ROOT, "round %d, %s: %d trials; in process %.3f s per trial, Spark"
              + " local[2] (batches of 2) %.3f s per trial, difference %.3f s%n",
              round, kind, n, local, onSpark, onSpark - local);
        }
      }
    } finally {
      spark.stop();
    }
  }

  private static double time(Path out, int trials, TrialRunnerFactory factory, SparkSession spark)
      throws Exception {
    SearchSpace space = SearchSpace.parse(JsonParser.parseString(
        "{\"learning_rate\": {\"log_uniform\": [1e-4, 1e-2]}}").getAsJsonObject(), "space");
    TrialRunner runner = factory.create();
    SchemeSearch search = SchemeSearch.builder("overhead", space, runner).strategy(Strategy.RANDOM)
        .trials(trials).steps(10, 10).seed(1).build();
    TrialExecutor executor = spark == null ? TrialExecutor.inProcess(runner)
        : SparkTrialExecutor.of(spark, factory, 2);
    long t0 = System.nanoTime();
    search.run(out, executor);
    return (System.nanoTime() - t0) / 1e9 / trials;
  }
}
