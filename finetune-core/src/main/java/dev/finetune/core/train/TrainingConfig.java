package dev.finetune.core.train;

import ai.djl.Device;
import dev.finetune.core.metrics.ComputeMetrics;
import dev.finetune.core.optim.OptimizerSpec;
import dev.finetune.core.optim.Optimizers;
import dev.finetune.schedules.LrSchedule;
import dev.finetune.schedules.Schedules;
import dev.finetune.schedules.policy.LrPolicies;
import dev.finetune.schedules.policy.LrPolicy;
import dev.finetune.schedules.policy.WeightDecayPolicy;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The immutable settings of one fine-tuning run, as {@link FineTune} collects them: the scalar
 * settings of {@link TrainingSettings} (defaults, ranges and report names come from that table:
 * 3 epochs, batch 32, max length 128, seed 42, learning rate 2e-5, gradient clipping at global
 * norm 1.0, CPU, ...) and the object-valued choices: AdamW (weight decay 0.01, none for biases and
 * LayerNorm parameters), learning rate the same for every parameter, linear warm-up over 10% of
 * the steps then linear decay to 0.
 *
 * <p>Learning rate of parameter {@code p} at step {@code t}: {@code schedule(t) · policy(p)},
 * with one rule for both forms of the schedule, as in PyTorch: the LRs a schedule carries
 * ({@code OneCycleLR(max_lr)}, {@code CyclicLR}'s bounds, {@code SWALR}'s {@code swa_lr},
 * {@code eta_min}) are absolute, and what the reference takes from the optimizer (warm-up, linear,
 * cosine, constant, step, ...) scales {@link #learningRate()}. An object goes through
 * {@link LrSchedule#atBaseLr(double)}; a spec string is parsed with the base LR, which gives the
 * same values (a spec's explicit {@code lr=} replaces the base LR).
 *
 * <pre>{@code
 * TrainingConfig config = TrainingConfig.builder().epochs(2).batchSize(16)
 *     .set("max_grad_norm", 0.5).build();
 * int epochs = config.get(TrainingSettings.EPOCHS);
 * }</pre>
 */
public final class TrainingConfig {

  private final Map<Setting<?>, Object> values;
  private final OptimizerSpec optimizer;
  private final LrPolicy lrPolicy;
  private final LrSchedule schedule;
  private final String scheduleSpec;
  private final WeightDecayPolicy weightDecay;
  private final Path checkpointDir;
  private final List<ModelTransform> transforms;
  private final List<TrainingListener> listeners;
  private final String modelName;
  private final Loss loss;
  private final List<ComputeMetrics> metrics;
  private final Set<String> resumeAllowed;

  private TrainingConfig(Builder b) {
    Map<Setting<?>, Object> copy = new LinkedHashMap<>();
    for (Setting<?> s : TrainingSettings.ALL) {
      copy.put(s, b.values.get(s));
    }
    values = Collections.unmodifiableMap(copy);
    optimizer = Objects.requireNonNull(b.optimizer, "optimizer");
    lrPolicy = Objects.requireNonNull(b.lrPolicy, "lrPolicy");
    schedule = b.schedule;
    scheduleSpec = b.scheduleSpec;
    if ((schedule == null) == (scheduleSpec == null)) {
      throw new IllegalArgumentException("exactly one of schedule and scheduleSpec must be set");
    }
    weightDecay = b.weightDecay;
    checkpointDir = b.checkpointDir;
    transforms = List.copyOf(b.transforms);
    listeners = List.copyOf(b.listeners);
    modelName = b.modelName == null ? "model" : b.modelName;
    loss = b.loss;
    metrics = List.copyOf(b.metrics);
    resumeAllowed = Set.copyOf(b.resumeAllowed);
  }

  /**
   * A setting's value.
   *
   * @param setting a setting of {@link TrainingSettings}
   * @param <T> its type
   * @return the value (its default unless set)
   */
  public <T> T get(Setting<T> setting) {
    return setting.type().cast(values.get(setting));
  }

  /** @return number of passes over the training set */
  public int epochs() {
    return get(TrainingSettings.EPOCHS);
  }

  /** @return examples per micro-batch */
  public int batchSize() {
    return get(TrainingSettings.BATCH_SIZE);
  }

  /** @return truncation length in tokens */
  public int maxLength() {
    return get(TrainingSettings.MAX_LENGTH);
  }

  /** @return the seed of data order, dropout and initialisation */
  public long seed() {
    return get(TrainingSettings.SEED);
  }

  /** @return where the model and tensors live */
  public Device device() {
    return get(TrainingSettings.DEVICE);
  }

  /** @return the base learning rate */
  public double learningRate() {
    return get(TrainingSettings.LEARNING_RATE);
  }

  /** @return the global-norm clipping threshold, or 0 for none */
  public double maxGradNorm() {
    return get(TrainingSettings.MAX_GRAD_NORM);
  }

  /** @return micro-batches per optimizer step */
  public int accumulation() {
    return get(TrainingSettings.ACCUMULATION);
  }

  /** @return extra evaluations every n optimizer steps, or 0 for per-epoch only */
  public int evaluateEverySteps() {
    return get(TrainingSettings.EVALUATE_EVERY_STEPS);
  }

  /** @return the length-bucketing window in batches, or 0 for none */
  public int bucketing() {
    return get(TrainingSettings.BUCKETING);
  }

  /** @return checkpoint every n optimizer steps (besides each epoch end), or 0 */
  public int checkpointEverySteps() {
    return get(TrainingSettings.CHECKPOINT_EVERY_STEPS);
  }

  /** @return whether to draw a progress bar on a terminal */
  public boolean progress() {
    return get(TrainingSettings.PROGRESS);
  }

  /** @return the optimizer */
  public OptimizerSpec optimizer() {
    return optimizer;
  }

  /** @return per-parameter multipliers of the base learning rate */
  public LrPolicy lrPolicy() {
    return lrPolicy;
  }

  /** @return the schedule as an object (multiplier of the base LR), or null when a spec is used */
  public LrSchedule schedule() {
    return schedule;
  }

  /** @return the schedule as a spec string, or null when an object is used */
  public String scheduleSpec() {
    return scheduleSpec;
  }

  /**
   * @return per-parameter weight decay, or null for the optimizer's decay with Hugging Face's
   *     exemptions (biases and LayerNorm)
   */
  public WeightDecayPolicy weightDecay() {
    return weightDecay;
  }

  /** @return where checkpoints go (and resume comes from), or null for none */
  public Path checkpointDir() {
    return checkpointDir;
  }

  /** @return PEFT or other model transforms, applied in order before training */
  public List<ModelTransform> transforms() {
    return transforms;
  }

  /** @return callbacks, called in order */
  public List<TrainingListener> listeners() {
    return listeners;
  }

  /** @return the model's name for the report */
  public String modelName() {
    return modelName;
  }

  /**
   * The training (and validation) loss.
   *
   * @return the chosen loss, or null for the head's default ({@link Losses#forProblem})
   */
  public Loss loss() {
    return loss;
  }

  /** @return user-supplied validation metrics, computed in order after the built-in ones */
  public List<ComputeMetrics> metrics() {
    return metrics;
  }

  /**
   * The schedule in absolute learning rates (before policy multipliers).
   *
   * @return {@code schedule.atBaseLr(learningRate)}, or the spec parsed with the base LR
   */
  public LrSchedule absoluteSchedule() {
    return schedule != null ? schedule.atBaseLr(learningRate()) : Schedules.parse(scheduleSpec, learningRate());
  }

  /**
   * The weight-decay policy in force: the given one, or the optimizer's decay with Hugging Face's
   * exemptions.
   *
   * @return the policy
   */
  public WeightDecayPolicy weightDecayPolicy() {
    return weightDecay != null ? weightDecay : WeightDecayPolicy.huggingFace(optimizer.weightDecay());
  }

  /**
   * What a resume from the checkpoint folder may find changed (see {@code
   * FineTune.resumeAllowing}).
   *
   * @return names of settings and run parts whose change the user accepts
   */
  public Set<String> resumeAllowed() {
    return resumeAllowed;
  }

  /**
   * The settings as a flat map for reports: every setting of {@link TrainingSettings} under its
   * JSON key, then the optimizer, LR policy, schedule, weight decay and transforms.
   *
   * @return setting name to printable value
   */
  public Map<String, Object> describe() {
    Map<String, Object> out = new LinkedHashMap<>();
    values.forEach((setting, value) -> out.put(setting.jsonKey(), setting.reported(value)));
    out.put("optimizer", optimizer.toString());
    out.put("lr_policy", lrPolicy.toString());
    // an object is recorded as the absolute schedule it resolves to, so the text pasted back as a
    // spec gives the same LRs (an object's own text, e.g. constant(lr=1.0), is a multiplier)
    out.put("schedule", schedule != null ? absoluteSchedule().toString() : scheduleSpec);
    out.put("weight_decay", weightDecayPolicy().toString());
    out.put("transforms", transforms.stream().map(ModelTransform::describe).toList());
    out.put("loss", loss == null ? "by problem type" : loss.describe());
    if (!metrics.isEmpty()) {
      out.put("user_metrics", metrics.size());
    }
    return out;
  }

  @Override
  public String toString() {
    return "TrainingConfig" + describe();
  }

  /**
   * A builder with the defaults above.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder initialised from this configuration.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.values.putAll(values);
    b.optimizer = optimizer;
    b.lrPolicy = lrPolicy;
    b.schedule = schedule;
    b.scheduleSpec = scheduleSpec;
    b.weightDecay = weightDecay;
    b.checkpointDir = checkpointDir;
    b.transforms = transforms;
    b.listeners = listeners;
    b.modelName = modelName;
    b.loss = loss;
    b.metrics = metrics;
    b.resumeAllowed = resumeAllowed;
    return b;
  }

  /**
   * Mutable builder of {@link TrainingConfig}; every setter returns {@code this} and checks its
   * value at once, naming the setting.
   *
   * <pre>{@code
   * TrainingConfig c = TrainingConfig.builder().learningRate(5e-5).set("epochs", "1").build();
   * }</pre>
   */
  public static final class Builder {
    private final Map<Setting<?>, Object> values = new LinkedHashMap<>();
    private OptimizerSpec optimizer = Optimizers.adamW();
    private LrPolicy lrPolicy = LrPolicies.uniform();
    private LrSchedule schedule = Schedules.warmup(0.1).thenLinearDecay();
    private String scheduleSpec;
    private WeightDecayPolicy weightDecay;
    private Path checkpointDir;
    private List<ModelTransform> transforms = List.of();
    private List<TrainingListener> listeners = List.of();
    private String modelName;
    private Loss loss;
    private List<ComputeMetrics> metrics = List.of();
    private Set<String> resumeAllowed = Set.of();

    private Builder() {
      TrainingSettings.ALL.forEach(s -> values.put(s, s.defaultValue()));
    }

    /**
     * Sets a setting of {@link TrainingSettings}.
     *
     * @param setting the setting
     * @param value its value
     * @param <T> its type
     * @return this
     * @throws IllegalArgumentException naming the setting when the value is out of range
     */
    public <T> Builder set(Setting<T> setting, T value) {
      values.put(setting, setting.check(value, setting.name()));
      return this;
    }

    /**
     * Sets a setting by any spelling of its name, from a value of its type, another number type
     * or text.
     *
     * @param name e.g. {@code maxGradNorm}, {@code max_grad_norm} or {@code --max-grad-norm}
     * @param value e.g. {@code 0.5} or {@code "0.5"}
     * @return this
     * @throws IllegalArgumentException for an unknown name (listing the known ones) or a value that
     *     does not fit (naming the setting as spelt here)
     */
    public Builder set(String name, Object value) {
      Setting<?> setting = TrainingSettings.find(name);
      values.put(setting, setting.convert(value, name));
      return this;
    }

    /** @param v epochs @return this */
    public Builder epochs(int v) {
      return set(TrainingSettings.EPOCHS, v);
    }

    /** @param v batch size @return this */
    public Builder batchSize(int v) {
      return set(TrainingSettings.BATCH_SIZE, v);
    }

    /** @param v max length in tokens @return this */
    public Builder maxLength(int v) {
      return set(TrainingSettings.MAX_LENGTH, v);
    }

    /** @param v seed @return this */
    public Builder seed(long v) {
      return set(TrainingSettings.SEED, v);
    }

    /** @param v device @return this */
    public Builder device(Device v) {
      return set(TrainingSettings.DEVICE, v);
    }

    /** @param v optimizer @return this */
    public Builder optimizer(OptimizerSpec v) {
      optimizer = Objects.requireNonNull(v, "optimizer");
      return this;
    }

    /** @param v base learning rate @return this */
    public Builder learningRate(double v) {
      return set(TrainingSettings.LEARNING_RATE, v);
    }

    /** @param v per-parameter LR multipliers @return this */
    public Builder lrPolicy(LrPolicy v) {
      lrPolicy = Objects.requireNonNull(v, "lrPolicy");
      return this;
    }

    /** @param v schedule, resolved with {@link LrSchedule#atBaseLr(double)} @return this */
    public Builder schedule(LrSchedule v) {
      schedule = Objects.requireNonNull(v, "schedule");
      scheduleSpec = null;
      return this;
    }

    /** @param v schedule spec, parsed with the base LR @return this */
    public Builder scheduleSpec(String v) {
      Schedules.parse(v, 1.0); // fail now, with the parser's message, not at fit time
      scheduleSpec = v;
      schedule = null;
      return this;
    }

    /** @param v per-parameter weight decay, null for the optimizer's with HF exemptions @return this */
    public Builder weightDecay(WeightDecayPolicy v) {
      weightDecay = v;
      return this;
    }

    /** @param v clipping threshold, 0 for none @return this */
    public Builder maxGradNorm(double v) {
      return set(TrainingSettings.MAX_GRAD_NORM, v);
    }

    /** @param v micro-batches per optimizer step @return this */
    public Builder accumulation(int v) {
      return set(TrainingSettings.ACCUMULATION, v);
    }

    /** @param v evaluate every n steps, 0 for per epoch only @return this */
    public Builder evaluateEverySteps(int v) {
      return set(TrainingSettings.EVALUATE_EVERY_STEPS, v);
    }

    /** @param v bucketing window in batches, 0 for none @return this */
    public Builder bucketing(int v) {
      return set(TrainingSettings.BUCKETING, v);
    }

    /** @param v checkpoint directory, null for none @return this */
    public Builder checkpointDir(Path v) {
      checkpointDir = v;
      return this;
    }

    /** @param v checkpoint every n steps, 0 for epoch ends only @return this */
    public Builder checkpointEverySteps(int v) {
      return set(TrainingSettings.CHECKPOINT_EVERY_STEPS, v);
    }

    /** @param v whether to draw a progress bar on a terminal @return this */
    public Builder progress(boolean v) {
      return set(TrainingSettings.PROGRESS, v);
    }

    /** @param v model transforms @return this */
    public Builder transforms(List<ModelTransform> v) {
      transforms = List.copyOf(v);
      return this;
    }

    /** @param v listeners @return this */
    public Builder listeners(List<TrainingListener> v) {
      listeners = List.copyOf(v);
      return this;
    }

    /** @param v the loss, null for the head's default @return this */
    public Builder loss(Loss v) {
      loss = v;
      return this;
    }

    /** @param v user-supplied validation metrics @return this */
    public Builder metrics(List<ComputeMetrics> v) {
      metrics = List.copyOf(v);
      return this;
    }

    /**
     * Accepts changes of these settings or run parts when the run resumes a checkpoint.
     *
     * @param v names, any spelling of a setting, or {@code schedule}, {@code optimizer}, ...
     * @return this
     * @throws IllegalArgumentException for a name that is unknown or can never change on resume
     */
    public Builder resumeAllowing(java.util.Collection<String> v) {
      resumeAllowed = RunFingerprint.checkAllowable(v);
      return this;
    }

    /** @param v model name for the report @return this */
    public Builder modelName(String v) {
      modelName = v;
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @return the immutable configuration
     */
    public TrainingConfig build() {
      return new TrainingConfig(this);
    }
  }
}
