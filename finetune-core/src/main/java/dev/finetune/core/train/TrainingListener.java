package dev.finetune.core.train;

import dev.finetune.core.report.EpochRecord;
import java.util.Map;

/**
 * Hooks into a training run: fit, epoch, step and evaluation start and end. Every method has an
 * empty default, so a listener overrides only what it needs. Listeners run on the training thread
 * in the order given to {@link FineTune#callbacks(TrainingListener...)}; through the
 * {@link TrainingContext} they see the model's parameters (and may freeze or unfreeze them), the
 * step, the epoch and the latest metrics, and may override the learning rate or stop the run.
 *
 * <p>Resume checkpoints ({@link FineTune#checkpoints(java.nio.file.Path, int)}) restore the
 * weights, trainable flags, optimizer state, position and report, but a listener's own fields only
 * when it implements {@link StatefulListener}: the built-in {@code Swa}, {@code Ema},
 * {@code EarlyStopping}, {@code BestCheckpoint} and {@code Freezing} do; {@code GradualUnfreezing}
 * derives everything from the position, and {@code ReinitTopLayers} does nothing when
 * {@link TrainingContext#resumed()}. A plain listener with state of its own starts afresh on
 * resume.
 *
 * <pre>{@code
 * TrainingListener printer = new TrainingListener() {
 *   public void onEpochEnd(TrainingContext ctx, EpochRecord record) {
 *     System.out.println(record.epoch() + " " + record.validationMetrics());
 *   }
 * };
 * }</pre>
 */
public interface TrainingListener {

  /**
   * Before the first step (after PEFT transforms; on resume, after the run's state and every
   * {@link StatefulListener}'s state are restored, with {@link TrainingContext#resumed()} true).
   *
   * @param context the run
   */
  default void onFitStart(TrainingContext context) {}

  /**
   * At the start of each epoch, before its first batch.
   *
   * @param context the run; {@link TrainingContext#epoch()} is the epoch starting
   */
  default void onEpochStart(TrainingContext context) {}

  /**
   * Before each optimizer step's forward pass (with gradient accumulation: before the first of
   * its micro-batches).
   *
   * @param context the run; {@link TrainingContext#globalStep()} is the step about to run
   */
  default void onStepStart(TrainingContext context) {}

  /**
   * After each optimizer step's update.
   *
   * @param context the run; {@link TrainingContext#globalStep()} counts this step as done
   * @param loss the step's mean training loss
   */
  default void onStepEnd(TrainingContext context, double loss) {}

  /**
   * Before an evaluation pass.
   *
   * @param context the run
   */
  default void onEvaluationStart(TrainingContext context) {}

  /**
   * After an evaluation pass.
   *
   * @param context the run
   * @param metrics validation metrics (accuracy, f1, mcc, loss, ...)
   */
  default void onEvaluationEnd(TrainingContext context, Map<String, Double> metrics) {}

  /**
   * After each epoch's evaluation, with its finished record.
   *
   * @param context the run
   * @param record the epoch's row of the report
   */
  default void onEpochEnd(TrainingContext context, EpochRecord record) {}

  /**
   * After the last epoch, or when the run stops early, before the report is built.
   *
   * @param context the run
   */
  default void onFitEnd(TrainingContext context) {}
}
