package dev.finetune.core.train.callbacks;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import dev.finetune.core.checkpoint.HostTensor;
import dev.finetune.core.method.FineTuningMethod;
import dev.finetune.core.method.MethodCheckpoint;
import dev.finetune.core.metrics.MetricAccumulator;
import dev.finetune.core.model.ProblemType;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.params.ModelParameter;
import dev.finetune.core.report.EvaluationRecord;
import dev.finetune.core.train.ListenerState;
import dev.finetune.core.train.StatefulListener;
import dev.finetune.core.train.TrainingContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Saves what reloads the trained model exactly whenever a validation metric improves, with
 * {@code best.json} beside it (epoch, step, the monitored value, all metrics, and the
 * {@code layout}):
 *
 * <ul>
 *   <li>with an adapter method applied (LoRA, IA3, prompt or prefix tuning, bottleneck adapters,
 *       BitFit, or any registered method: {@link SequenceClassifier#appliedMethods()}), its adapter
 *       checkpoint with the head ({@link MethodCheckpoint}, layout {@code adapter}); reload it onto
 *       the base it was trained on: {@code AdapterCheckpoint.load(fresh, dir)} or, without
 *       finetune-peft on the compile path, {@code MethodCheckpoint.load(fresh, dir)};
 *   <li>for full fine-tuning and methods that train base weights (selective fine-tuning), the whole
 *       model in Hugging Face layout ({@code SequenceClassifier.save}, layout {@code model});
 *       reload it with {@code Encoders.load(dir).forSequenceClassification(numLabels)}.
 * </ul>
 *
 * <p>A model on which neither reloads the trained weights (several adapter methods, or one beside
 * a method that trains base weights) is refused at the first save, naming the methods. Each save is written to a
 * fresh sibling folder and swapped in by renames, so the folder always holds one complete
 * checkpoint. The best value so far is saved in resume checkpoints (key
 * {@code best-checkpoint/<metric>}) and restored on resume, so only a real improvement over the
 * whole run replaces the saved model.
 *
 * <p>{@link #restoreAtEnd()} (Hugging Face's {@code load_best_model_at_end}) also keeps a host copy
 * of every parameter at the best evaluation (as much host memory as the model) and puts it back
 * when the fit ends, so the run ends with the best weights in memory; the report then has an
 * extra row {@value #RESTORED_LABEL} with the best evaluation's metrics.
 *
 * <pre>{@code
 * FineTune.of(model).peft(Peft.lora()).epochs(5)
 *     .callbacks(BestCheckpoint.on("accuracy").saveTo(Path.of("runs/best")).restoreAtEnd())
 *     .fit(train, dev);                                  // model now holds the best epoch's weights
 * try (SequenceClassifier fresh = Encoders.load(base).forSequenceClassification(2)) {
 *   AdapterCheckpoint.load(fresh, Path.of("runs/best")); // the best LoRA and head
 * }
 * }</pre>
 */
public final class BestCheckpoint implements StatefulListener {

  private static final Logger LOG = LoggerFactory.getLogger(BestCheckpoint.class);
  private static final Gson GSON =
      new GsonBuilder().serializeSpecialFloatingPointValues().setPrettyPrinting().create();
  /** The file with the best evaluation's epoch and metrics. */
  public static final String BEST_JSON = "best.json";

  /** The label of the report's row for the weights {@link #restoreAtEnd()} put back. */
  public static final String RESTORED_LABEL = "best";

  private final String metric;
  private final Mode mode;
  private final double minDelta;
  private final Path directory;
  private final boolean restoreAtEnd;
  private double best = Double.NaN;
  private Map<String, HostTensor> bestWeights;
  private double[] bestThresholds;
  private EvaluationRecord bestRecord;

  private BestCheckpoint(String metric, Mode mode, double minDelta, Path directory,
      boolean restoreAtEnd) {
    this.metric = metric;
    this.mode = mode;
    this.minDelta = minDelta;
    this.directory = directory;
    this.restoreAtEnd = restoreAtEnd;
  }

  /**
   * Ends the run with the best weights in memory (Hugging Face's {@code load_best_model_at_end}):
   * keeps a host copy of the parameters at each improvement and restores it when the fit ends.
   *
   * @return a new callback that restores
   */
  public BestCheckpoint restoreAtEnd() {
    return new BestCheckpoint(metric, mode, minDelta, directory, true);
  }

  /** @return whether the run ends with the best weights in memory */
  public boolean restoresAtEnd() {
    return restoreAtEnd;
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
          Objects.requireNonNull(dir, "dir").toAbsolutePath(), false);
    }
  }

  /** @return the folder of the best model */
  public Path directory() {
    return directory;
  }

  /** Resets the best value (unless resumed) and the weights kept for {@link #restoreAtEnd()}. */
  @Override
  public void onFitStart(TrainingContext context) {
    if (!context.resumed()) {
      best = Double.NaN;
    }
    bestWeights = null;
    bestThresholds = null;
    bestRecord = null;
  }

  /** Puts the best weights back when {@link #restoreAtEnd()} asked for it. */
  @Override
  public void onFitEnd(TrainingContext context) {
    if (!restoreAtEnd || Double.isNaN(best)) {
      return;
    }
    if (bestWeights == null) {
      LOG.warn("restoreAtEnd: the best {} ({}) was reached before this resumed run; the model keeps"
          + " its last weights; reload the best from {}", metric, best, directory);
      return;
    }
    for (ModelParameter p : context.model().parameters().all()) {
      HostTensor saved = bestWeights.get(p.hfName());
      if (saved != null) {
        p.parameter().getArray().set(saved.data());
      }
    }
    if (bestThresholds != null) {
      context.model().decisionThresholds(bestThresholds);
    }
    context.addEvaluation(bestRecord);
    LOG.info("restored the best weights ({} = {} at epoch {})", metric, best, bestRecord.epoch());
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
    if (restoreAtEnd) {
      Map<String, HostTensor> copy = new LinkedHashMap<>();
      for (ModelParameter p : context.model().parameters().all()) {
        copy.put(p.hfName(), HostTensor.of(p.parameter().getArray()));
      }
      bestWeights = copy;
      bestThresholds = context.model().problemType() == ProblemType.MULTI_LABEL_CLASSIFICATION
          ? context.model().decisionThresholds() : null;
      bestRecord = new EvaluationRecord(RESTORED_LABEL, context.epoch() + 1,
          metrics.getOrDefault(MetricAccumulator.LOSS, Double.NaN), metrics);
    }
  }

  private void save(TrainingContext context, Map<String, Double> metrics, double value) {
    SequenceClassifier model = context.model();
    Optional<FineTuningMethod> adapter;
    try {
      adapter = MethodCheckpoint.adapterOf(model);
    } catch (IllegalStateException e) {
      throw new IllegalStateException("BestCheckpoint cannot save this model so that it"
          + " reloads: " + e.getMessage(), e);
    }
    try {
      Path parent = directory.getParent();
      Files.createDirectories(parent);
      Path tmp = Files.createTempDirectory(parent, "." + directory.getFileName() + "-tmp-");
      if (adapter.isPresent()) {
        MethodCheckpoint.save(model, adapter.get(), tmp);
      } else {
        model.save(tmp);
      }
      JsonObject json = new JsonObject();
      json.addProperty("layout", adapter.isPresent() ? "adapter" : "model");
      adapter.ifPresent(m -> json.addProperty("method", m.describe()));
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
    return "best checkpoint on " + metric + " (" + mode + ") to " + directory
        + (restoreAtEnd ? ", restored at the end" : "");
  }
}
