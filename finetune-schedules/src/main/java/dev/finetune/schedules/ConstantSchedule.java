package dev.finetune.schedules;

import dev.finetune.schedules.spec.SpecWriter;

/**
 * A constant learning rate (Hugging Face {@code get_constant_schedule}).
 *
 * <p>{@code lr(t) = lr}.
 *
 * <pre>{@code
 * Schedules.parse("constant(lr=2e-5)").lr(123);  // 2e-5
 * }</pre>
 *
 * @param lr the learning rate
 */
public record ConstantSchedule(double lr) implements LrSchedule {

  static final String NAME = "constant";

  /** Validates the learning rate. */
  public ConstantSchedule {
    Check.lr(NAME, "lr", lr);
  }

  @Override
  public double lr(long step, long totalSteps) {
    Check.step(NAME, step);
    return lr;
  }

  @Override
  public String toString() {
    return new SpecWriter(NAME).arg("lr", lr).toString();
  }
}
