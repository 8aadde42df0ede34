package dev.finetune.schedules;

/** The linear warm-up shared by the Hugging Face schedules. */
final class HfWarmup {

  private HfWarmup() {}

  /** {@code step / max(1, warmup)}, the factor for {@code step < warmup}. */
  static double factor(long step, long warmup) {
    return (double) step / (double) Math.max(1, warmup);
  }

  /** The decay after warm-up, as a multiplier of the peak LR. */
  @FunctionalInterface
  interface Decay {
    /**
     * @param step the optimizer step, {@code >= warmup}
     * @param warmup the warm-up length W
     * @param total the schedule's length T
     * @return the multiplier
     */
    double factor(long step, long warmup, long total);
  }

  /**
   * The shape Hugging Face's {@code get_*_schedule_with_warmup} share: check the step, resolve T
   * and W, warm up linearly from 0 over W steps, then follow {@code decay}.
   */
  static double lr(String name, WarmupLength warmup, java.util.OptionalLong numTrainingSteps,
      long step, long totalSteps, double lr, Decay decay) {
    Check.step(name, step);
    long t = Check.total(name, "num_training_steps", numTrainingSteps, totalSteps);
    long w = warmup.resolve(name, t);
    return lr * (step < w ? factor(step, w) : decay.factor(step, w, t));
  }
}
