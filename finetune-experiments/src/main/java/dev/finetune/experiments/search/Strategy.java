package dev.finetune.experiments.search;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How a search spends its budget. {@code random} and {@code grid} are the baselines: every trial
 * (drawn at random, or every combination of the lists) trains to the full budget.
 * {@code successive_halving} and {@code asha} draw trials at random and train them on rungs of
 * growing budgets, promoting the top {@code 1/eta} of each rung (synchronously, or as soon as a
 * result allows). {@code hyperband} runs brackets of successive halving, from many trials on the
 * smallest budget to a few on the full one, and draws as many trials as its brackets need.
 *
 * <pre>{@code
 * Strategy s = Strategy.parse("asha");
 * }</pre>
 */
public enum Strategy {
  /** Random trials, each to the full budget. */
  RANDOM(false, (trials, rungs, eta) -> new SuccessiveHalving(trials, 1, eta)),
  /** Every combination of the space's lists, each to the full budget. */
  GRID(false, (trials, rungs, eta) -> new SuccessiveHalving(trials, 1, eta)),
  /** Synchronous successive halving over random trials. */
  SUCCESSIVE_HALVING(true, SuccessiveHalving::new),
  /** Asynchronous successive halving over random trials. */
  ASHA(true, Asha::new),
  /** Brackets of successive halving from aggressive to none, over random trials it counts itself. */
  HYPERBAND(true, (trials, rungs, eta) -> new Hyperband(rungs, eta));

  /** Builds a strategy's scheduler. */
  @FunctionalInterface
  interface SchedulerFactory {
    Scheduler create(int trials, int rungs, int eta);
  }

  private final boolean halving;
  private final SchedulerFactory factory;

  Strategy(boolean halving, SchedulerFactory factory) {
    this.halving = halving;
    this.factory = factory;
  }

  /**
   * A fresh scheduler for this strategy.
   *
   * @param trials the trials
   * @param rungs the rungs (the baselines use one)
   * @param eta the reduction factor
   * @return the scheduler
   */
  Scheduler scheduler(int trials, int rungs, int eta) {
    return factory.create(trials, rungs, eta);
  }

  /** @return the name in config files, e.g. {@code successive_halving} */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** @return whether trials are promoted over rungs (otherwise one rung: the full budget) */
  public boolean halving() {
    return halving;
  }

  /** @return the names in config files */
  public static List<String> keys() {
    return Arrays.stream(values()).map(Strategy::key).toList();
  }

  /**
   * Reads a name.
   *
   * @param key e.g. {@code asha}
   * @return the strategy
   * @throws IllegalArgumentException listing the names
   */
  public static Strategy parse(String key) {
    for (Strategy s : values()) {
      if (s.key().equals(key)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown strategy '" + key + "'; use one of " + keys());
  }
}
