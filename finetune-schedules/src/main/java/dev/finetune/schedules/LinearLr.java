package dev.finetune.schedules;

import dev.finetune.schedules.spec.SpecWriter;

/**
 * PyTorch {@code LinearLR}: the factor moves linearly from {@code start_factor} to
 * {@code end_factor} over {@code total_iters} steps, then stays.
 *
 * <p>{@code lr(t) = lr * (start + (end - start) * min(t, total_iters) / total_iters)}; PyTorch's
 * chainable update telescopes to this closed form.
 *
 * <pre>{@code
 * LrSchedule s = Schedules.parse("LinearLR(start_factor=0.5, total_iters=4, lr=0.05)");
 * s.lr(0);  // 0.025
 * s.lr(2);  // 0.0375
 * }</pre>
 *
 * @param startFactor factor at step 0, in {@code (0, 1]} (default 1/3)
 * @param endFactor factor from {@code total_iters} on, in {@code [0, 1]} (default 1)
 * @param totalIters steps of the ramp, {@code >= 1} (default 5)
 * @param lr the starting learning rate
 */
public record LinearLr(double startFactor, double endFactor, long totalIters, double lr)
    implements LrSchedule {

  static final String NAME = "LinearLR";

  /** Validates the arguments. */
  public LinearLr {
    Check.arg(startFactor > 0 && startFactor <= 1, NAME, "start_factor", startFactor, "(0, 1]");
    Check.arg(endFactor >= 0 && endFactor <= 1, NAME, "end_factor", endFactor, "[0, 1]");
    Check.positive(NAME, "total_iters", totalIters);
    Check.lr(NAME, "lr", lr);
  }

  @Override
  public double lr(long step, long totalSteps) {
    Check.step(NAME, step);
    return lr * (startFactor
        + (endFactor - startFactor) * Math.min(totalIters, step) / (double) totalIters);
  }

  @Override
  public String toString() {
    return new SpecWriter(NAME).arg("start_factor", startFactor).arg("end_factor", endFactor)
        .arg("total_iters", totalIters).arg("lr", lr).toString();
  }
}
