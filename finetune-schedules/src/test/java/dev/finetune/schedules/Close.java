package dev.finetune.schedules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The tolerance every schedule test uses: 1e-9 relative (1e-15 absolute around 0). */
public final class Close {

  /** Relative tolerance required by the issue. */
  public static final double REL = 1e-9;

  private Close() {}

  /**
   * Asserts {@code |actual - expected| <= 1e-9 * |expected|} (or {@code <= 1e-15} when expected
   * is 0).
   *
   * @param actual the computed value
   * @param expected the reference value
   */
  public static void close(double actual, double expected) {
    double tol = expected == 0 ? 1e-15 : REL * Math.abs(expected);
    assertThat(actual).isCloseTo(expected, within(tol));
  }
}
