package dev.finetune.schedules;

import dev.finetune.schedules.spec.SpecWriter;

/**
 * PyTorch {@code CosineAnnealingLR} (SGDR without restarts).
 *
 * <p>{@code lr(t) = eta_min + (lr - eta_min) * (1 + cos(pi * t / T_max)) / 2}. PyTorch's recursive
 * update equals this closed form for every {@code t}, also beyond {@code T_max}, where the cosine
 * rises again (period {@code 2 * T_max}).
 *
 * <pre>{@code
 * Schedules.parse("CosineAnnealingLR(T_max=10, eta_min=0.0, lr=0.1)").lr(5);  // 0.05
 * }</pre>
 *
 * @param tMax half period in steps, {@code >= 1}
 * @param etaMin the minimum learning rate, {@code >= 0} (default 0)
 * @param lr the starting (maximum) learning rate
 */
public record CosineAnnealingLr(long tMax, double etaMin, double lr) implements LrSchedule {

  static final String NAME = "CosineAnnealingLR";

  /** Validates the arguments. */
  public CosineAnnealingLr {
    Check.positive(NAME, "T_max", tMax);
    Check.lr(NAME, "eta_min", etaMin);
    Check.lr(NAME, "lr", lr);
  }

  /**
   * Multiplies the starting LR by the base LR; {@code eta_min} is an absolute LR and stays.
   *
   * @param baseLr the optimizer's base learning rate
   * @return the schedule in learning rates
   */
  @Override
  public CosineAnnealingLr atBaseLr(double baseLr) {
    return new CosineAnnealingLr(tMax, etaMin, lr * baseLr);
  }

  @Override
  public double lr(long step, long totalSteps) {
    Check.step(NAME, step);
    return etaMin + (lr - etaMin) * (1 + Math.cos(Math.PI * step / tMax)) / 2;
  }

  @Override
  public String toString() {
    return new SpecWriter(NAME).arg("T_max", tMax).arg("eta_min", etaMin).arg("lr", lr).toString();
  }
}
