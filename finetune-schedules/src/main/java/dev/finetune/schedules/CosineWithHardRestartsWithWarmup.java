package dev.finetune.schedules;

import dev.finetune.schedules.spec.SpecWriter;
import java.util.OptionalLong;

/**
 * Hugging Face {@code get_cosine_with_hard_restarts_schedule_with_warmup}.
 *
 * <p>{@code lr(t) = lr * t / max(1, W)} for {@code t < W}; else with
 * {@code p = (t - W) / max(1, T - W)}: 0 when {@code p >= 1}, otherwise
 * {@code lr * max(0, (1 + cos(pi * ((num_cycles * p) mod 1))) / 2)}.
 *
 * <pre>{@code
 * LrSchedule s = Schedules.parse(
 *     "cosine_with_hard_restarts_with_warmup(num_warmup_steps=0,num_training_steps=100,num_cycles=2)");
 * s.lr(50);  // 1.0: the restart
 * }</pre>
 *
 * @param warmup warm-up length {@code W}
 * @param numTrainingSteps {@code T}; empty to take the run's total
 * @param numCycles number of hard restarts, {@code > 0} (default 1)
 * @param lr the peak learning rate
 */
public record CosineWithHardRestartsWithWarmup(
    WarmupLength warmup, OptionalLong numTrainingSteps, double numCycles, double lr)
    implements LrSchedule {

  static final String NAME = "cosine_with_hard_restarts_with_warmup";

  /** Validates the arguments. */
  public CosineWithHardRestartsWithWarmup {
    java.util.Objects.requireNonNull(warmup, "warmup");
    Check.optionalPositive(NAME, "num_training_steps", numTrainingSteps);
    Check.positive(NAME, "num_cycles", numCycles);
    Check.lr(NAME, "lr", lr);
  }

  @Override
  public double lr(long step, long totalSteps) {
    return HfWarmup.lr(NAME, warmup, numTrainingSteps, step, totalSteps, lr, (s, w, t) -> {
      double progress = (double) (s - w) / (double) Math.max(1, t - w);
      if (progress >= 1.0) {
        return 0.0;
      }
      double phase = (numCycles * progress) % 1.0;
      return Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * phase)));
    });
  }


  @Override
  public String toString() {
    SpecWriter w = new SpecWriter(NAME);
    warmup.write(w);
    numTrainingSteps.ifPresent(t -> w.arg("num_training_steps", t));
    return w.arg("num_cycles", numCycles).arg("lr", lr).toString();
  }
}
