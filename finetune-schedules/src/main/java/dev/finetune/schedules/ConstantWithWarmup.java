package dev.finetune.schedules;

import dev.finetune.schedules.spec.SpecWriter;

/**
 * Hugging Face {@code get_constant_schedule_with_warmup}.
 *
 * <p>{@code lr(t) = lr * t / max(1, W)} for {@code t < W}, else {@code lr}.
 *
 * <pre>{@code
 * Schedules.parse("constant_with_warmup(num_warmup_steps=10, lr=1e-3)").lr(5);  // 5e-4
 * }</pre>
 *
 * @param warmup warm-up length {@code W}
 * @param lr the learning rate after warm-up
 */
public record ConstantWithWarmup(WarmupLength warmup, double lr) implements LrSchedule {

  static final String NAME = "constant_with_warmup";

  /** Validates the arguments. */
  public ConstantWithWarmup {
    java.util.Objects.requireNonNull(warmup, "warmup");
    Check.lr(NAME, "lr", lr);
  }

  @Override
  public double lr(long step, long totalSteps) {
    Check.step(NAME, step);
    long w = warmup.resolve(NAME, totalSteps);
    return step < w ? lr * HfWarmup.factor(step, w) : lr;
  }

  @Override
  public String toString() {
    SpecWriter w = new SpecWriter(NAME);
    warmup.write(w);
    return w.arg("lr", lr).toString();
  }
}
