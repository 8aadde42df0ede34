package dev.finetune.experiments.search;

import java.nio.file.Path;

/**
 * Trains a trial up to a budget. A trial is run again with a larger budget when promoted: the
 * runner continues it from where it stopped (its own checkpoint in {@code trialDir}), so the step
 * counter, optimizer state and LR schedule carry over. {@link GridTrialRunner} trains on the grid
 * machinery; tests plug in fake learning curves.
 *
 * <pre>{@code
 * TrialRunner fake = (trial, steps, dir) -> new TrialResult(steps, curve(trial, steps), 0);
 * }</pre>
 */
@FunctionalInterface
public interface TrialRunner {

  /**
   * Trains the trial until it has taken {@code steps} optimizer steps in all (or its schedule
   * ends), then evaluates it.
   *
   * @param trial the trial
   * @param steps the total steps to reach
   * @param trialDir the trial's own folder (checkpoint, rung results), created by the search
   * @return the steps reached and the metric there
   */
  TrialResult run(Trial trial, long steps, Path trialDir);
}
