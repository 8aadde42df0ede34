package dev.finetune.schedules;

import dev.finetune.schedules.spec.SpecWriter;

/**
 * PyTorch {@code CosineAnnealingWarmRestarts} (SGDR, Loshchilov &amp; Hutter 2017).
 *
 * <p>{@code lr(t) = eta_min + (lr - eta_min) * (1 + cos(pi * T_cur / T_i)) / 2}, where the first
 * cycle lasts {@code T_i = T_0} steps, each next one {@code T_mult} times longer, and
 * {@code T_cur} counts steps since the last restart (as PyTorch's {@code step()} without an epoch
 * argument advances them).
 *
 * <pre>{@code
 * LrSchedule s = Schedules.parse("CosineAnnealingWarmRestarts(T_0=10, T_mult=2, eta_min=1e-5)");
 * s.lr(10);  // 1.0: a restart
 * }</pre>
 *
 * @param t0 length of the first cycle, {@code >= 1}
 * @param tMult growth of the cycle length, an integer {@code >= 1} (default 1)
 * @param etaMin the minimum learning rate, {@code >= 0} (default 0)
 * @param lr the maximum learning rate
 */
public record CosineAnnealingWarmRestarts(long t0, long tMult, double etaMin, double lr)
    implements LrSchedule {

  static final String NAME = "CosineAnnealingWarmRestarts";

  /** Validates the arguments. */
  public CosineAnnealingWarmRestarts {
    Check.positive(NAME, "T_0", t0);
    Check.arg(tMult >= 1, NAME, "T_mult", tMult, "[1, inf) (an integer)");
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
  public CosineAnnealingWarmRestarts atBaseLr(double baseLr) {
    return new CosineAnnealingWarmRestarts(t0, tMult, etaMin, lr * baseLr);
  }

  @Override
  public double lr(long step, long totalSteps) {
    Check.step(NAME, step);
    long ti = t0;
    long tCur = step;
    if (tMult == 1) {
      tCur = step % t0;
    } else {
      while (tCur >= ti) {
        tCur -= ti;
        ti *= tMult;
      }
    }
    return etaMin + (lr - etaMin) * (1 + Math.cos(Math.PI * tCur / ti)) / 2;
  }

  @Override
  public String toString() {
    return new SpecWriter(NAME).arg("T_0", t0).arg("T_mult", tMult).arg("eta_min", etaMin)
        .arg("lr", lr).toString();
  }
}
