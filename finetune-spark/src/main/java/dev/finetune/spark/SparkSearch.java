package dev.finetune.spark;

import dev.finetune.experiments.search.SchemeSearch;
import dev.finetune.experiments.search.SearchConfig;
import dev.finetune.experiments.search.SearchReport;
import dev.finetune.experiments.search.SearchResults;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * Runs a search file ({@code docs/SEARCH.md}) on Apache Spark and writes its report: the trials
 * train as Spark tasks ({@link SparkTrialExecutor}), the search decides on the driver. The same
 * file and seed give the in-process search's leaderboard for {@code successive_halving} and
 * {@code hyperband}; ASHA's promotions depend on which results come back together. As an
 * application ({@code spark-submit --class dev.finetune.spark.SparkSearch}):
 *
 * <pre>{@code
 * SparkSearch --search sst2-search.json --output /shared/runs/sst2 [--parallelism 8]
 * }</pre>
 */
public final class SparkSearch {

  private SparkSearch() {}

  /**
   * Runs a search file on a session (resuming from the folder) and writes the report there.
   *
   * @param spark the session
   * @param searchFile the search file
   * @param outputDir the results folder, a path the driver and every executor see
   * @param parallelism trials per Spark job, or 0 for the session's default parallelism
   * @return the results
   * @throws IOException when the folder cannot be read or written
   */
  public static SearchResults run(SparkSession spark, Path searchFile, Path outputDir, int parallelism)
      throws IOException {
    SchemeSearch search = SearchConfig.read(searchFile);
    TrialRunnerFactory factory = TrialRunnerFactory.searchFile(searchFile);
    SparkTrialExecutor executor = parallelism > 0
        ? SparkTrialExecutor.of(spark, factory, parallelism) : SparkTrialExecutor.of(spark, factory);
    SearchResults results = search.run(outputDir, executor);
    SearchReport.write(results, outputDir);
    return results;
  }

  /**
   * The application: {@code --search FILE --output DIR [--parallelism N]}; the master and resources
   * come from {@code spark-submit}.
   *
   * @param args the arguments
   * @throws Exception when the search fails (the driver exits non-zero)
   */
  public static void main(String[] args) throws Exception {
    List<String> a = Arrays.asList(args);
    String file = value(a, "--search");
    String out = value(a, "--output");
    if (file == null || out == null) {
      throw new IllegalArgumentException("usage: SparkSearch --search FILE --output DIR [--parallelism N];"
          + " got " + a);
    }
    String p = value(a, "--parallelism");
    SparkSession spark = SparkSession.builder().appName("finetune search " + Path.of(file).getFileName()).getOrCreate();
    try {
      SearchResults r = run(spark, Path.of(file), Path.of(out), p == null ? 0 : Integer.parseInt(p));
      System.out.println(r.winner().id() + " (" + r.winner().describe() + ")"
          + (r.confirmed().isEmpty() ? " " + r.metric() + " " + r.leaderboard().get(0).metric()
              : " mean " + r.metric() + " over seeds " + r.confirmed().get(0).stat().format(4))
          + "; report in " + out);
    } finally {
      spark.stop();
    }
  }

  private static String value(List<String> args, String flag) {
    int i = args.indexOf(flag);
    return i >= 0 && i + 1 < args.size() ? args.get(i + 1) : null;
  }
}
