package dev.finetune.schedules;

import dev.finetune.schedules.spec.SpecWriter;

/**
 * PyTorch {@code ConstantLR}: a constant factor for the first {@code total_iters} steps.
 *
 * <p>{@code lr(t) = lr * factor} for {@code t < total_iters}, else {@code lr}.
 *
 * <pre>{@code
 * LrSchedule s = Schedules.parse("ConstantLR(factor=0.5, total_iters=40, lr=0.05)");
 * s.lr(39);  // 0.025
 * s.lr(40);  // 0.05
 * }</pre>
 *
 * @param factor the factor in {@code [0, 1]} (PyTorch default 1/3)
 * @param totalIters steps at the reduced LR, {@code >= 0} (default 5)
 * @param lr the starting learning rate
 */
public record ConstantLr(double factor, long totalIters, double lr) implements LrSchedule {

  static final String NAME = "ConstantLR";

  /** Validates the arguments. */
  public ConstantLr {
    Check.arg(factor >= 0 && factor <= 1, NAME, "factor", factor, "[0, 1]");
    Check.nonNegative(NAME, "total_iters", totalIters);
    Check.lr(NAME, "lr", lr);
  }

  @Override
  public double lr(long step, long totalSteps) {
    Check.step(NAME, step);
    return lr * (factor + (step >= totalIters ? 1 - factor : 0));
  }

  @Override
  public String toString() {
    return new SpecWriter(NAME).arg("factor", factor).arg("total_iters", totalIters).arg("lr", lr)
        .toString();
  }
}
