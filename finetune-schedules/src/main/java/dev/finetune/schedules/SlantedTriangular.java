package dev.finetune.schedules;

import dev.finetune.schedules.spec.SpecWriter;
import java.util.OptionalLong;

/**
 * ULMFiT's slanted triangular learning rate (Howard &amp; Ruder 2018, eq. 3).
 *
 * <p>{@code cut = floor(T * cut_frac)}; {@code p = t / cut} for {@code t < cut}, else
 * {@code p = 1 - (t - cut) / (cut * (1 / cut_frac - 1))};
 * {@code lr(t) = lr * (1 + p * (ratio - 1)) / ratio}. {@code lr} is the paper's
 * {@code eta_max}. Beyond {@code T}, {@code p} is held at 0 (the paper defines {@code t <= T}).
 *
 * <pre>{@code
 * LrSchedule s = Schedules.parse("slanted_triangular(num_training_steps=100,cut_frac=0.1,ratio=32,lr=0.01)");
 * s.lr(0);   // 0.01 / 32
 * s.lr(10);  // 0.01
 * }</pre>
 *
 * @param numTrainingSteps {@code T}; empty to take the run's total
 * @param cutFrac fraction of steps spent rising, in {@code (0, 1)} (default 0.1)
 * @param ratio how much smaller the lowest LR is than the peak, {@code >= 1} (default 32)
 * @param lr the peak learning rate {@code eta_max}
 */
public record SlantedTriangular(
    OptionalLong numTrainingSteps, double cutFrac, double ratio, double lr)
    implements LrSchedule {

  static final String NAME = "slanted_triangular";

  /** Validates the arguments. */
  public SlantedTriangular {
    Check.optionalPositive(NAME, "num_training_steps", numTrainingSteps);
    Check.arg(cutFrac > 0 && cutFrac < 1, NAME, "cut_frac", cutFrac, "(0, 1)");
    Check.arg(ratio >= 1 && Double.isFinite(ratio), NAME, "ratio", ratio, "[1, inf)");
    Check.lr(NAME, "lr", lr);
    if (numTrainingSteps.isPresent()) {
      checkCut(numTrainingSteps.getAsLong(), cutFrac);
    }
  }

  private static long checkCut(long total, double cutFrac) {
    long cut = (long) Math.floor(total * cutFrac);
    Check.arg(cut >= 1, NAME, "cut_frac", cutFrac,
        "values with floor(num_training_steps * cut_frac) >= 1 (num_training_steps=" + total + ")");
    return cut;
  }

  @Override
  public double lr(long step, long totalSteps) {
    Check.step(NAME, step);
    long t = Check.total(NAME, "num_training_steps", numTrainingSteps, totalSteps);
    long cut = checkCut(t, cutFrac);
    double p = step < cut
        ? (double) step / cut
        : 1 - (double) (step - cut) / (cut * (1 / cutFrac - 1));
    p = Math.max(0.0, p);
    return lr * (1 + p * (ratio - 1)) / ratio;
  }

  @Override
  public String toString() {
    SpecWriter w = new SpecWriter(NAME);
    numTrainingSteps.ifPresent(t -> w.arg("num_training_steps", t));
    return w.arg("cut_frac", cutFrac).arg("ratio", ratio).arg("lr", lr).toString();
  }
}
