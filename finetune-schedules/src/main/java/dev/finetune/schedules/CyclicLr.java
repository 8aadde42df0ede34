package dev.finetune.schedules;

import dev.finetune.schedules.spec.SpecWriter;
import java.util.OptionalDouble;

/**
 * PyTorch {@code CyclicLR} (Smith 2017): triangular cycles between {@code base_lr} and
 * {@code max_lr}, with momentum cycled inversely.
 *
 * <p>With {@code size = up + down} and {@code r = up / size}:
 * {@code cycle = floor(1 + t / size)}, {@code x = 1 + t / size - cycle},
 * {@code f = x / r} if {@code x <= r} else {@code (x - 1) / (r - 1)},
 * {@code lr(t) = base_lr + (max_lr - base_lr) * f * scale}, where {@code scale} is 1
 * ({@code triangular}), {@code 1 / 2^(cycle - 1)} ({@code triangular2}) or {@code gamma^t}
 * ({@code exp_range}). Momentum: {@code max_momentum - (max_momentum - base_momentum) * f * scale}.
 * An absolute schedule: the base LR of the optimizer does not scale it.
 *
 * <pre>{@code
 * LrSchedule s = Schedules.parse("CyclicLR(base_lr=0.001,max_lr=0.01,step_size_up=20,mode=triangular2)");
 * s.lr(20);  // 0.01
 * s.lr(60);  // 0.0055: second cycle, half the amplitude
 * }</pre>
 *
 * @param baseLr lower bound, {@code >= 0}
 * @param maxLr upper bound, {@code >= 0}
 * @param stepSizeUp steps of the rising half, {@code > 0} (default 2000)
 * @param stepSizeDown steps of the falling half, {@code > 0} (default: {@code step_size_up})
 * @param mode the amplitude policy
 * @param gamma base of {@code exp_range}'s scale, {@code > 0} (default 1)
 * @param cycleMomentum whether momentum is cycled (default true)
 * @param baseMomentum momentum at the LR peak (default 0.8)
 * @param maxMomentum momentum at the cycle start (default 0.9)
 */
public record CyclicLr(
    double baseLr,
    double maxLr,
    double stepSizeUp,
    double stepSizeDown,
    Mode mode,
    double gamma,
    boolean cycleMomentum,
    double baseMomentum,
    double maxMomentum)
    implements LrSchedule {

  static final String NAME = "CyclicLR";

  /** CyclicLR's amplitude policies.
   *
   * <pre>{@code
   * CyclicLr.Mode m = CyclicLr.Mode.TRIANGULAR2;
   * }</pre>
   */
  public enum Mode {
    /** Constant amplitude. */
    TRIANGULAR("triangular"),
    /** Amplitude halves every cycle. */
    TRIANGULAR2("triangular2"),
    /** Amplitude scales by {@code gamma^step}. */
    EXP_RANGE("exp_range");

    private final String specName;

    Mode(String specName) {
      this.specName = specName;
    }

    /**
     * Names the mode as PyTorch does.
     *
     * @return e.g. {@code triangular2}
     */
    public String specName() {
      return specName;
    }

    static Mode of(String name) {
      for (Mode m : values()) {
        if (m.specName.equals(name)) {
          return m;
        }
      }
      throw new IllegalArgumentException(NAME + ": mode=" + name
          + " is not allowed; allowed: triangular, triangular2, exp_range");
    }
  }

  /** Validates the arguments. */
  public CyclicLr {
    Check.lr(NAME, "base_lr", baseLr);
    Check.lr(NAME, "max_lr", maxLr);
    Check.positive(NAME, "step_size_up", stepSizeUp);
    Check.positive(NAME, "step_size_down", stepSizeDown);
    java.util.Objects.requireNonNull(mode, "mode");
    Check.positive(NAME, "gamma", gamma);
    Check.arg(Double.isFinite(baseMomentum), NAME, "base_momentum", baseMomentum, "a finite number");
    Check.arg(Double.isFinite(maxMomentum), NAME, "max_momentum", maxMomentum, "a finite number");
  }

  /**
   * Creates a triangular cycle with PyTorch's defaults for the rest.
   *
   * @param baseLr lower bound
   * @param maxLr upper bound
   * @param stepSizeUp steps of each half cycle
   * @return the schedule
   */
  public static CyclicLr triangular(double baseLr, double maxLr, double stepSizeUp) {
    return new CyclicLr(baseLr, maxLr, stepSizeUp, stepSizeUp, Mode.TRIANGULAR, 1.0, true, 0.8, 0.9);
  }

  /**
   * Returns a copy with another mode.
   *
   * @param newMode the mode
   * @return the copy
   */
  public CyclicLr withMode(Mode newMode) {
    return new CyclicLr(baseLr, maxLr, stepSizeUp, stepSizeDown, newMode, gamma, cycleMomentum,
        baseMomentum, maxMomentum);
  }

  /** The fraction {@code f * scale} of the amplitude in force at a step. */
  private double amplitude(long step) {
    Check.step(NAME, step);
    double totalSize = stepSizeUp + stepSizeDown;
    double stepRatio = stepSizeUp / totalSize;
    double cycle = Math.floor(1 + step / totalSize);
    double x = 1.0 + step / totalSize - cycle;
    double scaleFactor = x <= stepRatio ? x / stepRatio : (x - 1) / (stepRatio - 1);
    double scale = switch (mode) {
      case TRIANGULAR -> 1.0;
      case TRIANGULAR2 -> 1 / Math.pow(2.0, cycle - 1);
      case EXP_RANGE -> Math.pow(gamma, step);
    };
    return scaleFactor * scale;
  }

  /** @return true: the definition carries its learning rates */
  @Override
  public boolean absolute() {
    return true;
  }

  @Override
  public double lr(long step, long totalSteps) {
    return baseLr + (maxLr - baseLr) * amplitude(step);
  }

  @Override
  public OptionalDouble momentum(long step, long totalSteps) {
    if (!cycleMomentum) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(maxMomentum - (maxMomentum - baseMomentum) * amplitude(step));
  }

  @Override
  public String toString() {
    return new SpecWriter(NAME).arg("base_lr", baseLr).arg("max_lr", maxLr)
        .arg("step_size_up", stepSizeUp).arg("step_size_down", stepSizeDown)
        .arg("mode", mode.specName).arg("gamma", gamma).arg("cycle_momentum", cycleMomentum)
        .arg("base_momentum", baseMomentum).arg("max_momentum", maxMomentum).toString();
  }
}
