package dev.finetune.core.train.callbacks;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import dev.finetune.core.train.ListenerState;
import dev.finetune.core.train.StatefulListener;
import dev.finetune.core.train.TrainingContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Saves the model in Hugging Face layout ({@code SequenceClassifier.save}) whenever a validation
 * metric improves, with {@code best.json} beside it (epoch, step, the monitored value and all
 * metrics). Reload it with {@code Encoders.load(dir).forSequenceClassification(numLabels)}. Each
 * save is written to a fresh sibling folder and swapped in by renames, so the folder always holds
 * one complete model. The best value so far is saved in resume checkpoints (key
 * {@code best-checkpoint/<metric>}) and restored on resume, so only a real improvement over the
 * whole run replaces the saved model.
 *
 * <pre>{@code
 * FineTune.of(model).epochs(5)
 *     .callbacks(BestCheckpoint.on("accuracy").saveTo(Path.of("runs/best")))
 *     .fit(train, dev);
 * SequenceClassifier best = Encoders.load(Path.of("runs/best")).forSequenceClassification(2);
 * }</pre>
 */
public final class BestCheckpoint implements StatefulListener {

  private static final Logger LOG = LoggerFactory.getLogger(BestCheckpoint.class);
  private static final Gson GSON =
      new GsonBuilder().serializeSpecialFloatingPointValues().setPrettyPrinting().create();
  /** The file with the best evaluation's epoch and metrics. */
  public static final String BEST_JSON = "best.json";

  private final String metric;
  private final Mode mode;
  private final double minDelta;
  private final Path directory;
  private double best = Double.NaN;

  private BestCheckpoint(String metric, Mode mode, double minDelta, Path directory) {
    this.metric = metric;
    this.mode = mode;
    this.minDelta = minDelta;
    this.directory = directory;
  }

  /**
   * Monitors a validation metric (mode inferred: losses down, others up); give the folder with
   * {@link Target#saveTo(Path)}.
   *
   * @param metric e.g. {@code accuracy}
   * @return the choice of folder
   */
  public static Target on(String metric) {
    return new Target(Objects.requireNonNull(metric, "metric"), Mode.infer(metric), 0);
  }

  /**
   * A monitored metric waiting for its folder.
   *
   * <pre>{@code
   * BestCheckpoint b = BestCheckpoint.on("mcc").minDelta(0.001).saveTo(dir);
   * }</pre>
   */
  public static final class Target {
    private final String metric;
    private final Mode mode;
    private final double minDelta;

    private Target(String metric, Mode mode, double minDelta) {
      this.metric = metric;
      this.mode = mode;
      this.minDelta = minDelta;
    }

    /** @param value overrides the inferred direction @return a new target */
    public Target mode(Mode value) {
      return new Target(metric, Objects.requireNonNull(value, "mode"), minDelta);
    }

    /** @param value smallest change that counts as better (default 0) @return a new target */
    public Target minDelta(double value) {
      return new Target(metric, mode, Monitored.checkMinDelta("BestCheckpoint", value));
    }

    /**
     * Sets the folder the best model is saved to (created when needed).
     *
     * @param dir the folder
     * @return the callback
     */
    public BestCheckpoint saveTo(Path dir) {
      return new BestCheckpoint(metric, mode, minDelta,
          Objects.requireNonNull(dir, "dir").toAbsolutePath());
    }
  }

  /** @return the folder of the best model */
  public Path directory() {
    return directory;
  }

  @Override
  public void onFitStart(TrainingContext context) {
    if (!context.resumed()) {
      best = Double.NaN;
    }
  }

  /** @return {@code "best-checkpoint/<metric>"} */
  @Override
  public String stateKey() {
    return "best-checkpoint/" + metric;
  }

  /** @return the best value so far (NaN before the first evaluation) */
  @Override
  public ListenerState saveState(TrainingContext context) {
    return ListenerState.builder().put("best", best).build();
  }

  @Override
  public void restoreState(TrainingContext context, ListenerState state) {
    best = state.getDouble("best");
    LOG.info("resumed: best {} so far is {}", metric, best);
  }

  @Override
  public void onEvaluationEnd(TrainingContext context, Map<String, Double> metrics) {
    double value = Monitored.value("BestCheckpoint", metric, metrics);
    if (!mode.improves(value, best, minDelta)) {
      return;
    }
    best = value;
    save(context, metrics, value);
  }

  private void save(TrainingContext context, Map<String, Double> metrics, double value) {
    try {
      Path parent = directory.getParent();
      Files.createDirectories(parent);
      Path tmp = Files.createTempDirectory(parent, "." + directory.getFileName() + "-tmp-");
      context.model().save(tmp);
      JsonObject json = new JsonObject();
      json.addProperty("metric", metric);
      json.addProperty("value", value);
      json.addProperty("epoch", context.epoch());
      json.addProperty("step", context.globalStep());
      json.add("metrics", GSON.toJsonTree(metrics));
      Files.writeString(tmp.resolve(BEST_JSON), GSON.toJson(json), StandardCharsets.UTF_8);
      Path old = parent.resolve("." + directory.getFileName() + "-old");
      deleteTree(old);
      if (Files.exists(directory)) {
        Files.move(directory, old);
      }
      Files.move(tmp, directory);
      deleteTree(old);
      LOG.info("new best {} = {} at epoch {} step {}: saved to {}", metric, value, context.epoch(),
          context.globalStep(), directory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the best model to " + directory + ": "
          + e.getMessage() + " (check the folder is writable and has space)", e);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Override
  public String toString() {
    return "best checkpoint on " + metric + " (" + mode + ") to " + directory;
  }
}
