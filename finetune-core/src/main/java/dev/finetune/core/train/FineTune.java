package dev.finetune.core.train;

import ai.djl.Device;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.finetune.core.data.DatasetSplit;
import dev.finetune.core.data.TaskData;
import dev.finetune.core.data.TextDataset;
import dev.finetune.core.data.tokens.TokenDataset;
import dev.finetune.core.data.tokens.TokenSplit;
import dev.finetune.core.metrics.ComputeMetrics;
import dev.finetune.core.model.ProblemType;
import dev.finetune.core.model.Devices;
import dev.finetune.core.model.Precision;
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

/**
 * The fluent entry point: one chain that reads like the experiment it runs, ending in
 * {@link #fit(TextDataset, TextDataset)}. Every setting has a default (see
 * {@link TrainingConfig}), so {@code FineTune.of(model).fit(train, validation)} alone trains with
 * AdamW 2e-5, 10% linear warm-up then linear decay, 3 epochs, batch 32, max length 128, seed 42.
 * Each scalar setting of {@link TrainingSettings} can also be set by name with
 * {@link #set(String, Object)}; the chain methods keep their readable names where these differ
 * from the setting's ({@code gradientClipping} sets {@code maxGradNorm}, {@code
 * accumulateGradients} {@code accumulation}, {@code evaluateEvery} {@code evaluateEverySteps},
 * {@code lengthBucketing} {@code bucketing}, {@code progressBar} {@code progress}).
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

  private final SequenceClassifier model;
  private final TrainingConfig.Builder config = TrainingConfig.builder();
  private final List<ModelTransform> transforms = new ArrayList<>();
  private final List<TrainingListener> listeners = new ArrayList<>();
  private final List<ComputeMetrics> metrics = new ArrayList<>();
  private HuggingFaceTokenizer tokenizer;
  private LrFinder sweep = LrFinder.defaults();

  private FineTune(SequenceClassifier model) {
    this.model = Objects.requireNonNull(model, "model");
    config.device(model.device());
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
   * Sets the schedule, with PyTorch's rule: a relative schedule (warm-up, linear, cosine,
   * constant, step, ...) scales the base learning rate, while the LRs a schedule carries
   * ({@code OneCycleLR}'s {@code max_lr}, {@code CyclicLR}'s bounds, {@code SWALR}'s
   * {@code swa_lr}) stay as they are: the same values as the spec form.
   *
   * @param schedule e.g. {@code Schedules.warmup(0.1).thenLinearDecay()} (peak = the base LR) or
   *     {@code Schedules.oneCycle(1e-4)} (peak 1e-4)
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

  /**
   * Sets the loss (default by the head's problem type: cross-entropy, binary cross-entropy with
   * logits, or MSE); it also gives the validation loss.
   *
   * @param loss e.g. {@code Losses.crossEntropy().inverseFrequencyWeights().labelSmoothing(0.1)},
   *     {@code Losses.huber(1.0)}, or a lambda on the logits and labels
   * @return this
   */
  public FineTune loss(Loss loss) {
    config.loss(Objects.requireNonNull(loss, "loss"));
    return this;
  }

  /**
   * Adds user-supplied validation metrics (Hugging Face's {@code compute_metrics}), computed on
   * every evaluation's logits and labels; their results join the report and can be monitored by
   * name by {@code EarlyStopping} and {@code BestCheckpoint}.
   *
   * @param computeMetrics the metrics
   * @return this
   */
  public FineTune metrics(ComputeMetrics... computeMetrics) {
    metrics.addAll(Arrays.asList(computeMetrics));
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
   * Sets the device to train on. The model is trained where it lives, so this must be the model's
   * device (the chain starts with it): create the model on the device you want with {@code
   * Encoders.loader().device(...)} or {@code encoder.classifier().device(...)}. A GPU request
   * resolves as {@link Devices#resolve(Device)} does: to the CPU, with one warning per process,
   * when the engine sees no GPU.
   *
   * @param device e.g. {@code Device.gpu()} or {@code Devices.parse("cuda:1")}
   * @return this
   * @throws IllegalArgumentException naming both devices when the model lives on another one
   */
  public FineTune device(Device device) {
    Device chosen = Devices.resolve(device);
    if (!chosen.equals(model.device())) {
      throw new IllegalArgumentException("device " + chosen + (chosen.equals(device) ? "" : " (for "
          + device + ")") + " differs from the model's device " + model.device() + "; a model is"
          + " trained where it lives: create it on " + chosen + " with Encoders.loader().device(...)"
          + " or encoder.classifier().device(...), or leave the chain's device unset");
    }
    config.device(chosen);
    return this;
  }

  /**
   * Sets the precision of the matrix products ({@link TrainingSettings#PRECISION}): {@code BF16}
   * runs them in bfloat16, {@code FP16} in float16 with dynamic loss scaling; master weights,
   * optimizer state and saved models stay float32 either way; see {@link Precision}.
   *
   * <pre>{@code
   * FineTune.of(model, tokenizer).precision(Precision.BF16).fit(split);   // or set("precision", "bf16")
   * }</pre>
   *
   * @param precision the precision
   * @return this
   */
  public FineTune precision(Precision precision) {
    return set(TrainingSettings.PRECISION, precision);
  }

  /**
   * Sets any setting of {@link TrainingSettings} by name, for JShell, grid files and command lines.
   *
   * <pre>{@code
   * FineTune.of(model).set("max_grad_norm", 0.5).set("--epochs", "2").set("device", "cpu");
   * }</pre>
   *
   * @param name any spelling: {@code maxGradNorm}, {@code max_grad_norm}, {@code --max-grad-norm}
   * @param value a value of the setting's type, another number type, or text
   * @return this
   * @throws IllegalArgumentException for an unknown name (listing the known ones) or a value that
   *     does not fit (naming the setting as spelt here)
   */
  public FineTune set(String name, Object value) {
    return setChecked(TrainingSettings.find(name), value, name);
  }

  /**
   * Sets a setting of {@link TrainingSettings}.
   *
   * @param setting e.g. {@code TrainingSettings.MAX_GRAD_NORM}
   * @param value its value
   * @param <T> its type
   * @return this
   * @throws IllegalArgumentException naming the setting when the value is out of range
   */
  public <T> FineTune set(Setting<T> setting, T value) {
    return setChecked(setting, value, setting.name());
  }

  private <T> FineTune setChecked(Setting<T> setting, Object value, String as) {
    T v = setting.convert(value, as);
    if (setting == TrainingSettings.DEVICE) {
      return device((Device) v);
    }
    config.set(setting, v);
    return this;
  }

  /**
   * Sets the setting {@code maxGradNorm}.
   *
   * @param maxNorm clip gradients to this global norm, 0 for none (default 1.0)
   * @return this
   */
  public FineTune gradientClipping(double maxNorm) {
    config.maxGradNorm(maxNorm);
    return this;
  }

  /**
   * Sets the setting {@code accumulation}.
   *
   * @param batches micro-batches accumulated per optimizer step (default 1)
   * @return this
   */
  public FineTune accumulateGradients(int batches) {
    config.accumulation(batches);
    return this;
  }

  /**
   * Sets the setting {@code evaluateEverySteps}.
   *
   * @param steps also evaluate every n optimizer steps (default: once per epoch)
   * @return this
   */
  public FineTune evaluateEvery(int steps) {
    config.evaluateEverySteps(steps);
    return this;
  }

  /**
   * Sets the setting {@code bucketing}.
   *
   * @param windowBatches sort by length within windows of this many batches, 0 off
   * @return this
   */
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

  /**
   * Accepts, when this run resumes a checkpoint, a change of these settings or parts of the run.
   * Without it, a resume whose settings, methods, model or data differ from the checkpoint's fails
   * before the first step, naming each difference ({@code learningRate: checkpoint 5e-05, now
   * 1e-04}). Only changes that keep the saved weights, optimizer state and position meaningful
   * can be allowed: more or fewer epochs (the schedule is recomputed over the new length from the
   * saved step on: a new schedule), the learning rate, schedule, LR and weight-decay policies,
   * optimizer hyperparameters, clipping, lengths, the loss, device, evaluation settings and the
   * validation data. Batch size, accumulation, bucketing, seed, methods, head, model, base weights
   * and the training data can never change (the checkpoint's position and weights would mean
   * something else).
   *
   * <pre>{@code
   * FineTune.of(model).epochs(5).checkpoints(dir, 0).resumeAllowing("epochs").fit(train, dev);
   * }</pre>
   *
   * @param names setting names in any spelling, or {@code optimizer}, {@code lrPolicy}, {@code
   *     schedule}, {@code weightDecay}, {@code loss}, {@code validationData}
   * @return this
   * @throws IllegalArgumentException for a name that is unknown or can never change, listing the
   *     allowable ones
   */
  public FineTune resumeAllowing(String... names) {
    config.resumeAllowing(Arrays.asList(names));
    return this;
  }

  /**
   * The names {@link #resumeAllowing} accepts: the settings whose rule is {@link
   * Setting.OnResume#ALLOWABLE}, then the allowable parts of a run that are not settings.
   *
   * @return the names, e.g. {@code [epochs, maxLength, learningRate, ..., schedule, ...]}
   */
  public static List<String> resumeAllowable() {
    return RunFingerprint.allowable();
  }

  /**
   * Sets the setting {@code progress}.
   *
   * @param show whether to draw a progress bar when on a terminal (default true)
   * @return this
   */
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
    return config.transforms(transforms).listeners(listeners).metrics(metrics).build();
  }

  /**
   * Runs the LR range test with the default sweep ({@link LrFinder#defaults()}: 1e-7 to 10 over
   * 100 steps) on the training set, with this chain's settings; the model's weights and trainable
   * flags are restored afterwards.
   *
   * <pre>{@code
   * LrFinderResult r = FineTune.of(model).batchSize(16).findLearningRate(data.train());
   * FineTune.of(model).learningRate(r.valley()).fit(data);
   * }</pre>
   *
   * @param train the training set
   * @return the losses and both suggestions
   */
  public LrFinderResult findLearningRate(TextDataset train) {
    return findLearningRate(train, LrFinder.defaults());
  }

  /**
   * Runs the LR range test with this chain's settings: the chain's PEFT methods are installed as
   * {@link #fit} would install them (fit does not install them again), every weight and trainable
   * flag is copied, the sweep trains, and the copies are put back, so the model is left as before.
   *
   * @param train the training set
   * @param finder the sweep: range, steps, smoothing, divergence
   * @return the losses and both suggestions
   * @throws IllegalArgumentException when the data does not fit the model, or the sweep had fewer
   *     than 2 finite losses
   */
  public LrFinderResult findLearningRate(TextDataset train, LrFinder finder) {
    Objects.requireNonNull(finder, "finder");
    TrainingConfig settings = config();
    HuggingFaceTokenizer chosen = checkTokenizer();
    checkData(train, "train");
    installTransforms(settings);
    return finder.run(model, settings, chosen, train);
  }

  /**
   * Sets the sweep that {@link #fit} runs when the setting {@code lrFinder} is {@code valley} or
   * {@code steepest} (default {@link LrFinder#defaults()}).
   *
   * <pre>{@code
   * FineTune.of(model).lrFinder(LrFinder.builder().steps(200).build()).set("lr_finder", "valley");
   * }</pre>
   *
   * @param finder the sweep
   * @return this
   */
  public FineTune lrFinder(LrFinder finder) {
    sweep = Objects.requireNonNull(finder, "finder");
    return this;
  }

  private HuggingFaceTokenizer checkTokenizer() {
    if (tokenizer == null && !model.hasTokenizer()) {
      throw new IllegalArgumentException("the model has no tokenizer (it was not loaded from a"
          + " directory with tokenizer.json); pass one with .tokenizer(Tokenizers.open(path, maxLength))");
    }
    return tokenizer != null ? tokenizer : model.tokenizer();
  }

  /** Installs the chain's transforms that this chain has not installed on the model yet. */
  private void installTransforms(TrainingConfig settings) {
    for (ModelTransform transform : settings.transforms()) {
      if (model.appliedMethods().stream().noneMatch(applied -> applied == transform)) {
        model.apply(transform);
      }
    }
  }

  /**
   * Trains on a split's train part, evaluating on its validation part every epoch.
   *
   * @param split the data
   * @return the report
   */
  public TrainingReport fit(DatasetSplit split) {
    return fit(split.train(), split.validation(), split.testSet().orElse(null));
  }

  /**
   * Trains on a task's data of either kind ({@code Tasks.find(name).load(dir)}): a
   * {@link DatasetSplit} as {@link #fit(DatasetSplit)}, a {@link TokenSplit} as
   * {@link #fit(TokenSplit)}.
   *
   * <pre>{@code
   * TaskData data = Tasks.find("conll2003").load(dir);
   * FineTune.of(task.head(encoder, data).build()).fit(data);
   * }</pre>
   *
   * @param data the data
   * @return the report
   * @throws IllegalArgumentException for a kind of data this loop does not know
   */
  public TrainingReport fit(TaskData data) {
    if (data instanceof DatasetSplit split) {
      return fit(split);
    }
    if (data instanceof TokenSplit split) {
      return fit(split);
    }
    throw new IllegalArgumentException("FineTune trains a DatasetSplit (texts) or a TokenSplit"
        + " (tagged words), not a " + data.getClass().getName());
  }

  /**
   * Trains a token-classification model on a split's train part, evaluating on its validation
   * part every epoch (entity F1 on words) and, when the split has one, scoring its test part once
   * at the end (the report's {@value TrainingReport#TEST_ROW} row).
   *
   * <pre>{@code
   * try (SequenceClassifier ner = encoder.classifier().tokenClassification(Conll2003.TAGS.size()).build()) {
   *   TrainingReport r = FineTune.of(ner).learningRate(5e-5).epochs(3).fit(Conll2003.load());
   * }
   * }</pre>
   *
   * @param split the data
   * @return the report
   */
  public TrainingReport fit(TokenSplit split) {
    return fit(split.train(), split.validation(), split.testSet().orElse(null));
  }

  /**
   * Trains a token-classification model (a head built with
   * {@code classifier().tokenClassification(n)}) through the same loop as text: the words are
   * aligned to sub-words once (first sub-word labelled, the rest ignored by the loss; long
   * sentences truncated and counted, or cut into windows with the {@code stride} setting), the
   * loss is cross-entropy over the labelled tokens, and evaluation maps the predicted tags back to
   * words and reports entity {@code f1} (the main metric), {@code precision}, {@code recall},
   * word {@code accuracy} and {@code f1_<TYPE>} per entity type. The model's tags are named after
   * the data's tag set when it still has the default names.
   *
   * @param train the training sentences
   * @param validation the validation sentences, or null to skip evaluation
   * @param test a test set scored once after the last epoch, or null
   * @return the report
   * @throws IllegalArgumentException when the model has no token head or another number of tags
   */
  public TrainingReport fit(TokenDataset train, TokenDataset validation, TokenDataset test) {
    TrainingConfig settings = config();
    HuggingFaceTokenizer chosen = checkTokenizer();
    checkTokens(train, "train");
    if (validation != null) {
      checkTokens(validation, "validation");
    }
    if (test != null) {
      checkTokens(test, "test");
    }
    if (!settings.metrics().isEmpty()) {
      throw new IllegalArgumentException("FineTune.metrics(...) computes metrics of text heads;"
          + " a token-classification run reports entity precision, recall, F1 (micro and per"
          + " type) and accuracy by itself: remove the metrics(...) call");
    }
    if (settings.get(TrainingSettings.LR_FINDER) != LrFinder.Rule.OFF) {
      throw new IllegalArgumentException("lr_finder runs on text data only; set lr_finder off and"
          + " give the learning rate for a token-classification run");
    }
    if (model.hasDefaultLabelNames()) {
      model.labelNames(train.tags().names());
    }
    installTransforms(settings);
    return new TrainingRun(model, settings, TokenData.training(train, chosen, settings, model),
        validation == null ? null : TokenData.evaluation(validation, chosen, settings, model),
        test == null ? null : TokenData.evaluation(test, chosen, settings, model),
        settings.optimizer()::create).run();
  }

  private void checkTokens(TokenDataset data, String role) {
    Objects.requireNonNull(data, role);
    if (data.size() == 0) {
      throw new IllegalArgumentException("the " + role + " set '" + data.name() + "' is empty");
    }
    if (!model.problemType().perToken()) {
      throw new IllegalArgumentException("the " + role + " set '" + data.name() + "' is token"
          + " data (one tag per word) but the model's head is " + model.problemType()
          + "; build it with encoder.classifier().tokenClassification(" + data.tags().size() + ")");
    }
    if (data.tags().size() != model.numLabels()) {
      throw new IllegalArgumentException("the " + role + " set '" + data.name() + "' has "
          + data.tags().size() + " tags " + data.tags().names() + " but the model's token head has "
          + model.numLabels() + " outputs; use classifier().tokenClassification("
          + data.tags().size() + ")");
    }
    if (!model.hasDefaultLabelNames() && !model.labelNames().equals(data.tags().names())) {
      throw new IllegalArgumentException("the " + role + " set '" + data.name() + "' has the tags "
          + data.tags().names() + " but the model's tags are " + model.labelNames()
          + "; read the data with the model's TagSet (reader option tagSet)");
    }
  }

  /**
   * Names the model's classes after the training set's labels (when it still has the default
   * {@code LABEL_i} names), applies the PEFT transforms, then trains, evaluating on the validation
   * set after every epoch.
   *
   * @param train the training set
   * @param validation the validation set, or null to skip evaluation
   * @return the report, one row per epoch
   * @throws IllegalArgumentException when the data does not fit the model (labels, emptiness)
   */
  public TrainingReport fit(TextDataset train, TextDataset validation) {
    return fit(train, validation, null);
  }

  /**
   * As {@link #fit(TextDataset, TextDataset)}, then scores {@code test} once after the last epoch
   * with the weights the model holds when the fit ends: the report's {@value
   * TrainingReport#TEST_ROW} row ({@link TrainingReport#test()}). Those are the final weights, or
   * the best epoch's when a {@code BestCheckpoint.restoreAtEnd()} callback put them back (Hugging
   * Face's {@code load_best_model_at_end}), or SWA's or EMA's average; the row's epoch and the
   * setting {@value TrainingReport#TEST_WEIGHTS} ({@code best (epoch 2)}) say which.
   *
   * @param train the training set
   * @param validation the validation set, or null to skip evaluation
   * @param test the test set, or null
   * @return the report
   */
  public TrainingReport fit(TextDataset train, TextDataset validation, TextDataset test) {
    TrainingConfig settings = config();
    HuggingFaceTokenizer chosen = checkTokenizer();
    checkData(train, "train");
    if (validation != null) {
      checkData(validation, "validation");
    }
    if (test != null) {
      checkData(test, "test");
    }
    if (!train.isRegression() && model.hasDefaultLabelNames()
        && train.numLabels() == model.numLabels()) {
      model.labelNames(train.labelNames());
    }
    installTransforms(settings);
    LrFinder.Rule rule = settings.get(TrainingSettings.LR_FINDER);
    if (rule != LrFinder.Rule.OFF) {
      double lr = sweep.run(model, settings, chosen, train).suggestion(rule);
      settings = settings.toBuilder().learningRate(lr).build();
    }
    return new TrainingRun(model, settings, TextData.training(train, chosen, settings, model),
        validation == null ? null : TextData.evaluation(validation, chosen, settings, model),
        test == null ? null : TextData.evaluation(test, chosen, settings, model),
        settings.optimizer()::create).run();
  }

  private void checkData(TextDataset data, String role) {
    Objects.requireNonNull(data, role);
    if (data.isEmpty()) {
      throw new IllegalArgumentException("the " + role + " set '" + data.name() + "' is empty");
    }
    if (model.problemType().perToken()) {
      throw new IllegalArgumentException("the " + role + " set '" + data.name() + "' is text data"
          + " but the model has a token-classification head; train it on a TokenDataset"
          + " (fit(TokenSplit) or fit(train, validation, test) with TokenDatasets)");
    }
    int labels = model.numLabels();
    boolean multiLabelModel = model.problemType() == ProblemType.MULTI_LABEL_CLASSIFICATION;
    if (data.isMultiLabel() != multiLabelModel) {
      throw new IllegalArgumentException("the " + role + " set '" + data.name() + "' is "
          + (data.isMultiLabel() ? "multi-label" : "not multi-label") + " but the model's head is "
          + model.problemType() + "; use " + (data.isMultiLabel()
              ? "encoder.classifier().multiLabel(" + data.numLabels() + ")"
              : data.isRegression() ? "encoder.classifier().regression()"
              : "forSequenceClassification(" + data.numLabels() + ")"));
    }
    if (multiLabelModel) {
      if (data.numLabels() != labels) {
        throw new IllegalArgumentException("the " + role + " set '" + data.name() + "' has "
            + data.numLabels() + " labels but the model's multi-label head has " + labels
            + " outputs; use encoder.classifier().multiLabel(" + data.numLabels() + ")");
      }
      return;
    }
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
