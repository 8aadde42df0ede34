package dev.finetune.schedules.unfreeze;

/**
 * How fast an unfreeze schedule advances: its stage index at a given epoch and step.
 *
 * <p>{@code stage = floor(epoch / every)} per epochs, or {@code floor(step / every)} per steps.
 *
 * <pre>{@code
 * Pace.perEpoch().stage(2, 1234);      // 2
 * Pace.everySteps(100).stage(2, 1234); // 12
 * }</pre>
 *
 * @param unit epochs or optimizer steps
 * @param every how many units per stage, {@code >= 1}
 */
public record Pace(Unit unit, long every) {

  /** What a pace counts. */
  public enum Unit {
    /** Epochs. */
    EPOCHS,
    /** Optimizer steps. */
    STEPS
  }

  /** Validates the pace. */
  public Pace {
    java.util.Objects.requireNonNull(unit, "unit");
    if (every < 1) {
      throw new IllegalArgumentException(
          "pace: every=" + every + " " + unit.name().toLowerCase(java.util.Locale.ROOT)
              + " is out of range; allowed [1, inf)");
    }
  }

  /**
   * One stage per epoch (ULMFiT).
   *
   * @return the pace
   */
  public static Pace perEpoch() {
    return new Pace(Unit.EPOCHS, 1);
  }

  /**
   * One stage every {@code n} epochs.
   *
   * @param n epochs per stage
   * @return the pace
   */
  public static Pace everyEpochs(long n) {
    return new Pace(Unit.EPOCHS, n);
  }

  /**
   * One stage every {@code n} optimizer steps.
   *
   * @param n steps per stage
   * @return the pace
   */
  public static Pace everySteps(long n) {
    return new Pace(Unit.STEPS, n);
  }

  /**
   * Computes the stage index.
   *
   * @param epoch the 0-based epoch
   * @param step the 0-based optimizer step
   * @return the 0-based stage
   */
  public long stage(long epoch, long step) {
    if (epoch < 0 || step < 0) {
      throw new IllegalArgumentException("pace: epoch=" + epoch + ", step=" + step
          + " are out of range; allowed [0, inf)");
    }
    return (unit == Unit.EPOCHS ? epoch : step) / every;
  }
}
