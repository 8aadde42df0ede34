package dev.finetune.schedules;

import dev.finetune.schedules.spec.SpecArguments;
import dev.finetune.schedules.spec.SpecWriter;

/**
 * How long a warm-up lasts: a number of steps, or a fraction of the run.
 *
 * <p>A ratio resolves as Hugging Face's {@code TrainingArguments.get_warmup_steps} does:
 * {@code ceil(totalSteps * ratio)}.
 *
 * <pre>{@code
 * WarmupLength.ratio(0.1).resolve(1000);  // 100
 * WarmupLength.steps(50).resolve(1000);   // 50
 * }</pre>
 *
 * @param steps warm-up steps (used when {@code ratio == 0})
 * @param ratio fraction of the run in {@code [0, 1)}; 0 means "use steps"
 */
public record WarmupLength(long steps, double ratio) {

  /** Validates the length. */
  public WarmupLength {
    Check.nonNegative("warmup", "num_warmup_steps", steps);
    Check.arg(ratio >= 0 && ratio < 1, "warmup", "warmup_ratio", ratio, "[0, 1)");
    if (ratio > 0 && steps > 0) {
      throw new IllegalArgumentException(
          "warmup: give either num_warmup_steps=" + steps + " or warmup_ratio=" + ratio + ", not both");
    }
  }

  /**
   * Creates a warm-up of a number of steps.
   *
   * @param steps warm-up steps, {@code >= 0}
   * @return the length
   */
  public static WarmupLength steps(long steps) {
    return new WarmupLength(steps, 0);
  }

  /**
   * Creates a warm-up of a fraction of the run.
   *
   * @param ratio the fraction in {@code [0, 1)}
   * @return the length
   */
  public static WarmupLength ratio(double ratio) {
    return new WarmupLength(0, ratio);
  }

  /**
   * Tells whether the length depends on the run's total.
   *
   * @return true for a ratio
   */
  public boolean isRatio() {
    return ratio > 0;
  }

  /**
   * Resolves the number of warm-up steps.
   *
   * @param owner the schedule, for messages
   * @param totalSteps the run's total (needed for a ratio)
   * @return warm-up steps
   */
  long resolve(String owner, long totalSteps) {
    if (!isRatio()) {
      return steps;
    }
    if (totalSteps <= 0) {
      throw new IllegalArgumentException(
          owner + ": warmup_ratio=" + ratio + " needs the run's total steps, but the caller passed "
              + "totalSteps=" + totalSteps + "; use num_warmup_steps=N or pass totalSteps >= 1");
    }
    return (long) Math.ceil(totalSteps * ratio);
  }

  /**
   * Resolves the number of warm-up steps.
   *
   * @param totalSteps the run's total (needed for a ratio)
   * @return warm-up steps
   */
  public long resolve(long totalSteps) {
    return resolve("warmup", totalSteps);
  }

  static WarmupLength read(SpecArguments a) {
    if (a.has("warmup_ratio")) {
      double r = a.requireDouble("warmup_ratio");
      if (a.has("num_warmup_steps")) {
        return new WarmupLength(a.requireLong("num_warmup_steps"), r);
      }
      return ratio(r);
    }
    return steps(a.requireLong("num_warmup_steps"));
  }

  void write(SpecWriter w) {
    if (isRatio()) {
      w.arg("warmup_ratio", ratio);
    } else {
      w.arg("num_warmup_steps", steps);
    }
  }
}
