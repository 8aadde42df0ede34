package dev.finetune.experiments.search;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Synchronous successive halving (Li et al. 2018, Algorithm 1 without brackets): all {@code n}
 * trials run to the first rung; when the rung is complete, exactly the top {@code floor(n / eta)}
 * (at least one; ties to the lower trial index) are promoted to the next rung, and so on up to the
 * last rung. With one rung every trial runs to the full budget: the random and grid baselines.
 *
 * <pre>{@code
 * Scheduler sh = new SuccessiveHalving(9, 3, 3);   // rungs of 9, 3 and 1 trials
 * }</pre>
 */
public final class SuccessiveHalving implements Scheduler {

  private final int rungs;
  private final int eta;
  private final List<List<Integer>> members = new ArrayList<>();
  private final List<Map<Integer, Double>> scores = new ArrayList<>();
  private final Set<Job> handed = new HashSet<>();
  private int current;
  private int nextInRung;

  /**
   * Creates the schedule.
   *
   * @param trials the trials of the first rung, at least 1
   * @param rungs the number of rungs, at least 1
   * @param eta the reduction factor, at least 2
   */
  public SuccessiveHalving(int trials, int rungs, int eta) {
    Rungs.check(trials, rungs, eta);
    this.rungs = rungs;
    this.eta = eta;
    List<Integer> first = new ArrayList<>();
    for (int i = 0; i < trials; i++) {
      first.add(i);
    }
    members.add(first);
    scores.add(new HashMap<>());
  }

  @Override
  public Optional<Job> next() {
    List<Integer> rung = members.get(current);
    if (nextInRung < rung.size()) {
      Job job = new Job(rung.get(nextInRung++), current);
      handed.add(job);
      return Optional.of(job);
    }
    if (scores.get(current).size() < rung.size() || current == rungs - 1) {
      return Optional.empty();
    }
    members.add(Rungs.top(scores.get(current), Math.max(1, rung.size() / eta)));
    scores.add(new HashMap<>());
    current++;
    nextInRung = 0;
    return next();
  }

  @Override
  public void report(Job job, double score) {
    if (!handed.remove(job)) {
      throw new IllegalArgumentException(job + " was not handed out or already has a result");
    }
    scores.get(job.rung()).put(job.trial(), score);
  }

  @Override
  public boolean finished() {
    return current == rungs - 1 && scores.get(current).size() == members.get(current).size();
  }

  /** @return the trials of the first rung */
  int trialCount() {
    return members.get(0).size();
  }

  /**
   * The trials of each rung so far (the promoted ones in rank order).
   *
   * @return one list per rung started
   */
  public List<List<Integer>> rungMembers() {
    return members.stream().map(List::copyOf).toList();
  }

  /** Helpers shared by the schedulers. */
  static final class Rungs {
    private Rungs() {}

    static void check(int trials, int rungs, int eta) {
      if (trials < 1) {
        throw new IllegalArgumentException("trials must be at least 1, got " + trials);
      }
      if (rungs < 1) {
        throw new IllegalArgumentException("rungs must be at least 1, got " + rungs);
      }
      if (eta < 2) {
        throw new IllegalArgumentException("eta (the reduction factor) must be at least 2, got " + eta);
      }
    }

    /** Trial indices by score, best first (NaN last, ties to the lower index), the first k. */
    static List<Integer> top(Map<Integer, Double> scores, int k) {
      return scores.entrySet().stream()
          .sorted(Comparator.<Map.Entry<Integer, Double>>comparingDouble(e -> rank(e.getValue()))
              .reversed().thenComparing(Map.Entry::getKey))
          .limit(k)
          .map(Map.Entry::getKey)
          .toList();
    }

    private static double rank(double score) {
      return Double.isNaN(score) ? Double.NEGATIVE_INFINITY : score;
    }
  }
}
