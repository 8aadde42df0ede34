package dev.finetune.core.train;

import ai.djl.Device;
import dev.finetune.core.optim.OptimizerSpec;
import dev.finetune.core.optim.Optimizers;
import dev.finetune.schedules.LrSchedule;
import dev.finetune.schedules.Schedules;
import dev.finetune.schedules.policy.LrPolicies;
import dev.finetune.schedules.policy.LrPolicy;
import dev.finetune.schedules.policy.WeightDecayPolicy;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The immutable settings of one fine-tuning run, as {@link FineTune} collects them. Defaults:
 * AdamW (weight decay 0.01, none for biases and LayerNorm parameters), learning rate 2e-5 for every
 * parameter, linear warm-up over 10% of the steps then linear decay to 0, 3 epochs, batch 32, max
 * length 128, seed 42, gradient clipping at global norm 1.0, CPU.
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
 * TrainingConfig config = TrainingConfig.builder().epochs(2).batchSize(16).build();
 * }</pre>
 *
 * @param epochs number of passes over the training set
 * @param batchSize examples per micro-batch
 * @param maxLength truncation length in tokens
 * @param seed seeds data order, dropout and initialisation
 * @param device where tensors live
 * @param optimizer the optimizer
 * @param learningRate the base learning rate
 * @param lrPolicy per-parameter multipliers of the base learning rate
 * @param schedule the schedule as an object (resolved by {@link LrSchedule#atBaseLr(double)}), or
 *     null when a spec is used
 * @param scheduleSpec the schedule as a spec string, or null when an object is used
 * @param weightDecay per-parameter weight decay, or null for the optimizer's decay with Hugging
 *     Face's exemptions (biases and LayerNorm)
 * @param maxGradNorm global-norm clipping threshold, or 0 for none
 * @param accumulation micro-batches per optimizer step
 * @param evaluateEverySteps extra evaluations every n optimizer steps, or 0 for per-epoch only
 * @param bucketing length-bucketing window in batches, or 0 for none
 * @param checkpointDir where checkpoints go (and resume comes from), or null for none
 * @param checkpointEverySteps checkpoint every n optimizer steps (besides each epoch end), or 0
 * @param progress whether to draw a progress bar on a terminal
 * @param transforms PEFT or other model transforms, applied in order before training
 * @param listeners callbacks, called in order
 * @param modelName the model's name for the report
 */
public record TrainingConfig(
    int epochs,
    int batchSize,
    int maxLength,
    long seed,
    Device device,
    OptimizerSpec optimizer,
    double learningRate,
    LrPolicy lrPolicy,
    LrSchedule schedule,
    String scheduleSpec,
    WeightDecayPolicy weightDecay,
    double maxGradNorm,
    int accumulation,
    int evaluateEverySteps,
    int bucketing,
    Path checkpointDir,
    int checkpointEverySteps,
    boolean progress,
    List<ModelTransform> transforms,
    List<TrainingListener> listeners,
    String modelName) {

  /**
   * Validates the settings.
   *
   * @throws IllegalArgumentException naming the setting, its value and the allowed range
   */
  public TrainingConfig {
    positive("epochs", epochs);
    positive("batchSize", batchSize);
    positive("maxLength", maxLength);
    positive("accumulation", accumulation);
    if (evaluateEverySteps < 0 || bucketing < 0 || checkpointEverySteps < 0) {
      throw new IllegalArgumentException(
          "evaluateEverySteps, bucketing and checkpointEverySteps must be >= 0 (0 = off), got "
              + evaluateEverySteps + ", " + bucketing + ", " + checkpointEverySteps);
    }
    if (!(learningRate >= 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException("learningRate must be a finite number >= 0, got " + learningRate);
    }
    if (!(maxGradNorm >= 0)) {
      throw new IllegalArgumentException(
          "maxGradNorm must be >= 0 (0 = no clipping), got " + maxGradNorm);
    }
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(optimizer, "optimizer");
    Objects.requireNonNull(lrPolicy, "lrPolicy");
    if ((schedule == null) == (scheduleSpec == null)) {
      throw new IllegalArgumentException("exactly one of schedule and scheduleSpec must be set");
    }
    transforms = List.copyOf(transforms);
    listeners = List.copyOf(listeners);
    modelName = modelName == null ? "model" : modelName;
  }

  private static void positive(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be >= 1, got " + value);
    }
  }

  /**
   * The schedule in absolute learning rates (before policy multipliers).
   *
   * @return {@code schedule.atBaseLr(learningRate)}, or the spec parsed with the base LR
   */
  public LrSchedule absoluteSchedule() {
    return schedule != null ? schedule.atBaseLr(learningRate) : Schedules.parse(scheduleSpec, learningRate);
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
   * The settings as a flat map for reports.
   *
   * @return setting name to printable value
   */
  public Map<String, Object> describe() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("epochs", epochs);
    out.put("batch_size", batchSize);
    out.put("max_length", maxLength);
    out.put("seed", seed);
    out.put("optimizer", optimizer.toString());
    out.put("learning_rate", learningRate);
    out.put("lr_policy", lrPolicy.toString());
    out.put("schedule", schedule != null ? schedule.toString() : scheduleSpec);
    out.put("weight_decay", weightDecayPolicy().toString());
    out.put("max_grad_norm", maxGradNorm);
    out.put("accumulation", accumulation);
    out.put("bucketing", bucketing);
    out.put("transforms", transforms.stream().map(ModelTransform::describe).toList());
    return out;
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
    b.epochs = epochs;
    b.batchSize = batchSize;
    b.maxLength = maxLength;
    b.seed = seed;
    b.device = device;
    b.optimizer = optimizer;
    b.learningRate = learningRate;
    b.lrPolicy = lrPolicy;
    b.schedule = schedule;
    b.scheduleSpec = scheduleSpec;
    b.weightDecay = weightDecay;
    b.maxGradNorm = maxGradNorm;
    b.accumulation = accumulation;
    b.evaluateEverySteps = evaluateEverySteps;
    b.bucketing = bucketing;
    b.checkpointDir = checkpointDir;
    b.checkpointEverySteps = checkpointEverySteps;
    b.progress = progress;
    b.transforms = List.copyOf(transforms);
    b.listeners = List.copyOf(listeners);
    b.modelName = modelName;
    return b;
  }

  /**
   * Mutable builder of {@link TrainingConfig}; every setter returns {@code this}.
   *
   * <pre>{@code
   * TrainingConfig c = TrainingConfig.builder().learningRate(5e-5).epochs(1).build();
   * }</pre>
   */
  public static final class Builder {
    private int epochs = 3;
    private int batchSize = 32;
    private int maxLength = 128;
    private long seed = 42;
    private Device device = Device.cpu();
    private OptimizerSpec optimizer = Optimizers.adamW();
    private double learningRate = 2e-5;
    private LrPolicy lrPolicy = LrPolicies.uniform();
    private LrSchedule schedule = Schedules.warmup(0.1).thenLinearDecay();
    private String scheduleSpec;
    private WeightDecayPolicy weightDecay;
    private double maxGradNorm = 1.0;
    private int accumulation = 1;
    private int evaluateEverySteps;
    private int bucketing;
    private Path checkpointDir;
    private int checkpointEverySteps;
    private boolean progress = true;
    private List<ModelTransform> transforms = List.of();
    private List<TrainingListener> listeners = List.of();
    private String modelName;

    private Builder() {}

    /** @param v epochs @return this */
    public Builder epochs(int v) {
      epochs = v;
      return this;
    }

    /** @param v batch size @return this */
    public Builder batchSize(int v) {
      batchSize = v;
      return this;
    }

    /** @param v max length in tokens @return this */
    public Builder maxLength(int v) {
      maxLength = v;
      return this;
    }

    /** @param v seed @return this */
    public Builder seed(long v) {
      seed = v;
      return this;
    }

    /** @param v device @return this */
    public Builder device(Device v) {
      device = v;
      return this;
    }

    /** @param v optimizer @return this */
    public Builder optimizer(OptimizerSpec v) {
      optimizer = v;
      return this;
    }

    /** @param v base learning rate @return this */
    public Builder learningRate(double v) {
      learningRate = v;
      return this;
    }

    /** @param v per-parameter LR multipliers @return this */
    public Builder lrPolicy(LrPolicy v) {
      lrPolicy = v;
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
      maxGradNorm = v;
      return this;
    }

    /** @param v micro-batches per optimizer step @return this */
    public Builder accumulation(int v) {
      accumulation = v;
      return this;
    }

    /** @param v evaluate every n steps, 0 for per epoch only @return this */
    public Builder evaluateEverySteps(int v) {
      evaluateEverySteps = v;
      return this;
    }

    /** @param v bucketing window in batches, 0 for none @return this */
    public Builder bucketing(int v) {
      bucketing = v;
      return this;
    }

    /** @param v checkpoint directory, null for none @return this */
    public Builder checkpointDir(Path v) {
      checkpointDir = v;
      return this;
    }

    /** @param v checkpoint every n steps, 0 for epoch ends only @return this */
    public Builder checkpointEverySteps(int v) {
      checkpointEverySteps = v;
      return this;
    }

    /** @param v whether to draw a progress bar on a terminal @return this */
    public Builder progress(boolean v) {
      progress = v;
      return this;
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

    /** @param v model name for the report @return this */
    public Builder modelName(String v) {
      modelName = v;
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @return the immutable configuration
     * @throws IllegalArgumentException when a setting is out of range
     */
    public TrainingConfig build() {
      return new TrainingConfig(
          epochs, batchSize, maxLength, seed, device, optimizer, learningRate, lrPolicy, schedule,
          scheduleSpec, weightDecay, maxGradNorm, accumulation, evaluateEverySteps, bucketing,
          checkpointDir, checkpointEverySteps, progress, transforms, listeners, modelName);
    }
  }
}
