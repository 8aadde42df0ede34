package dev.finetune.schedules;

import dev.finetune.schedules.spec.SpecWriter;
import java.util.OptionalLong;

/**
 * Hugging Face {@code get_linear_schedule_with_warmup}.
 *
 * <p>{@code lr(t) = lr * t / max(1, W)} for {@code t < W}, else
 * {@code lr * max(0, (T - t) / max(1, T - W))}.
 *
 * <pre>{@code
 * LrSchedule s = Schedules.parse("linear_with_warmup(num_warmup_steps=10,num_training_steps=100)");
 * s.lr(55);  // 0.5
 * }</pre>
 *
 * @param warmup warm-up length {@code W}
 * @param numTrainingSteps {@code T}; empty to take the run's total
 * @param lr the peak learning rate
 */
public record LinearWithWarmup(WarmupLength warmup, OptionalLong numTrainingSteps, double lr)
    implements LrSchedule {

  static final String NAME = "linear_with_warmup";

  /** Validates the arguments. */
  public LinearWithWarmup {
    java.util.Objects.requireNonNull(warmup, "warmup");
    Check.optionalPositive(NAME, "num_training_steps", numTrainingSteps);
    Check.lr(NAME, "lr", lr);
  }

  @Override
  public double lr(long step, long totalSteps) {
    return HfWarmup.lr(NAME, warmup, numTrainingSteps, step, totalSteps, lr,
        (s, w, t) -> Math.max(0.0, (double) (t - s) / (double) Math.max(1, t - w)));
  }


  @Override
  public String toString() {
    SpecWriter w = new SpecWriter(NAME);
    warmup.write(w);
    numTrainingSteps.ifPresent(t -> w.arg("num_training_steps", t));
    return w.arg("lr", lr).toString();
  }
}
