package dev.finetune.schedules;

/** The linear warm-up shared by the Hugging Face schedules. */
final class HfWarmup {

  private HfWarmup() {}

  /** {@code step / max(1, warmup)}, the factor for {@code step < warmup}. */
  static double factor(long step, long warmup) {
    return (double) step / (double) Math.max(1, warmup);
  }
}
