package dev.finetune.schedules;

import dev.finetune.schedules.spec.SpecWriter;

/**
 * Hugging Face {@code get_inverse_sqrt_schedule}.
 *
 * <p>{@code lr(t) = lr * t / max(1, W)} for {@code t < W}, else
 * {@code lr / sqrt((t + timescale - W) / timescale)}, where {@code timescale} defaults to
 * {@code W}, or 10 000 when {@code W = 0}.
 *
 * <pre>{@code
 * Schedules.parse("inverse_sqrt(num_warmup_steps=100)").lr(400);  // 0.5
 * }</pre>
 *
 * @param numWarmupSteps {@code W}, {@code >= 0}
 * @param timescale the time scale, {@code >= 1}
 * @param lr the peak learning rate
 */
public record InverseSqrt(long numWarmupSteps, long timescale, double lr) implements LrSchedule {

  static final String NAME = "inverse_sqrt";

  /** Validates the arguments. */
  public InverseSqrt {
    Check.nonNegative(NAME, "num_warmup_steps", numWarmupSteps);
    Check.positive(NAME, "timescale", timescale);
    Check.lr(NAME, "lr", lr);
  }

  /**
   * Creates the schedule with Hugging Face's default time scale.
   *
   * @param numWarmupSteps warm-up steps
   * @param lr the peak learning rate
   * @return the schedule
   */
  public static InverseSqrt of(long numWarmupSteps, double lr) {
    return new InverseSqrt(numWarmupSteps, numWarmupSteps == 0 ? 10_000 : numWarmupSteps, lr);
  }

  @Override
  public double lr(long step, long totalSteps) {
    Check.step(NAME, step);
    if (step < numWarmupSteps) {
      return lr * HfWarmup.factor(step, numWarmupSteps);
    }
    long shift = timescale - numWarmupSteps;
    return lr * (1.0 / Math.sqrt((double) (step + shift) / timescale));
  }

  @Override
  public String toString() {
    return new SpecWriter(NAME).arg("num_warmup_steps", numWarmupSteps).arg("timescale", timescale)
        .arg("lr", lr).toString();
  }
}
