package dev.finetune.schedules;

import java.util.OptionalLong;

/** Argument checks that name the schedule, the argument, the value and the allowed range. */
final class Check {

  private Check() {}

  static void arg(boolean ok, String owner, String arg, Object value, String allowed) {
    if (!ok) {
      throw new IllegalArgumentException(
          owner + ": " + arg + "=" + value + " is out of range; allowed " + allowed);
    }
  }

  static void lr(String owner, String arg, double value) {
    arg(value >= 0 && Double.isFinite(value), owner, arg, value, "[0, inf)");
  }

  static void positive(String owner, String arg, double value) {
    arg(value > 0 && Double.isFinite(value), owner, arg, value, "(0, inf)");
  }

  static void positive(String owner, String arg, long value) {
    arg(value >= 1, owner, arg, value, "[1, inf) (an integer)");
  }

  static void nonNegative(String owner, String arg, long value) {
    arg(value >= 0, owner, arg, value, "[0, inf) (an integer)");
  }

  static void step(String owner, long step) {
    arg(step >= 0, owner, "step", step, "[0, inf) (steps are 0-based)");
  }

  static void optionalPositive(String owner, String arg, OptionalLong value) {
    if (value.isPresent()) {
      positive(owner, arg, value.getAsLong());
    }
  }

  /**
   * Resolves the number of steps a schedule spans: its own when configured, else the caller's.
   */
  static long total(String owner, String arg, OptionalLong configured, long callerTotal) {
    if (configured.isPresent()) {
      return configured.getAsLong();
    }
    if (callerTotal <= 0) {
      throw new IllegalArgumentException(
          owner + ": " + arg + " is not set and the caller passed totalSteps=" + callerTotal
              + "; give " + arg + "=N in the spec or call lr(step, totalSteps) with totalSteps >= 1");
    }
    return callerTotal;
  }
}
