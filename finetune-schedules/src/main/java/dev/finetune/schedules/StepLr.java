package dev.finetune.schedules;

import dev.finetune.schedules.spec.SpecWriter;

/**
 * PyTorch {@code StepLR}: decays by {@code gamma} every {@code step_size} steps.
 *
 * <p>{@code lr(t) = lr * gamma^floor(t / step_size)}.
 *
 * <pre>{@code
 * LrSchedule s = Schedules.parse("StepLR(step_size=30, gamma=0.1, lr=0.05)");
 * s.lr(29);  // 0.05
 * s.lr(30);  // 0.005
 * }</pre>
 *
 * @param stepSize period of the decay, {@code >= 1}
 * @param gamma multiplicative factor, {@code > 0}
 * @param lr the starting learning rate (the optimizer's in PyTorch)
 */
public record StepLr(long stepSize, double gamma, double lr) implements LrSchedule {

  static final String NAME = "StepLR";

  /** Validates the arguments. */
  public StepLr {
    Check.positive(NAME, "step_size", stepSize);
    Check.positive(NAME, "gamma", gamma);
    Check.lr(NAME, "lr", lr);
  }

  @Override
  public double lr(long step, long totalSteps) {
    Check.step(NAME, step);
    return lr * Math.pow(gamma, step / stepSize);
  }

  @Override
  public String toString() {
    return new SpecWriter(NAME).arg("step_size", stepSize).arg("gamma", gamma).arg("lr", lr)
        .toString();
  }
}
