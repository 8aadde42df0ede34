package dev.finetune.schedules;

import dev.finetune.schedules.spec.SpecWriter;

/**
 * PyTorch {@code PolynomialLR}: polynomial decay to 0 over {@code total_iters} steps.
 *
 * <p>{@code lr(t) = lr * (1 - min(t, total_iters) / total_iters)^power}; PyTorch's chainable
 * update telescopes to this closed form.
 *
 * <pre>{@code
 * Schedules.parse("PolynomialLR(total_iters=4, power=1.0, lr=1.0)").lr(1);  // 0.75
 * }</pre>
 *
 * @param totalIters steps of the decay, {@code >= 1} (default 5)
 * @param power the power, {@code > 0} (default 1)
 * @param lr the starting learning rate
 */
public record PolynomialLr(long totalIters, double power, double lr) implements LrSchedule {

  static final String NAME = "PolynomialLR";

  /** Validates the arguments. */
  public PolynomialLr {
    Check.positive(NAME, "total_iters", totalIters);
    Check.positive(NAME, "power", power);
    Check.lr(NAME, "lr", lr);
  }

  @Override
  public double lr(long step, long totalSteps) {
    Check.step(NAME, step);
    return lr * Math.pow(1.0 - Math.min(totalIters, step) / (double) totalIters, power);
  }

  @Override
  public String toString() {
    return new SpecWriter(NAME).arg("total_iters", totalIters).arg("power", power).arg("lr", lr)
        .toString();
  }
}
