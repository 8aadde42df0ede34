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
      time(dir.resolve("warm-tiny"), 1, tiny, null);
      for (String kind : new String[] {"nothing", "tiny (10 steps)"}) {
        TrialRunnerFactory f = kind.equals("nothing") ? nothing : tiny;
        int n = kind.equals("nothing") ? trials : tinyTrials;
        double local = time(dir.resolve(kind.charAt(0) + "-local"), n, f, null);
        double onSpark = time(dir.resolve(kind.charAt(0) + "-spark"), n, f, spark);
        System.out.printf(Locale.ROOT, "%s: %d trials; in process %.3f s per trial, Spark local[2]"
            + " (2 tasks at a time) %.3f s per trial, difference %.3f s%n",
            kind, n, local, onSpark, onSpark - local);
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
