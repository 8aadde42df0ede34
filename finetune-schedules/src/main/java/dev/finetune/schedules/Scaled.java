package dev.finetune.schedules;

import dev.finetune.schedules.spec.SpecWriter;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * A schedule whose learning rates are multiplied by a constant factor.
 *
 * <p>{@code lr(t) = factor * inner.lr(t, T)}; momentum is the inner schedule's.
 *
 * <pre>{@code
 * Schedules.parse("scaled(linear_with_warmup(num_warmup_steps=0),factor=2e-5)").lr(0, 100);  // 2e-5
 * }</pre>
 *
 * @param schedule the inner schedule
 * @param factor the factor, {@code >= 0}
 */
public record Scaled(LrSchedule schedule, double factor) implements LrSchedule {

  static final String NAME = "scaled";

  /** Validates the arguments. */
  public Scaled {
    Objects.requireNonNull(schedule, "schedule");
    Check.lr(NAME, "factor", factor);
  }

  /** @return whether the wrapped schedule is absolute */
  @Override
  public boolean absolute() {
    return schedule.absolute();
  }

  /**
   * Scales the wrapped schedule at the base LR.
   *
   * @param baseLr the optimizer's base learning rate
   * @return the schedule in learning rates
   */
  @Override
  public LrSchedule atBaseLr(double baseLr) {
    return new Scaled(schedule.atBaseLr(baseLr), factor);
  }

  @Override
  public double lr(long step, long totalSteps) {
    return factor * schedule.lr(step, totalSteps);
  }

  @Override
  public OptionalDouble momentum(long step, long totalSteps) {
    return schedule.momentum(step, totalSteps);
  }

  @Override
  public String toString() {
    return new SpecWriter(NAME).nested(null, schedule.toString()).arg("factor", factor).toString();
  }
}
