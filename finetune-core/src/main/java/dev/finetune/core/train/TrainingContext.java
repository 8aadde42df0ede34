package dev.finetune.core.train;

import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.optim.Optimizer;
import dev.finetune.core.params.ModelParameters;
import dev.finetune.core.report.EvaluationRecord;
import dev.finetune.schedules.LrSchedule;
import java.util.Map;
import java.util.Set;

/**
 * What a {@link TrainingListener} sees of a running fit, and the few things it may change: which
 * parameters train (through {@link #parameters()}), the learning rate (an override schedule), an
 * early stop, extra evaluation rows in the report.
 *
 * <pre>{@code
 * public void onEpochStart(TrainingContext ctx) {
 *   if (ctx.epoch() == 1) {
 *     ctx.parameters().unfreeze(a -> a.isEmbeddings());
 *   }
 * }
 * }</pre>
 */
public interface TrainingContext {

  /**
   * The model being trained.
   *
   * @return the model
   */
  SequenceClassifier model();

  /**
   * The model's parameters with their addresses; freeze and unfreeze through it.
   *
   * @return the parameters
   */
  ModelParameters parameters();

  /**
   * The number of encoder layers L with their own weights (for layer-based selections): {@code
   * num_hidden_layers}, except for families that share layers (ALBERT: 1, the shared layer).
   *
   * @return L
   */
  int numLayers();

  /**
   * Tells whether this fit resumed from a checkpoint (then the model already holds trained
   * weights, and callbacks that prepare a fresh model, such as re-initialisation, must not act).
   *
   * @return true when the state was restored from a resume checkpoint
   */
  boolean resumed();

  /**
   * The names of the parameters that were trainable when the fit started: after the PEFT
   * transforms and the user's own freezing, before a resume checkpoint restored its trainable
   * flags. Unfreeze schedules stay within this set, so what was frozen on purpose stays frozen.
   *
   * @return HF parameter names, unmodifiable
   */
  Set<String> trainableAtStart();

  /**
   * The run's settings.
   *
   * @return the configuration
   */
  TrainingConfig config();

  /**
   * The current epoch, 0-based.
   *
   * @return the epoch
   */
  int epoch();

  /**
   * Optimizer steps done so far in the whole run.
   *
   * @return the global step
   */
  long globalStep();

  /**
   * Optimizer steps in one epoch.
   *
   * @return steps per epoch
   */
  long stepsPerEpoch();

  /**
   * Optimizer steps of the whole run.
   *
   * @return total steps
   */
  long totalSteps();

  /**
   * The base learning rate the schedule gives for the next step (before per-parameter policy
   * multipliers), taking an override into account.
   *
   * @return the learning rate
   */
  double learningRate();

  /**
   * Replaces the run's schedule from now on: {@code schedule.lr(globalStep, totalSteps)} becomes
   * the base learning rate (still multiplied by the parameter-group policy), as it is: its values
   * are learning rates, not resolved against the configured base LR. Used by SWA.
   *
   * @param schedule the schedule over global steps, or {@code null} to return to the run's own
   */
  void overrideSchedule(LrSchedule schedule);

  /**
   * The latest validation metrics (empty before the first evaluation).
   *
   * @return metric name to value
   */
  Map<String, Double> latestMetrics();

  /**
   * Runs an evaluation pass on the validation set with the model's current weights, without
   * calling evaluation listeners.
   *
   * @return validation metrics, including {@code loss}
   */
  Map<String, Double> evaluate();

  /**
   * Adds a row to the report's extra evaluations (e.g. the SWA-averaged weights).
   *
   * @param record the row
   */
  void addEvaluation(EvaluationRecord record);

  /**
   * The optimizer (e.g. to reset a parameter's state after re-initialising it).
   *
   * @return the optimizer
   */
  Optimizer optimizer();

  /**
   * Asks the run to stop after the current step; the report says why.
   *
   * @param reason a sentence for the log and the report
   */
  void requestStop(String reason);

  /**
   * Tells whether a stop was requested.
   *
   * @return true after {@link #requestStop(String)}
   */
  boolean stopRequested();
}
