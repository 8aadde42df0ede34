package dev.finetune.spark;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.finetune.experiments.search.Trial;
import dev.finetune.experiments.search.TrialExecutor;
import dev.finetune.experiments.search.TrialJob;
import dev.finetune.experiments.search.TrialResult;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheme search's Apache Spark backend: each batch of jobs the search hands over becomes one
 * Spark job with one task per trial; a task builds its runner from the {@link TrialRunnerFactory}
 * on its executor (its own model and data), trains the trial from its checkpoint in the trial's
 * folder to the rung's budget, and sends back steps, metric and seconds. The driver collects them;
 * the search's decisions (promotions, stops) and every file of the search are made there.
 * Trials are described to the executors as JSON strings.
 *
 * <p>The trials' folders must be one shared path that the driver and every executor see (a local
 * folder in {@code local[N]} mode; NFS or another shared mount on a cluster), because a promoted
 * trial may continue on another executor than the one that trained its previous rung.
 * Parallelism (jobs per batch) defaults to the context's default parallelism: the task slots.
 *
 * <p>One trial trains at a time in each JVM: DJL's PyTorch engine allows one gradient collector
 * per process and draws dropout from one engine-wide generator, so two trials in one executor
 * would fail or draw each other's numbers. Tasks that share an executor therefore wait for each
 * other; on a cluster give each executor one task ({@code spark.task.cpus} equal to the executor's
 * cores). In {@code local[N]}, all tasks share the driver's JVM, so trials train one after another
 * there (Spark's scheduling is still exercised, and results stay reproducible).
 *
 * <pre>{@code
 * SparkSession spark = SparkSession.builder().master("local[2]").appName("search").getOrCreate();
 * SchemeSearch search = SearchConfig.read(file);
 * SearchResults r = search.run(dir, SparkTrialExecutor.of(spark, TrialRunnerFactory.searchFile(file)));
 * }</pre>
 */
public final class SparkTrialExecutor implements TrialExecutor {

  private static final Logger LOG = LoggerFactory.getLogger(SparkTrialExecutor.class);

  private final JavaSparkContext context;
  private final TrialRunnerFactory factory;
  private final int parallelism;

  private SparkTrialExecutor(JavaSparkContext context, TrialRunnerFactory factory, int parallelism) {
    this.context = context;
    this.factory = factory;
    this.parallelism = parallelism;
  }

  /**
   * An executor on a session with its default parallelism (its task slots).
   *
   * @param spark the session
   * @param factory builds the trial runner on the executors
   * @return the executor
   */
  public static SparkTrialExecutor of(SparkSession spark, TrialRunnerFactory factory) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(Objects.requireNonNull(spark, "spark").sparkContext());
    return of(spark, factory, jsc.defaultParallelism());
  }

  /**
   * An executor that hands Spark up to {@code parallelism} trials at once.
   *
   * @param spark the session
   * @param factory builds the trial runner on the executors
   * @param parallelism trials per Spark job, at least 1 (e.g. the executors when each runs one)
   * @return the executor
   * @throws IllegalArgumentException when parallelism is below 1
   */
  public static SparkTrialExecutor of(SparkSession spark, TrialRunnerFactory factory, int parallelism) {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism (trials per Spark job) must be at least 1, got " + parallelism);
    }
    return new SparkTrialExecutor(JavaSparkContext.fromSparkContext(Objects.requireNonNull(spark, "spark")
        .sparkContext()), Objects.requireNonNull(factory, "factory"), parallelism);
  }

  @Override
  public int parallelism() {
    return parallelism;
  }

  @Override
  public List<TrialResult> run(List<TrialJob> jobs) {
    List<Task> tasks = new ArrayList<>();
    for (TrialJob j : jobs) {
      tasks.add(new Task(factory, j.trial().index(), j.trial().toJson().toString(), j.trial().seed(),
          j.steps(), j.trialDir().toAbsolutePath().toString()));
    }
    LOG.info("spark: {} trial(s) as one job of {} task(s)", tasks.size(), tasks.size());
    List<Outcome> outcomes = context.parallelize(tasks, tasks.size()).map(Task::call).collect();
    List<TrialResult> out = new ArrayList<>();
    for (Outcome o : outcomes) {
      out.add(new TrialResult(o.steps(), o.metric(), o.seconds(), o.metrics()));
    }
    return out;
  }

  /**
   * One trial to one budget, as it travels to an executor.
   *
   * @param factory builds the runner there
   * @param index the trial's index
   * @param valuesJson its values as a JSON object
   * @param seed its training seed, null for the search's
   * @param steps the budget
   * @param trialDir its folder, absolute
   */
  record Task(TrialRunnerFactory factory, int index, String valuesJson, Long seed, long steps,
      String trialDir) implements Serializable {

    Outcome call() {
      JsonObject o = JsonParser.parseString(valuesJson).getAsJsonObject();
      Map<String, JsonElement> values = new LinkedHashMap<>();
      o.entrySet().forEach(e -> values.put(e.getKey(), e.getValue()));
      TrialResult r;
      // one trial trains at a time in a JVM: the PyTorch engine has one gradient collector and
      // one random generator per process (see the class comment)
      synchronized (Task.class) {
        r = factory.create().run(new Trial(index, values, seed), steps, Path.of(trialDir));
      }
      return new Outcome(r.steps(), r.metric(), r.seconds(), new LinkedHashMap<>(r.metrics()));
    }
  }

  /**
   * What a task sends back to the driver.
   *
   * @param steps the steps the trial reached
   * @param metric its metric there
   * @param seconds its training seconds
   * @param metrics every validation metric there (a serialisable map)
   */
  record Outcome(long steps, double metric, double seconds, LinkedHashMap<String, Double> metrics)
      implements Serializable {}
}
