package dev.finetune.schedules;

import dev.finetune.schedules.spec.SpecWriter;
import java.util.OptionalLong;

/**
 * Hugging Face {@code get_polynomial_decay_schedule_with_warmup}.
 *
 * <p>{@code lr(t) = lr * t / max(1, W)} for {@code t < W}; {@code lr_end} for {@code t > T};
 * otherwise {@code (lr - lr_end) * (1 - (t - W) / (T - W))^power + lr_end}. Hugging Face
 * computes it as a factor of {@code lr}; so does this class.
 *
 * <pre>{@code
 * LrSchedule s = Schedules.parse(
 *     "polynomial_decay_with_warmup(num_warmup_steps=0,num_training_steps=10,lr_end=0.0,power=2.0,lr=1.0)");
 * s.lr(5);  // 0.25
 * }</pre>
 *
 * @param warmup warm-up length {@code W}
 * @param numTrainingSteps {@code T}; empty to take the run's total
 * @param lrEnd the final learning rate, in {@code [0, lr)} (default 1e-7)
 * @param power the power, {@code > 0} (default 1)
 * @param lr the peak learning rate
 */
public record PolynomialDecayWithWarmup(
    WarmupLength warmup, OptionalLong numTrainingSteps, double lrEnd, double power, double lr)
    implements LrSchedule {

  static final String NAME = "polynomial_decay_with_warmup";

  /** Validates the arguments. */
  public PolynomialDecayWithWarmup {
    java.util.Objects.requireNonNull(warmup, "warmup");
    Check.optionalPositive(NAME, "num_training_steps", numTrainingSteps);
    Check.lr(NAME, "lr", lr);
    Check.arg(lrEnd >= 0 && lrEnd < lr, NAME, "lr_end", lrEnd, "[0, lr) with lr=" + lr);
    Check.positive(NAME, "power", power);
  }

  /**
   * Multiplies the starting LR by the base LR; {@code lr_end} is an absolute LR and stays.
   *
   * @param baseLr the optimizer's base learning rate
   * @return the schedule in learning rates
   */
  @Override
  public PolynomialDecayWithWarmup atBaseLr(double baseLr) {
    return new PolynomialDecayWithWarmup(warmup, numTrainingSteps, lrEnd, power, lr * baseLr);
  }

  @Override
  public double lr(long step, long totalSteps) {
    return HfWarmup.lr(NAME, warmup, numTrainingSteps, step, totalSteps, lr, (s, w, t) -> {
      if (s > t) {
        return lrEnd / lr;
      }
      Check.arg(t > w, NAME, "num_training_steps", t, "values above num_warmup_steps=" + w);
      double pctRemaining = 1 - (double) (s - w) / (double) (t - w);
      return ((lr - lrEnd) * Math.pow(pctRemaining, power) + lrEnd) / lr;
    });
  }


  @Override
  public String toString() {
    SpecWriter w = new SpecWriter(NAME);
    warmup.write(w);
    numTrainingSteps.ifPresent(t -> w.arg("num_training_steps", t));
    return w.arg("lr_end", lrEnd).arg("power", power).arg("lr", lr).toString();
  }
}
