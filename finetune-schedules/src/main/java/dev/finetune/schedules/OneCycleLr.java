package dev.finetune.schedules;

import dev.finetune.schedules.spec.SpecWriter;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * PyTorch {@code OneCycleLR} (Smith &amp; Topin 2018, fastai's two-phase variant by default).
 *
 * <p>{@code initial = max_lr / div_factor}, {@code min = initial / final_div_factor}. Phases end at
 * steps {@code e1 = pct_start * T - 1} and {@code T - 1} (two-phase: initial to max, max to min),
 * or {@code e1}, {@code e2 = 2 * pct_start * T - 2}, {@code T - 1} (three-phase: initial to max,
 * max to initial, initial to min). At step {@code t} in the phase {@code (s, e]} (the first phase
 * starts at 0), {@code pct = (t - s) / (e - s)} and the LR is {@link Anneal#between} of the phase's
 * ends. Momentum runs the opposite way between {@code max_momentum} and {@code base_momentum}
 * (constant {@code max_momentum} in the third phase). As in PyTorch, steps beyond {@code T} are an
 * error.
 * An absolute schedule: the base LR of the optimizer does not scale it.
 *
 * <pre>{@code
 * LrSchedule s = Schedules.parse(
 *     "OneCycleLR(max_lr=0.01,total_steps=100,pct_start=0.25,anneal_strategy=linear)");
 * s.lr(0);         // 0.0004 = 0.01 / 25
 * s.lr(24);        // 0.01
 * s.momentum(24, 100);  // 0.85
 * }</pre>
 *
 * @param maxLr the peak learning rate
 * @param totalSteps steps of the cycle; empty to take the run's total
 * @param pctStart fraction of the cycle spent rising, in {@code (0, 1)} (default 0.3)
 * @param annealStrategy cos or linear (default cos)
 * @param cycleMomentum whether momentum is cycled (default true)
 * @param baseMomentum momentum at the LR peak (default 0.85)
 * @param maxMomentum momentum at the start and end (default 0.95)
 * @param divFactor {@code initial = max_lr / div_factor}, {@code > 0} (default 25)
 * @param finalDivFactor {@code min = initial / final_div_factor}, {@code > 0} (default 1e4)
 * @param threePhase use the paper's three phases (default false)
 */
public record OneCycleLr(
    double maxLr,
    OptionalLong totalSteps,
    double pctStart,
    Anneal annealStrategy,
    boolean cycleMomentum,
    double baseMomentum,
    double maxMomentum,
    double divFactor,
    double finalDivFactor,
    boolean threePhase)
    implements LrSchedule {

  static final String NAME = "OneCycleLR";

  /** Validates the arguments. */
  public OneCycleLr {
    Check.lr(NAME, "max_lr", maxLr);
    Check.optionalPositive(NAME, "total_steps", totalSteps);
    Check.arg(pctStart > 0 && pctStart < 1, NAME, "pct_start", pctStart, "(0, 1)");
    java.util.Objects.requireNonNull(annealStrategy, "annealStrategy");
    Check.positive(NAME, "div_factor", divFactor);
    Check.positive(NAME, "final_div_factor", finalDivFactor);
    Check.arg(Double.isFinite(baseMomentum), NAME, "base_momentum", baseMomentum, "a finite number");
    Check.arg(Double.isFinite(maxMomentum), NAME, "max_momentum", maxMomentum, "a finite number");
    if (totalSteps.isPresent()) {
      checkPhases(totalSteps.getAsLong(), pctStart, threePhase);
    }
  }

  /**
   * Creates a one-cycle schedule with PyTorch's defaults that spans the run's total.
   *
   * @param maxLr the peak learning rate
   * @return the schedule
   */
  public static OneCycleLr of(double maxLr) {
    return new OneCycleLr(maxLr, OptionalLong.empty(), 0.3, Anneal.COS, true, 0.85, 0.95, 25.0,
        1e4, false);
  }

  /**
   * Returns a copy that spans a fixed number of steps.
   *
   * @param steps the cycle's steps
   * @return the copy
   */
  public OneCycleLr withTotalSteps(long steps) {
    return new OneCycleLr(maxLr, OptionalLong.of(steps), pctStart, annealStrategy, cycleMomentum,
        baseMomentum, maxMomentum, divFactor, finalDivFactor, threePhase);
  }

  /**
   * Returns a copy with another rising fraction.
   *
   * @param pct the fraction in (0, 1)
   * @return the copy
   */
  public OneCycleLr withPctStart(double pct) {
    return new OneCycleLr(maxLr, totalSteps, pct, annealStrategy, cycleMomentum, baseMomentum,
        maxMomentum, divFactor, finalDivFactor, threePhase);
  }

  /**
   * Returns a copy with another annealing strategy.
   *
   * @param anneal the strategy
   * @return the copy
   */
  public OneCycleLr withAnneal(Anneal anneal) {
    return new OneCycleLr(maxLr, totalSteps, pctStart, anneal, cycleMomentum, baseMomentum,
        maxMomentum, divFactor, finalDivFactor, threePhase);
  }

  /**
   * Returns a copy with or without the third phase.
   *
   * @param three true for the paper's three phases
   * @return the copy
   */
  public OneCycleLr withThreePhase(boolean three) {
    return new OneCycleLr(maxLr, totalSteps, pctStart, annealStrategy, cycleMomentum, baseMomentum,
        maxMomentum, divFactor, finalDivFactor, three);
  }

  private static void checkPhases(long total, double pctStart, boolean threePhase) {
    double firstEnd = pctStart * total - 1;
    Check.arg(firstEnd > 0, NAME, "pct_start", pctStart,
        "values with pct_start * total_steps > 1 (total_steps=" + total
            + "; otherwise the rising phase has no length)");
    double last = total - 1;
    double secondEnd = threePhase ? 2 * pctStart * total - 2 : last;
    Check.arg(secondEnd > firstEnd && (!threePhase || last > secondEnd), NAME, "pct_start",
        pctStart, "values that leave every phase at least one step (total_steps=" + total
            + ", three_phase=" + threePhase + ")");
  }

  /** Returns {lr, momentum} at a step. */
  private double[] evaluate(long step, long callerTotal) {
    Check.step(NAME, step);
    long total = Check.total(NAME, "total_steps", totalSteps, callerTotal);
    if (totalSteps.isEmpty()) {
      checkPhases(total, pctStart, threePhase);
    }
    Check.arg(step <= total, NAME, "step", step, "[0, " + total + "] (total_steps=" + total + ")");
    double initial = maxLr / divFactor;
    double min = initial / finalDivFactor;
    double[] ends;
    double[][] lrs;
    double[][] moms;
    if (threePhase) {
      ends = new double[] {pctStart * total - 1, 2 * pctStart * total - 2, total - 1};
      lrs = new double[][] {{initial, maxLr}, {maxLr, initial}, {initial, min}};
      moms = new double[][] {{maxMomentum, baseMomentum}, {baseMomentum, maxMomentum},
          {maxMomentum, maxMomentum}};
    } else {
      ends = new double[] {pctStart * total - 1, total - 1};
      lrs = new double[][] {{initial, maxLr}, {maxLr, min}};
      moms = new double[][] {{maxMomentum, baseMomentum}, {baseMomentum, maxMomentum}};
    }
    double start = 0;
    for (int i = 0; i < ends.length; i++) {
      if (step <= ends[i] || i == ends.length - 1) {
        double pct = (step - start) / (ends[i] - start);
        return new double[] {
          annealStrategy.between(lrs[i][0], lrs[i][1], pct),
          annealStrategy.between(moms[i][0], moms[i][1], pct)
        };
      }
      start = ends[i];
    }
    throw new AssertionError("unreachable");
  }

  /** @return true: the definition carries its learning rates */
  @Override
  public boolean absolute() {
    return true;
  }

  @Override
  public double lr(long step, long totalSteps) {
    return evaluate(step, totalSteps)[0];
  }

  @Override
  public OptionalDouble momentum(long step, long totalSteps) {
    return cycleMomentum ? OptionalDouble.of(evaluate(step, totalSteps)[1]) : OptionalDouble.empty();
  }

  @Override
  public String toString() {
    SpecWriter w = new SpecWriter(NAME).arg("max_lr", maxLr);
    totalSteps.ifPresent(t -> w.arg("total_steps", t));
    return w.arg("pct_start", pctStart).arg("anneal_strategy", annealStrategy.specName())
        .arg("cycle_momentum", cycleMomentum).arg("base_momentum", baseMomentum)
        .arg("max_momentum", maxMomentum).arg("div_factor", divFactor)
        .arg("final_div_factor", finalDivFactor).arg("three_phase", threePhase).toString();
  }
}
