package dev.finetune.core.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.finetune.core.data.DatasetSplit;
import dev.finetune.core.data.TextDataset;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.optim.OptimizerSpec;
import dev.finetune.core.report.TrainingReport;
import dev.finetune.schedules.LrSchedule;
import dev.finetune.schedules.policy.LrPolicy;
import dev.finetune.schedules.policy.WeightDecayPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fluent entry point: one chain that reads like the experiment it runs, ending in
 * {@link #fit(TextDataset, TextDataset)}. Every setting has a default (see
 * {@link TrainingConfig}), so {@code FineTune.of(model).fit(train, validation)} alone trains with
 * AdamW 2e-5, 10% linear warm-up then linear decay, 3 epochs, batch 32, max length 128, seed 42.
 *
 * <pre>{@code
 * TrainingReport report = FineTune.of(model)
 *     .optimizer(Optimizers.adamW().weightDecay(0.01))
 *     .learningRate(2e-5, LrPolicies.layerwiseDecay(0.9))
 *     .schedule(Schedules.warmup(0.1).thenLinearDecay())
 *     .epochs(3).batchSize(32).maxLength(128).seed(42)
 *     .fit(data.train(), data.validation());
 * System.out.println(report.table());
 * }</pre>
 */
public final class FineTune {

  private static final Logger LOG = LoggerFactory.getLogger(FineTune.class);

  private final SequenceClassifier model;
  private final TrainingConfig.Builder config = TrainingConfig.builder();
  private final List<ModelTransform> transforms = new ArrayList<>();
  private final List<TrainingListener> listeners = new ArrayList<>();
  private HuggingFaceTokenizer tokenizer;

  private FineTune(SequenceClassifier model) {
    this.model = Objects.requireNonNull(model, "model");
  }

  /**
   * Starts a chain on a model.
   *
   * @param model the classifier to fine-tune (it is changed in place)
   * @return the chain
   */
  public static FineTune of(SequenceClassifier model) {
    return new FineTune(model);
  }

  /**
   * Applies parameter-efficient methods (or any model transform) before training, in order.
   *
   * @param methods the transforms
   * @return this
   */
  public FineTune peft(ModelTransform... methods) {
    transforms.addAll(Arrays.asList(methods));
    return this;
  }

  /**
   * Sets the optimizer (default AdamW, weight decay 0.01).
   *
   * @param spec e.g. {@code Optimizers.sgd().momentum(0.9).nesterov(true)}
   * @return this
   */
  public FineTune optimizer(OptimizerSpec spec) {
    config.optimizer(spec);
    return this;
  }

  /**
   * Sets one learning rate for every parameter (default 2e-5).
   *
   * @param lr the base learning rate
   * @return this
   */
  public FineTune learningRate(double lr) {
    config.learningRate(lr);
    return this;
  }

  /**
   * Sets the base learning rate and per-parameter-group multipliers.
   *
   * @param lr the base learning rate
   * @param policy e.g. {@code LrPolicies.layerwiseDecay(0.9)} or {@code LrPolicies.discriminative()}
   * @return this
   */
  public FineTune learningRate(double lr, LrPolicy policy) {
    config.learningRate(lr).lrPolicy(policy);
    return this;
  }

  /**
   * Sets the schedule as a multiplier of the base learning rate.
   *
   * @param schedule e.g. {@code Schedules.warmup(0.1).thenLinearDecay()}
   * @return this
   */
  public FineTune schedule(LrSchedule schedule) {
    config.schedule(schedule);
    return this;
  }

  /**
   * Sets the schedule from a spec with PyTorch's or Hugging Face's names, parsed with the base
   * learning rate where the reference takes it from the optimizer.
   *
   * @param spec e.g. {@code "OneCycleLR(max_lr=1e-4,pct_start=0.1)"}
   * @return this
   * @throws IllegalArgumentException when the spec does not parse
   */
  public FineTune schedule(String spec) {
    config.scheduleSpec(spec);
    return this;
  }

  /**
   * Sets per-parameter weight decay (default: the optimizer's decay, none for biases and
   * LayerNorm parameters, as Hugging Face does).
   *
   * @param policy e.g. {@code WeightDecayPolicy.huggingFace(0.01).withNoDecay(ParameterSelector.embeddings())}
   * @return this
   */
  public FineTune weightDecay(WeightDecayPolicy policy) {
    config.weightDecay(policy);
    return this;
  }

  /**
   * Adds callbacks, called in the order given.
   *
   * @param callbacks the listeners
   * @return this
   */
  public FineTune callbacks(TrainingListener... callbacks) {
    listeners.addAll(Arrays.asList(callbacks));
    return this;
  }

  /** @param epochs passes over the training set (default 3) @return this */
  public FineTune epochs(int epochs) {
    config.epochs(epochs);
    return this;
  }

  /** @param batchSize examples per batch (default 32) @return this */
  public FineTune batchSize(int batchSize) {
    config.batchSize(batchSize);
    return this;
  }

  /** @param maxLength truncation length in tokens (default 128) @return this */
  public FineTune maxLength(int maxLength) {
    config.maxLength(maxLength);
    return this;
  }

  /** @param seed data order, dropout and initialisation seed (default 42) @return this */
  public FineTune seed(long seed) {
    config.seed(seed);
    return this;
  }

