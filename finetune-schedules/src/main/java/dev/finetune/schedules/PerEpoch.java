package dev.finetune.schedules;

import dev.finetune.schedules.spec.SpecWriter;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * Steps a schedule once per epoch (as PyTorch scripts that call {@code scheduler.step()} after
 * each epoch do), while the trainer asks per optimizer step.
 *
 * <p>{@code lr(t) = inner.lr(floor(t / steps_per_epoch), ceil(T / steps_per_epoch))}.
 *
 * <pre>{@code
 * LrSchedule s = Schedules.parse("per_epoch(StepLR(step_size=1,gamma=0.5),steps_per_epoch=100)");
 * s.lr(99);   // 1.0
 * s.lr(100);  // 0.5
 * }</pre>
 *
 * @param schedule the per-epoch schedule
 * @param stepsPerEpoch optimizer steps per epoch, {@code >= 1}
 */
public record PerEpoch(LrSchedule schedule, long stepsPerEpoch) implements LrSchedule {

  static final String NAME = "per_epoch";

  /** Validates the arguments. */
  public PerEpoch {
    Objects.requireNonNull(schedule, "schedule");
    Check.positive(NAME, "steps_per_epoch", stepsPerEpoch);
  }

  private long epochs(long totalSteps) {
    return totalSteps <= 0 ? UNKNOWN_TOTAL : (totalSteps + stepsPerEpoch - 1) / stepsPerEpoch;
  }

  /** @return whether the wrapped schedule is absolute */
  @Override
  public boolean absolute() {
    return schedule.absolute();
  }

  /**
   * Steps the wrapped schedule at the base LR per epoch.
   *
   * @param baseLr the optimizer's base learning rate
   * @return the schedule in learning rates
   */
  @Override
  public LrSchedule atBaseLr(double baseLr) {
    return new PerEpoch(schedule.atBaseLr(baseLr), stepsPerEpoch);
  }

  @Override
  public double lr(long step, long totalSteps) {
    Check.step(NAME, step);
    return schedule.lr(step / stepsPerEpoch, epochs(totalSteps));
  }

  @Override
  public OptionalDouble momentum(long step, long totalSteps) {
    Check.step(NAME, step);
    return schedule.momentum(step / stepsPerEpoch, epochs(totalSteps));
  }

  @Override
  public String toString() {
    return new SpecWriter(NAME).nested(null, schedule.toString())
        .arg("steps_per_epoch", stepsPerEpoch).toString();
  }
}
