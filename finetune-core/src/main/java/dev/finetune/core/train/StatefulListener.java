package dev.finetune.core.train;

/**
 * A {@link TrainingListener} whose state must survive a resume: a running weight average, a
 * patience count, the best value so far. When the run keeps a resume checkpoint
 * ({@link FineTune#checkpoints(java.nio.file.Path, int)}), every save asks each stateful listener
 * for its state and writes it with the weights, optimizer and position, in the same atomic swap;
 * a resumed run hands the state back through {@link #restoreState} <em>before</em>
 * {@link #onFitStart}, which then sees {@link TrainingContext#resumed()} true and must keep what
 * was restored instead of starting afresh.
 *
 * <p>States are matched by {@link #stateKey()} (a repeated key gets {@code #2}, {@code #3}, ... in
 * listener order). Resuming fails with a clear error when the checkpoint holds state for a key the
 * run has no listener for, or the run has a stateful listener the checkpoint has no state for: a
 * silently dropped or restarted state (an SWA average, a patience count) would make the resumed
 * run differ from an uninterrupted one. Resume with the same stateful callbacks, or start afresh
 * with another checkpoint directory.
 *
 * <pre>{@code
 * final class StepCounter implements StatefulListener {
 *   private long steps;
 *   public String stateKey() { return "step-counter"; }
 *   public ListenerState saveState(TrainingContext ctx) {
 *     return ListenerState.builder().put("steps", steps).build();
 *   }
 *   public void restoreState(TrainingContext ctx, ListenerState state) {
 *     steps = state.getLong("steps");
 *   }
 *   public void onFitStart(TrainingContext ctx) { if (!ctx.resumed()) steps = 0; }
 *   public void onStepEnd(TrainingContext ctx, double loss) { steps++; }
 * }
 * }</pre>
 */
public interface StatefulListener extends TrainingListener {

  /**
   * A stable name for this listener's state in checkpoints, the same in the run that saves and
   * the run that resumes (e.g. {@code "swa"}, {@code "early-stopping/accuracy"}).
   *
   * @return a non-blank key
   */
  String stateKey();

  /**
   * Captures the state at a checkpoint. Called on the training thread after the step or epoch
   * end that the checkpoint follows; the tensors are written before the call returns to training,
   * so the listener's live arrays may be handed over without copying.
   *
   * @param context the run
   * @return the state: scalars and tensors
   */
  ListenerState saveState(TrainingContext context);

  /**
   * Restores the state saved by {@link #saveState}, before {@link #onFitStart} of a resumed run.
   * The tensors belong to a scratch manager closed when the call returns: copy (duplicate and
   * attach to a manager of your own) what you keep.
   *
   * @param context the run, with weights, optimizer and position already restored
   * @param state what {@link #saveState} returned
   */
  void restoreState(TrainingContext context, ListenerState state);
}