  /**
   * Sets the device; a GPU request falls back to the CPU with a warning when there is none. The
   * model must already live on the chosen device.
   *
   * @param device e.g. {@code Device.gpu()}
   * @return this
   */
  public FineTune device(Device device) {
    Device chosen = device;
    if (device.isGpu() && Engine.getInstance().getGpuCount() == 0) {
      LOG.warn("{} requested but no GPU is visible to the engine; training on the CPU", device);
      chosen = Device.cpu();
    }
    config.device(chosen);
    return this;
  }

  /** @param maxNorm clip gradients to this global norm, 0 for none (default 1.0) @return this */
  public FineTune gradientClipping(double maxNorm) {
    config.maxGradNorm(maxNorm);
    return this;
  }

  /** @param batches micro-batches accumulated per optimizer step (default 1) @return this */
  public FineTune accumulateGradients(int batches) {
    config.accumulation(batches);
    return this;
  }

  /** @param steps also evaluate every n optimizer steps (default: once per epoch) @return this */
  public FineTune evaluateEvery(int steps) {
    config.evaluateEverySteps(steps);
    return this;
  }

  /** @param windowBatches sort by length within windows of this many batches, 0 off @return this */
  public FineTune lengthBucketing(int windowBatches) {
    config.bucketing(windowBatches);
    return this;
  }

  /**
   * Keeps a resume checkpoint in a directory, saved at each epoch end (and every n steps when
   * given); a run started with the same directory resumes where the last one stopped. Restored:
   * every weight and trainable flag, the optimizer state, the position (epoch, batch, step; hence
   * data order, dropout and the schedule), the latest metrics, the report so far, and the state of
   * callbacks that implement {@link StatefulListener} (the SWA and EMA averages, EarlyStopping's
   * patience, BestCheckpoint's best value, a Freezing in force), so the resumed run ends as an uninterrupted one would.
   * Resume with the same model, PEFT setup, seed, optimizer and stateful callbacks; a mismatch
   * fails with an error saying what differs.
   *
   * @param directory the checkpoint directory
   * @param everySteps also save every n optimizer steps, 0 for epoch ends only
   * @return this
   */
  public FineTune checkpoints(Path directory, int everySteps) {
    config.checkpointDir(directory).checkpointEverySteps(everySteps);
    return this;
  }

  /** @param show whether to draw a progress bar when on a terminal (default true) @return this */
  public FineTune progressBar(boolean show) {
    config.progress(show);
    return this;
  }

  /**
   * Tokenizes with this tokenizer instead of the model's own (needed for a model that has none,
   * such as a randomly initialised one). Padding and truncation are done per batch regardless of
   * the tokenizer's own settings.
   *
   * @param tokenizer the tokenizer
   * @return this
   */
  public FineTune tokenizer(HuggingFaceTokenizer tokenizer) {
    this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
    return this;
  }

  /** @param name the model's name in the report @return this */
  public FineTune name(String name) {
    config.modelName(name);
    return this;
  }

  /**
   * The configuration this chain describes so far.
   *
   * @return an immutable snapshot
   */
  public TrainingConfig config() {
    return config.transforms(transforms).listeners(listeners).build();
  }

  /**
   * Trains on a split's train part, evaluating on its validation part every epoch.
   *
   * @param split the data
   * @return the report
   */
  public TrainingReport fit(DatasetSplit split) {
    return fit(split.train(), split.validation());
  }

  /**
   * Applies the PEFT transforms, then trains, evaluating on the validation set after every epoch.
   *
   * @param train the training set
   * @param validation the validation set, or null to skip evaluation
   * @return the report, one row per epoch
   * @throws IllegalArgumentException when the data does not fit the model (labels, emptiness)
   */
  public TrainingReport fit(TextDataset train, TextDataset validation) {
    TrainingConfig settings = config();
    if (tokenizer == null && !model.hasTokenizer()) {
      throw new IllegalArgumentException("the model has no tokenizer (it was not loaded from a"
          + " directory with tokenizer.json); pass one with .tokenizer(Tokenizers.open(path, maxLength))");
    }
    checkData(train, "train");
    if (validation != null) {
      checkData(validation, "validation");
    }
    for (ModelTransform transform : settings.transforms()) {
      model.apply(transform);
    }
    return new TrainingRun(model, settings, tokenizer != null ? tokenizer : model.tokenizer(),
        train, validation).run();
  }

  private void checkData(TextDataset data, String role) {
    Objects.requireNonNull(data, role);
    if (data.isEmpty()) {
      throw new IllegalArgumentException("the " + role + " set '" + data.name() + "' is empty");
    }
    int labels = model.numLabels();
    if (data.isRegression() != (labels == 1)) {
      throw new IllegalArgumentException("the " + role + " set '" + data.name() + "' is "
          + (data.isRegression() ? "a regression set" : "a classification set with "
              + data.numLabels() + " labels")
          + " but the model has " + labels + " output(s); use forSequenceClassification("
          + (data.isRegression() ? "1" : data.numLabels()) + ")");
    }
    if (!data.isRegression() && data.numLabels() > labels) {
      throw new IllegalArgumentException("the " + role + " set '" + data.name() + "' has "
          + data.numLabels() + " labels " + data.labelNames() + " but the model's head has "
          + labels + " outputs; use forSequenceClassification(" + data.numLabels() + ")");
    }
  }
}
