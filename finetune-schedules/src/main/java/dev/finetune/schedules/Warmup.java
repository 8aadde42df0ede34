package dev.finetune.schedules;

import dev.finetune.schedules.spec.SpecWriter;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * A warm-up in front of any schedule; the wrapped schedule starts at its own step 0 after it.
 *
 * <p>With {@code W} warm-up steps ({@code num_warmup_steps}, or {@code ceil(T * warmup_ratio)})
 * and {@code target = inner.lr(0, T - W)}: for {@code t < W},
 * {@code lr(t) = target * (s + (1 - s) * t / W)} ({@code linear}) or {@code target * s}
 * ({@code constant}), {@code s = start_factor}; for {@code t >= W},
 * {@code lr(t) = inner.lr(t - W, T - W)}. Momentum during warm-up is the inner schedule's at its
 * step 0. The warm-up is as absolute as the wrapped schedule: in front of {@code OneCycleLR} it
 * ramps to {@code max_lr / div_factor} whatever the base LR.
 *
 * <pre>{@code
 * LrSchedule s = Schedules.parse("warmup(CosineAnnealingLR(T_max=90,lr=0.1),num_warmup_steps=10)");
 * s.lr(5);   // 0.05
 * s.lr(10);  // 0.1
 * }</pre>
 *
 * @param schedule the schedule after warm-up
 * @param length the warm-up length
 * @param mode linear ramp or constant factor
 * @param startFactor the factor at step 0, in {@code [0, 1]} (linear default 0, constant default
 *     0.1; a constant warm-up needs it {@code > 0})
 */
public record Warmup(LrSchedule schedule, WarmupLength length, Mode mode, double startFactor)
    implements LrSchedule {

  static final String NAME = "warmup";

  /** The warm-up's shape.
   *
   * <pre>{@code
   * Warmup.Mode m = Warmup.Mode.LINEAR;
   * }</pre>
   */
  public enum Mode {
    /** Linear ramp from {@code start_factor} to 1. */
    LINEAR,
    /** Constant factor {@code start_factor}. */
    CONSTANT
  }

  /** Validates the arguments. */
  public Warmup {
    Objects.requireNonNull(schedule, "schedule");
    Objects.requireNonNull(length, "length");
    Objects.requireNonNull(mode, "mode");
    if (mode == Mode.CONSTANT) {
      Check.arg(startFactor > 0 && startFactor <= 1, NAME, "start_factor", startFactor,
          "(0, 1] for mode=constant");
    } else {
      Check.arg(startFactor >= 0 && startFactor <= 1, NAME, "start_factor", startFactor, "[0, 1]");
    }
  }

  private long innerTotal(long totalSteps, long w) {
    return totalSteps > w ? totalSteps - w : UNKNOWN_TOTAL;
  }

  /** @return whether the wrapped schedule is absolute */
  @Override
  public boolean absolute() {
    return schedule.absolute();
  }

  /**
   * Warms up to the wrapped schedule at the base LR (an absolute one keeps its own LRs).
   *
   * @param baseLr the optimizer's base learning rate
   * @return the schedule in learning rates
   */
  @Override
  public LrSchedule atBaseLr(double baseLr) {
    return new Warmup(schedule.atBaseLr(baseLr), length, mode, startFactor);
  }

  @Override
  public double lr(long step, long totalSteps) {
    Check.step(NAME, step);
    long w = length.resolve(NAME, totalSteps);
    long inner = innerTotal(totalSteps, w);
    if (step >= w) {
      return schedule.lr(step - w, inner);
    }
    double target = schedule.lr(0, inner);
    double factor = mode == Mode.LINEAR
        ? startFactor + (1 - startFactor) * step / (double) w
        : startFactor;
    return target * factor;
  }

  @Override
  public OptionalDouble momentum(long step, long totalSteps) {
    Check.step(NAME, step);
    long w = length.resolve(NAME, totalSteps);
    return schedule.momentum(Math.max(0, step - w), innerTotal(totalSteps, w));
  }

  @Override
  public String toString() {
    SpecWriter w = new SpecWriter(NAME).nested(null, schedule.toString());
    length.write(w);
    return w.arg("mode", mode.name().toLowerCase(java.util.Locale.ROOT))
        .arg("start_factor", startFactor).toString();
  }
}
