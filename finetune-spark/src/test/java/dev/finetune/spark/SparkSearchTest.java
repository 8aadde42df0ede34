package dev.finetune.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonParser;
import dev.finetune.core.train.TinySetup;
import dev.finetune.experiments.grid.ExperimentGrid;
import dev.finetune.experiments.search.GridTrialRunner;
import dev.finetune.experiments.search.SchemeSearch;
import dev.finetune.experiments.search.SearchResults;
import dev.finetune.experiments.search.SearchSpace;
import dev.finetune.experiments.search.Strategy;
import dev.finetune.experiments.search.TrialRunner;
import dev.finetune.testing.SharedResources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark backend in a real {@code local[2]} session (no mocks) on the tiny encoder: a Hyperband
 * search run as Spark tasks ends with the in-process search's leaderboard for the same seed, and
 * a search file runs through {@link SparkSearch}. 40 toy examples in batches of 8 (5 steps per
 * epoch, 2 epochs), dropout 0.1 (the executor trains one trial at a time per JVM, so trials do not
 * draw each other's dropout numbers).
 */
class SparkSearchTest {

  @TempDir static Path dir;
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[2]").appName("finetune-spark-test")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2").getOrCreate();
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  /** Built on each executor: the tiny model, toy data, the tokenizer in a shared folder. */
  static TrialRunner tinyRunner(String tokenizerDir) {
    HuggingFaceTokenizer tokenizer = TinySetup.tokenizer(Path.of(tokenizerDir));
    ExperimentGrid base = ExperimentGrid.builder("tiny-spark")
        .model(cell -> TinySetup.model(0.1f, cell.seed()))
        .data(TinySetup.toyTask("toy", 40, 31), TinySetup.toyTask("dev", 16, 32))
        .configure(s -> s.learningRate(1e-3).chain(c -> c.tokenizer(tokenizer).epochs(2).batchSize(8)))
        .build();
    return GridTrialRunner.of(base, "loss");
  }

  private static SchemeSearch hyperband(TrialRunner runner) {
    SearchSpace space = SearchSpace.parse(JsonParser.parseString(
        "{\"learning_rate\": {\"log_uniform\": [1e-4, 1e-2]}}").getAsJsonObject(), "space");
    // rungs 3 and 9 steps: bracket s=1 (3 trials at 3 steps, the best to 9), bracket s=0 (2 at 9);
    // then the winner confirmed with seeds 5 and 6 (2 more runs of 9 steps)
    return SchemeSearch.builder("tiny", space, runner).strategy(Strategy.HYPERBAND).metric("loss").eta(3).steps(3, 9)
        .seed(11).confirm(1, 5, 6).build();
  }

  @Test
  void sparkTasksReproduceTheInProcessLeaderboard() throws Exception {
    String tok = dir.resolve("tok").toString();
    SearchResults local = hyperband(tinyRunner(tok)).run(dir.resolve("in-process"));

    int jobsBefore = spark.sparkContext().statusTracker().getJobIdsForGroup(null).length;
    TrialRunnerFactory factory = () -> tinyRunner(tok);
    SearchResults onSpark = hyperband(tinyRunner(tok)).run(dir.resolve("spark"),
        SparkTrialExecutor.of(spark, factory, 2));
    int sparkJobs = spark.sparkContext().statusTracker().getJobIdsForGroup(null).length - jobsBefore;

    assertThat(onSpark.events()).hasSize(3 + 1 + 2);
    assertThat(sparkJobs).as("batches of at most 2 trials: 6 jobs in 3 to 6 Spark jobs, then the 2"
        + " confirmation runs in 1").isBetween(4, 7);
    List<SearchResults.Row> a = local.leaderboard();
    List<SearchResults.Row> b = onSpark.leaderboard();
    assertThat(b).hasSameSizeAs(a);
    for (int i = 0; i < a.size(); i++) {
      assertThat(b.get(i).trial()).isEqualTo(a.get(i).trial());
      assertThat(b.get(i).steps()).isEqualTo(a.get(i).steps());
      assertThat(b.get(i).rung()).isEqualTo(a.get(i).rung());
      assertThat(b.get(i).metric()).isCloseTo(a.get(i).metric(), within(1e-6));
    }
    assertThat(local.totalSteps()).isEqualTo(2 * 3 + 9 + 2 * 9);
    // the confirmation seeds travel to the executors: the same runs as in process
    assertThat(onSpark.confirmed()).singleElement().satisfies(c -> {
      assertThat(c.trial()).isEqualTo(local.confirmed().get(0).trial());
      assertThat(c.seeds()).containsExactly(5L, 6L);
      for (int i = 0; i < 2; i++) {
        assertThat(c.values().get(i)).isCloseTo(local.confirmed().get(0).values().get(i), within(1e-6));
      }
      assertThat(c.values().get(0)).as("another seed, another run").isNotCloseTo(c.values().get(1), within(1e-6));
    });
    // the executors wrote each trial's checkpoint and rung reports into the shared folder
    assertThat(dir.resolve("spark/trials/t000/checkpoint")).isDirectory();
  }

  @Test
  void aSearchFileRunsAsASparkApplicationWouldRunIt() throws Exception {
    Path file = dir.resolve("search.json");
    Files.writeString(file, """
        {"name": "spark-file", "task": "sst2", "data": "%s", "layers": 1, "train_size": 16,
         "validation_size": 8, "epochs": 1, "batch_size": 8, "max_length": 16,
         "axes": {"method": ["full", "bitfit"]},
         "search": {"strategy": "grid", "max_steps": 2, "metric": "accuracy"}}
        """.formatted(SharedResources.require("data/sst2").toString().replace("\\", "/")));
    SearchResults r = SparkSearch.run(spark, file, dir.resolve("file-search"), 0);
    assertThat(r.leaderboard()).hasSize(2).allSatisfy(row -> assertThat(row.steps()).isEqualTo(2));
    assertThat(dir.resolve("file-search/leaderboard.md")).exists();
    assertThat(dir.resolve("file-search/best.json")).exists();
  }
}
