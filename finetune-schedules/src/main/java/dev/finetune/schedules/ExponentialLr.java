package dev.finetune.schedules;

import dev.finetune.schedules.spec.SpecWriter;

/**
 * PyTorch {@code ExponentialLR}: decays by {@code gamma} every step.
 *
 * <p>{@code lr(t) = lr * gamma^t}.
 *
 * <pre>{@code
 * Schedules.parse("ExponentialLR(gamma=0.9, lr=0.05)").lr(2);  // 0.0405
 * }</pre>
 *
 * @param gamma multiplicative factor, {@code > 0}
 * @param lr the starting learning rate
 */
public record ExponentialLr(double gamma, double lr) implements LrSchedule {

  static final String NAME = "ExponentialLR";

  /** Validates the arguments. */
  public ExponentialLr {
    Check.positive(NAME, "gamma", gamma);
    Check.lr(NAME, "lr", lr);
  }

  @Override
  public double lr(long step, long totalSteps) {
    Check.step(NAME, step);
    return lr * Math.pow(gamma, step);
  }

  @Override
  public String toString() {
    return new SpecWriter(NAME).arg("gamma", gamma).arg("lr", lr).toString();
  }
}
