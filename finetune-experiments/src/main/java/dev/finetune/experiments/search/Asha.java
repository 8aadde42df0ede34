package dev.finetune.experiments.search;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Asynchronous successive halving (ASHA, Li et al. 2018, Algorithm 2): whenever a worker asks for
 * a job, promote the best trial of the highest rung that has one in its top {@code 1/eta} not yet
 * promoted (top {@code floor(results / eta)} of the results that rung has so far); otherwise start
 * a new trial at rung 0. It never waits for a rung to fill: while trials remain to start, {@link
 * #next()} always has a job; once all are started it hands out promotions as results arrive.
 *
 * <pre>{@code
 * Scheduler asha = new Asha(27, 3, 3);   // 27 trials at most, rungs r, 3r, 9r
 * }</pre>
 */
public final class Asha implements Scheduler {

  private final int maxTrials;
  private final int rungs;
  private final int eta;
  private final List<Map<Integer, Double>> results = new ArrayList<>();
  private final List<Set<Integer>> promoted = new ArrayList<>();
  private final Set<Job> pending = new HashSet<>();
  private int started;

  /**
   * Creates the schedule.
   *
   * @param maxTrials trials to start at most, at least 1
   * @param rungs the number of rungs, at least 1
   * @param eta the reduction factor, at least 2
   */
  public Asha(int maxTrials, int rungs, int eta) {
    SuccessiveHalving.Rungs.check(maxTrials, rungs, eta);
    this.maxTrials = maxTrials;
    this.rungs = rungs;
    this.eta = eta;
    for (int k = 0; k < rungs; k++) {
      results.add(new LinkedHashMap<>());
      promoted.add(new HashSet<>());
    }
  }

  @Override
  public Optional<Job> next() {
    Optional<Job> job = promotion();
    if (job.isEmpty() && started < maxTrials) {
      job = Optional.of(new Job(started++, 0));
    }
    job.ifPresent(pending::add);
    return job;
  }

  private Optional<Job> promotion() {
    for (int k = rungs - 2; k >= 0; k--) {
      Map<Integer, Double> rung = results.get(k);
      for (int trial : SuccessiveHalving.Rungs.top(rung, rung.size() / eta)) {
        if (promoted.get(k).add(trial)) {
          return Optional.of(new Job(trial, k + 1));
        }
      }
    }
    return Optional.empty();
  }

  @Override
  public void report(Job job, double score) {
    if (!pending.remove(job)) {
      throw new IllegalArgumentException(job + " was not handed out or already has a result");
    }
    results.get(job.rung()).put(job.trial(), score);
  }

  @Override
  public boolean finished() {
    if (started < maxTrials || !pending.isEmpty()) {
      return false;
    }
    for (int k = rungs - 2; k >= 0; k--) {
      Map<Integer, Double> rung = results.get(k);
      for (int trial : SuccessiveHalving.Rungs.top(rung, rung.size() / eta)) {
        if (!promoted.get(k).contains(trial)) {
          return false;
        }
      }
    }
    return true;
  }
}
