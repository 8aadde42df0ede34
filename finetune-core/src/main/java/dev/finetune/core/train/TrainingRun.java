package dev.finetune.core.train;

import ai.djl.engine.Engine;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.finetune.core.data.EncodedBatch;
import dev.finetune.core.data.TextDataset;
import dev.finetune.core.metrics.MetricAccumulator;
import dev.finetune.core.metrics.MultiLabelMetrics;
import dev.finetune.core.model.Precision;
import dev.finetune.core.model.ProblemType;
import dev.finetune.core.model.Scalars;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.model.TrainingPass;
import dev.finetune.core.optim.GradientClipping;
import dev.finetune.core.optim.LossScaler;
import dev.finetune.core.optim.NoGradScope;
import dev.finetune.core.optim.Optimizer;
import dev.finetune.core.optim.ParameterUpdate;
import dev.finetune.core.params.ModelParameter;
import dev.finetune.core.params.ModelParameters;
import dev.finetune.core.report.EpochRecord;
import dev.finetune.core.report.EvaluationRecord;
import dev.finetune.core.report.MemoryProbe;
import dev.finetune.core.report.TrainingReport;
import dev.finetune.schedules.LrSchedule;
import dev.finetune.schedules.policy.WeightDecayPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One fit: the training loop on DJL primitives, for text and token data alike ({@link RunData}:
 * {@link TextData}, {@link TokenData}). Each batch lives in its own sub-manager (its
 * gradients' handles and temporaries too) and is closed at the end of its step; only trainable
 * parameters require gradients; dropout is seeded from (seed, step). Each step passes the
 * schedule's learning rate (times the parameter's policy multiplier) and, when the schedule cycles
 * one ({@code OneCycleLR}, {@code CyclicLR}), its momentum to the optimizer (SGD momentum, Adam's
 * beta1).
 *
 * <p>With a checkpoint directory, {@link Checkpoints} saves the weights, trainable flags, optimizer
 * state, position, latest metrics, report and every {@link StatefulListener}'s state at epoch ends
 * (and every n steps), and after a step at whose end a listener requested a stop (before the
 * epoch row the stopped run then writes, so a run started again continues mid-epoch from there, as the
 * scheme search's promoted trials do); a run started on the same directory restores all of it
 * before the listeners' {@code onFitStart}, so a resumed run repeats the uninterrupted one exactly.
 *
 * <p>The {@code precision} setting sets the forward's {@link Precision}; with fp16 the loss is
 * multiplied by the {@link LossScaler}'s scale before backward, the float32 gradients divided by it
 * before clipping, and a step with an infinite or NaN gradient skipped (the scaler backs off).
 */
final class TrainingRun implements TrainingContext {

  private static final Logger LOG = LoggerFactory.getLogger(TrainingRun.class);

  private final SequenceClassifier model;
  private final TrainingConfig config;
  private final RunData train;
  private final RunData validation;
  private final RunData test;
  private final ModelParameters parameters;
  private final int numLayers;
  private final LrSchedule schedule;
  private final List<TrainingListener> listeners;
  private final Map<String, Double> policyMultipliers = new HashMap<>();
  private final Map<String, Double> weightDecays = new HashMap<>();
  private final WeightDecayPolicy weightDecayPolicy;
  private final TrainingReport.Builder report;
  private final ProgressBar progress;
  private final Loss loss;
  private final Precision precision;
  /** fp16's dynamic loss scaling; null in the other precisions. */
  private final LossScaler lossScaler;

  private NDManager runManager;
  private Optimizer optimizer;
  private LrSchedule override;
  private boolean resumed;
  private Set<String> trainableAtStart = Set.of();
  private int epoch;
  private int nextBatch;
  private long globalStep;
  private final long stepsPerEpoch;
  private final long totalSteps;
  private final int batchesPerEpoch;
  private Map<String, Double> latestMetrics = Map.of();
  /** The epoch's training loss so far: sum of per-step mean loss times examples, and examples. */
  private double epochLossSum;
  private long epochExamples;
  private String stopReason;
  /** The last evaluation row a callback added since the fit's end began (see scoreTest). */
  private EvaluationRecord addedAtEnd;
  private final Checkpoints checkpoints;
  /** What the run is, for its checkpoints; taken before a checkpoint is restored. */
  private RunFingerprint fingerprint;
  private final Function<NDManager, Optimizer> optimizerFactory;

  TrainingRun(SequenceClassifier model, TrainingConfig config, HuggingFaceTokenizer tokenizer,
      TextDataset train, TextDataset validation) {
    this(model, config, tokenizer, train, validation, config.optimizer()::create);
  }

  /** As above, with the optimizer built by {@code optimizerFactory} (tests observe it so). */
  TrainingRun(SequenceClassifier model, TrainingConfig config, HuggingFaceTokenizer tokenizer,
      TextDataset train, TextDataset validation, Function<NDManager, Optimizer> optimizerFactory) {
    this(model, config, TextData.training(train, tokenizer, config, model),
        validation == null ? null : TextData.evaluation(validation, tokenizer, config, model),
        null, optimizerFactory);
  }

  /**
   * A run over any kind of data; {@code test}, when given, is scored once after the last epoch
   * with the weights the model holds then (the final ones, or the ones a callback put back) and
   * reported as the extra row {@value TrainingReport#TEST_ROW}.
   */
  TrainingRun(SequenceClassifier model, TrainingConfig config, RunData train, RunData validation,
      RunData test, Function<NDManager, Optimizer> optimizerFactory) {
    this.optimizerFactory = optimizerFactory;
    this.model = model;
    this.config = config;
    this.train = train;
    this.validation = validation;
    this.test = test;
    this.parameters = model.parameters();
    this.numLayers = model.config().distinctLayers();
    this.schedule = config.absoluteSchedule();
    this.weightDecayPolicy = config.weightDecayPolicy();
    this.listeners = config.listeners();
    this.precision = config.get(TrainingSettings.PRECISION);
    this.lossScaler = precision.scalesLoss() ? LossScaler.torchDefaults() : null;
    this.loss = train.prepare(
        config.loss() != null ? config.loss() : Losses.forProblem(model.problemType()));
    this.batchesPerEpoch = train.batchesPerEpoch();
    this.stepsPerEpoch = (batchesPerEpoch + config.accumulation() - 1) / config.accumulation();
    this.totalSteps = stepsPerEpoch * config.epochs();
    checkScheduleFits(schedule, totalSteps);
    this.report =
        TrainingReport.builder()
            .model(config.modelName())
            .method(describeMethod(config))
            .device(dev.finetune.core.model.Devices.name(model.device()))
            .seed(config.seed());
    config.describe().forEach(report::setting);
    this.progress = new ProgressBar(config.progress(), config.epochs(), stepsPerEpoch);
    this.checkpoints = config.checkpointDir() == null ? null : new Checkpoints(config.checkpointDir());
  }

  /**
   * Asks the schedule for its first LR now, so a schedule that cannot run this many steps (e.g.
   * OneCycleLR whose warm-up would be under one step) fails before training starts, with the
   * step count in the message.
   */
  private static void checkScheduleFits(LrSchedule schedule, long totalSteps) {
    try {
      schedule.lr(0, totalSteps);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new IllegalArgumentException("the LR schedule " + schedule + " cannot run this fit's "
          + totalSteps + " optimizer steps: " + e.getMessage()
          + ". Train for more steps (epochs, data, smaller batch) or choose another schedule", e);
    }
  }

  private static String describeMethod(TrainingConfig config) {
    if (config.transforms().isEmpty()) {
      return "full";
    }
    return String.join("+", config.transforms().stream().map(ModelTransform::describe).toList());
  }

  TrainingReport run() {
    AllocatorAdvice.logOnce(model.device());
    try (Checkpoints.Lock lock = checkpoints == null ? null : checkpoints.open();
        NDManager manager = model.manager().newSubManager()) {
      runManager = manager;
      try (Optimizer opt = optimizerFactory.apply(manager)) {
        optimizer = opt;
        trainableAtStart = parameters.trainable().stream().map(ModelParameter::hfName)
            .collect(java.util.stream.Collectors.toUnmodifiableSet());
        fingerprint = checkpoints == null ? null : RunFingerprint.of(model, config, train, validation);
        resumed = checkpoints != null && checkpoints.restore(this);
        if (resumed) {
          LOG.info("resumed from {} at epoch {} batch {} (step {})",
              checkpoints.directory(), epoch + 1, nextBatch, globalStep);
        }
        listeners.forEach(l -> l.onFitStart(this));
        while (epoch < config.epochs() && stopReason == null) {
          runEpoch();
        }
        addedAtEnd = null;
        listeners.forEach(l -> l.onFitEnd(this));
        if (test != null && !test.isEmpty() && !report.build().diverged()) {
          scoreTest();
        }
      }
    } finally {
      progress.close();
      runManager = null;
      optimizer = null;
    }
    if (stopReason != null) {
      report.setting(TrainingReport.STOPPED, stopReason);
    }
    if (lossScaler != null) {
      report.setting("loss_scale", lossScaler.scale());
      report.setting("skipped_steps", lossScaler.skippedSteps());
    }
    return report.build();
  }

  private void runEpoch() {
    if (nextBatch == 0) {
      listeners.forEach(l -> l.onEpochStart(this));
    }
    MemoryProbe.resetPeakHeap();
    if (nextBatch == 0) {
      epochLossSum = 0;
      epochExamples = 0;
    }
    long tokens = 0;
    boolean stepped = false;
    long started = System.nanoTime();
    progress.startEpoch(globalStep - epoch * stepsPerEpoch);
    try (RunData.Stream batches = train.batches(runManager, epoch, nextBatch)) {
      while (batches.hasNext() && stopReason == null) {
        int groupStart = nextBatch;
        int groupSize = Math.min(config.accumulation(), batchesPerEpoch - groupStart);
        listeners.forEach(l -> l.onStepStart(this));
        StepResult step = trainStep(batches, groupSize);
        nextBatch = groupStart + groupSize;
        tokens += step.tokens;
        if (!Double.isFinite(step.loss)) {
          stopReason = String.format(
              "training loss became %s at epoch %d step %d; the update was skipped and the last"
                  + " checkpoint kept. Lower the learning rate or enable clipping (maxGradNorm).",
              step.loss, epoch + 1, globalStep);
          report.setting(TrainingReport.DIVERGED, step.loss);
          LOG.error(stopReason);
          break;
        }
        globalStep++;
        epochLossSum += step.loss * step.examples;
        epochExamples += step.examples;
        stepped = true;
        progress.step(epoch, globalStep - epoch * stepsPerEpoch, step.loss, learningRate(),
            tokens / Math.max(1e-9, (System.nanoTime() - started) / 1e9));
        double loss = step.loss;
        listeners.forEach(l -> l.onStepEnd(this, loss));
        boolean stopAfterStep = stopReason != null;
        if (config.evaluateEverySteps() > 0 && globalStep % config.evaluateEverySteps() == 0
            && nextBatch < batchesPerEpoch) {
          runEvaluation();
        }
        if (checkpoints != null && stopAfterStep) {
          checkpoints.save(this); // a stop asked at a step keeps its position: a later run continues
        } else if (checkpoints != null && config.checkpointEverySteps() > 0
            && globalStep % config.checkpointEverySteps() == 0 && nextBatch < batchesPerEpoch) {
          saveCheckpoint();
        }
      }
    }
    if (stopReason != null && !stepped) {
      return;
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    Map<String, Double> metrics = runEvaluation();
    EpochRecord record =
        EpochRecord.builder(epoch + 1) // reports count epochs from 1
            .steps(globalStep)
            .trainLoss(epochExamples == 0 ? Double.NaN : epochLossSum / epochExamples)
            .validationLoss(metrics.getOrDefault(MetricAccumulator.LOSS, Double.NaN))
            .validationMetrics(metrics)
            .learningRate(learningRate())
            .seconds(seconds)
            .tokensPerSecond(tokens / Math.max(seconds, 1e-9))
            .memory(MemoryProbe.peakHeapBytes(),
                MemoryProbe.peakResidentBytes().orElse(-1L),
                MemoryProbe.gpuUsedBytes(model.device()).orElse(-1L))
            .parameters(parameters.countTrainable(), parameters.countTotal())
            .build();
    report.epoch(record);
    progress.epochDone(record);
    listeners.forEach(l -> l.onEpochEnd(this, record));
    epoch++;
    nextBatch = 0;
    if (checkpoints != null && stopReason == null) {
      saveCheckpoint();
    }
  }

  /**
   * Saves the resume checkpoint; when that fails the run ends with the report so far attached,
   * so a failed save (the final one included) loses no finished epoch.
   */
  private void saveCheckpoint() {
    try {
      checkpoints.save(this);
    } catch (RuntimeException e) {
      String reason = "the checkpoint could not be saved after step " + globalStep + ": "
          + e.getMessage();
      report.setting(TrainingReport.STOPPED, reason);
      throw new CheckpointSaveException(reason, e, report.build());
    }
  }

  private record StepResult(double loss, long examples, long tokens) {}

  /** Forward and backward over {@code groupSize} micro-batches, then one update. */
  private StepResult trainStep(RunData.Stream batches, int groupSize) {
    List<ModelParameter> trainable = parameters.trainable();
    if (trainable.isEmpty()) {
      throw new IllegalStateException(
          "no parameter is trainable at epoch " + (epoch + 1) + " step " + globalStep
              + ": every parameter is frozen. Unfreeze some (ModelParameters.unfreeze) or check"
              + " the PEFT method and unfreeze schedule.");
    }
    Engine.getInstance().setRandomSeed(stepSeed());
    ParameterStore store = new ParameterStore(runManager, false);
    boolean checkpointLayers = config.get(TrainingSettings.GRADIENT_CHECKPOINTING);
    double lossSum = 0;
    long examples = 0;
    long tokens = 0;
    long groupCapacity = (long) groupSize * config.batchSize();
    List<EncodedBatch> open = new ArrayList<>(groupSize);
    try {
      for (int i = 0; i < groupSize && batches.hasNext(); i++) {
        EncodedBatch batch = batches.next();
        open.add(batch);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
          TrainingPass pass =
              model.trainingPass(store, batch.modelInputs(), checkpointLayers, precision);
          NDArray loss = this.loss.compute(pass.logits(), batch.labels());
          // Mean over the whole group: each micro-batch contributes loss * its share (times the
          // loss scale with fp16).
          double factor = (groupSize == 1 ? 1.0 : (double) batch.size() / groupCapacity)
              * (lossScaler == null ? 1.0 : lossScaler.scale());
          NDArray scaled = factor == 1.0 ? loss : loss.mul(Scalars.like(loss, factor));
          pass.backward(collector, scaled);
          double value = loss.getFloat();
          lossSum += value * batch.size();
        }
        examples += batch.size();
        tokens += batch.realTokens();
      }
      double meanLoss = lossSum / Math.max(1, examples);
      if (Double.isFinite(meanLoss)) {
        update(trainable, open.get(0).manager(), groupSize == 1 ? 1.0 : (double) groupCapacity / examples);
      }
      zeroGradients(trainable);
      return new StepResult(meanLoss, examples, tokens);
    } finally {
      open.forEach(EncodedBatch::close);
    }
  }

  private void update(List<ModelParameter> trainable, NDManager stepManager, double gradScale) {
    List<NDArray> gradients = new ArrayList<>(trainable.size());
    for (ModelParameter p : trainable) {
      NDArray gradient = p.parameter().getArray().getGradient();
      gradient.attach(stepManager);
      gradients.add(gradient);
    }
    try (NoGradScope ignored = NoGradScope.enter()) {
      double factor = lossScaler == null ? gradScale : gradScale / lossScaler.scale();
      if (factor != 1.0) {
        gradients.forEach(g -> g.muli(factor));
      }
      double norm = Double.NaN;
      if (config.maxGradNorm() > 0) {
        norm = GradientClipping.clipByGlobalNorm(gradients, config.maxGradNorm());
      }
      if (lossScaler != null) {
        boolean finite = Double.isFinite(
            config.maxGradNorm() > 0 ? norm : GradientClipping.globalNorm(gradients));
        double used = lossScaler.scale();
        lossScaler.update(finite);
        if (!finite) {
          LOG.debug("step {}: a gradient is not finite at loss scale {}; step skipped, scale now {}",
              globalStep, used, lossScaler.scale());
          return;
        }
      }
      double lr = learningRate();
      OptionalDouble momentum = momentum();
      List<ParameterUpdate> updates = new ArrayList<>(trainable.size());
      for (int i = 0; i < trainable.size(); i++) {
        ModelParameter p = trainable.get(i);
        updates.add(new ParameterUpdate(p.hfName(), p.parameter().getArray(), gradients.get(i),
            lr * multiplier(p), weightDecay(p), momentum));
      }
      optimizer.step(updates);
    }
  }

  private static void zeroGradients(List<ModelParameter> trainable) {
    for (ModelParameter p : trainable) {
      NDArray array = p.parameter().getArray();
      if (array instanceof PtNDArray pt) {
        JniUtils.zeroGrad(pt);
      } else {
        try (NoGradScope ignored = NoGradScope.enter()) {
          NDArray gradient = array.getGradient();
          gradient.subi(gradient);
          gradient.close();
        }
      }
    }
  }

  private double multiplier(ModelParameter p) {
    return policyMultipliers.computeIfAbsent(
        p.hfName(), name -> config.lrPolicy().multiplier(p.address(), numLayers));
  }

  private double weightDecay(ModelParameter p) {
    return weightDecays.computeIfAbsent(
        p.hfName(), name -> weightDecayPolicy.weightDecay(p.address(), numLayers));
  }

  private int stepSeed() {
    long mixed = config.seed() * 0x9E3779B97F4A7C15L + globalStep * 0xBF58476D1CE4E5B9L;
    return (int) (mixed ^ (mixed >>> 31)) & 0x7fffffff;
  }

  private Map<String, Double> runEvaluation() {
    listeners.forEach(l -> l.onEvaluationStart(this));
    Map<String, Double> metrics = evaluate();
    latestMetrics = metrics;
    listeners.forEach(l -> l.onEvaluationEnd(this, metrics));
    return metrics;
  }

  @Override
  public Map<String, Double> evaluate() {
    if (validation == null || validation.isEmpty()) {
      return Map.of();
    }
    return evaluate(validation, true);
  }

  /**
   * One pass over {@code data} without gradients.
   *
   * @param setsThresholds true for the validation pass: a multi-label model then takes the
   *     decision thresholds it scored with (tuned or global), and is saved with them
   */
  private Map<String, Double> evaluate(RunData data, boolean setsThresholds) {
    RunData.Evaluation accumulator = data.evaluation(!setsThresholds);
    ParameterStore store = new ParameterStore(runManager, false);
    try (NoGradScope ignored = NoGradScope.enter();
        RunData.Stream batches = data.batches(runManager, 0, 0)) {
      while (batches.hasNext()) {
        try (EncodedBatch batch = batches.next()) {
          NDArray logits =
              model.forward(store, batch.modelInputs(), false, precision).singletonOrThrow();
          accumulator.addLoss(loss.compute(logits, batch.labels()).getFloat(), batch.size());
          accumulator.add(batch, logits);
        }
      }
    }
    Map<String, Double> out = accumulator.results();
    if (setsThresholds && model.problemType() == ProblemType.MULTI_LABEL_CLASSIFICATION) {
      // the model decides as this validation scored, and is saved so
      double[] tuned = accumulator.tunedThresholds();
      model.decisionThresholds(tuned != null ? tuned
          : MultiLabelMetrics.global(config.get(TrainingSettings.THRESHOLD), model.numLabels()));
    }
    return out;
  }

  // ---- TrainingContext ----

  @Override
  public SequenceClassifier model() {
    return model;
  }

  @Override
  public ModelParameters parameters() {
    return parameters;
  }

  @Override
  public int numLayers() {
    return numLayers;
  }

  @Override
  public boolean resumed() {
    return resumed;
  }

  @Override
  public Set<String> trainableAtStart() {
    return trainableAtStart;
  }

  @Override
  public TrainingConfig config() {
    return config;
  }

  @Override
  public int epoch() {
    return epoch;
  }

  @Override
  public long globalStep() {
    return globalStep;
  }

  @Override
  public long stepsPerEpoch() {
    return stepsPerEpoch;
  }

  @Override
  public long totalSteps() {
    return totalSteps;
  }

  @Override
  public double learningRate() {
    LrSchedule active = override != null ? override : schedule;
    return active.lr(Math.min(globalStep, Math.max(0, totalSteps - 1)), totalSteps);
  }

  /**
   * The momentum (SGD) or beta1 (Adam, AdamW) that the schedule in force cycles for the next step
   * ({@code OneCycleLR}, {@code CyclicLR} with {@code cycle_momentum}); empty leaves the
   * optimizer's own. Per-parameter LR multipliers do not scale it.
   */
  private OptionalDouble momentum() {
    LrSchedule active = override != null ? override : schedule;
    return active.momentum(Math.min(globalStep, Math.max(0, totalSteps - 1)), totalSteps);
  }

  @Override
  public void overrideSchedule(LrSchedule schedule) {
    this.override = schedule;
  }

  @Override
  public Map<String, Double> latestMetrics() {
    return latestMetrics;
  }

  @Override
  public void addEvaluation(EvaluationRecord record) {
    report.extraRow(record);
    addedAtEnd = record;
  }

  /**
   * Scores the test set with the weights the model holds now. A row that a callback added when
   * the fit ended (BestCheckpoint's {@code best} after restoreAtEnd, SWA's or EMA's average)
   * evaluated the weights it put back, so the test row takes that row's epoch and the setting
   * {@value TrainingReport#TEST_WEIGHTS} names it; otherwise they are the last epoch's.
   */
  private void scoreTest() {
    Map<String, Double> metrics = evaluate(test, false);
    EvaluationRecord weights = addedAtEnd;
    int weightsEpoch = weights == null ? epoch : weights.epoch();
    String described = (weights == null ? "last" : weights.label()) + " (epoch " + weightsEpoch + ")";
    report.extraRow(new EvaluationRecord(TrainingReport.TEST_ROW, weightsEpoch,
        metrics.getOrDefault(MetricAccumulator.LOSS, Double.NaN), metrics));
    report.setting(TrainingReport.TEST_WEIGHTS, described);
    LOG.info("{} with the {} weights: {}", test.name(), described, metrics);
  }

  @Override
  public Optimizer optimizer() {
    return optimizer;
  }

  @Override
  public void requestStop(String reason) {
    if (stopReason == null) {
      stopReason = reason;
      LOG.info("stopping: {}", reason);
    }
  }

  @Override
  public boolean stopRequested() {
    return stopReason != null;
  }

  // ---- state for checkpoints ----

  int nextBatch() {
    return nextBatch;
  }

  void restorePosition(int epoch, int nextBatch, long globalStep, Map<String, Double> metrics,
      double epochLossSum, long epochExamples) {
    this.epoch = epoch;
    this.nextBatch = nextBatch;
    this.globalStep = globalStep;
    this.latestMetrics = Map.copyOf(metrics);
    this.epochLossSum = epochLossSum;
    this.epochExamples = epochExamples;
  }

  /** fp16's loss scaler, whose state checkpoints save; null in the other precisions. */
  LossScaler lossScaler() {
    return lossScaler;
  }

  RunFingerprint fingerprint() {
    return fingerprint;
  }

  double epochLossSum() {
    return epochLossSum;
  }

  long epochExamples() {
    return epochExamples;
  }

  List<TrainingListener> listeners() {
    return listeners;
  }

  TrainingReport.Builder reportBuilder() {
    return report;
  }
}
