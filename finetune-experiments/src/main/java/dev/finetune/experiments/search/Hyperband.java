package dev.finetune.experiments.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Hyperband (Li et al. 2018, Algorithm 1): brackets {@code s = s_max .. 0} of synchronous
 * successive halving, from the most aggressive (many trials, the smallest budget) to plain random
 * search (few trials, each to the full budget). With {@code K} rungs ({@code s_max = K - 1}, the
 * rungs {@code r, r·eta, ..., R}), bracket {@code s} draws {@code n = ceil((s_max + 1) · eta^s /
 * (s + 1))} trials, starts them on rung {@code s_max - s} and keeps the top {@code floor(n_i /
 * eta)} on each rung above, {@code n_i = floor(n · eta^-i)}, as in the paper. Each bracket takes
 * its own block of trials (in bracket order), so the search needs {@link #trials(int, int)} of them.
 *
 * <p>For R = 81 and eta = 3 (rungs 1, 3, 9, 27, 81): brackets of 81, 34, 15, 8 and 5 trials,
 * 143 in all, as in the paper's table. The brackets run in order; while a bracket waits for a rung
 * to fill (a parallel backend), {@link #next()} hands out jobs of the later ones, so workers do not
 * idle. The jobs each bracket makes do not depend on the order of the results, so every backend
 * trains the same (trial, rung) pairs.
 *
 * <pre>{@code
 * Scheduler hb = new Hyperband(5, 3);   // rungs 1, 3, 9, 27, 81 (in units of the first)
 * Hyperband.trials(5, 3);                // 143
 * }</pre>
 */
public final class Hyperband implements Scheduler {

  private final List<Bracket> brackets = new ArrayList<>();

  /** One bracket: its successive halving over local trial indices, placed in the global numbering. */
  private record Bracket(int s, int firstTrial, int firstRung, SuccessiveHalving halving) {
    Job global(Job local) {
      return new Job(firstTrial + local.trial(), firstRung + local.rung());
    }
  }

  /**
   * Creates the brackets.
   *
   * @param rungs the number of rungs {@code K}, at least 1 ({@code s_max = K - 1})
   * @param eta the reduction factor, at least 2
   */
  public Hyperband(int rungs, int eta) {
    SuccessiveHalving.Rungs.check(1, rungs, eta);
    int sMax = rungs - 1;
    int first = 0;
    for (int s = sMax; s >= 0; s--) {
      int n = bracketTrials(sMax, s, eta);
      brackets.add(new Bracket(s, first, sMax - s, new SuccessiveHalving(n, s + 1, eta)));
      first += n;
    }
  }

  /**
   * The trials of bracket {@code s}: {@code ceil((s_max + 1) · eta^s / (s + 1))}.
   *
   * @param sMax the largest bracket ({@code K - 1})
   * @param s the bracket, {@code 0 <= s <= sMax}
   * @param eta the reduction factor
   * @return the number of trials it starts
   */
  public static int bracketTrials(int sMax, int s, int eta) {
    long num = (sMax + 1L) * pow(eta, s);
    return Math.toIntExact((num + s) / (s + 1));
  }

  /**
   * The trials a Hyperband search draws: the sum over its brackets.
   *
   * @param rungs the number of rungs {@code K}
   * @param eta the reduction factor
   * @return e.g. 143 for 5 rungs and eta 3
   */
  public static int trials(int rungs, int eta) {
    SuccessiveHalving.Rungs.check(1, rungs, eta);
    int total = 0;
    for (int s = rungs - 1; s >= 0; s--) {
      total = Math.addExact(total, bracketTrials(rungs - 1, s, eta));
    }
    return total;
  }

  private static long pow(int eta, int s) {
    long p = 1;
    for (int i = 0; i < s; i++) {
      p = Math.multiplyExact(p, eta);
    }
    return p;
  }

  @Override
  public Optional<Job> next() {
    for (Bracket b : brackets) {
      Optional<Job> job = b.halving().next();
      if (job.isPresent()) {
        return Optional.of(b.global(job.get()));
      }
    }
    return Optional.empty();
  }

  @Override
  public void report(Job job, double score) {
    for (Bracket b : brackets) {
      int local = job.trial() - b.firstTrial();
      if (local >= 0 && local < b.halving().trialCount()) {
        b.halving().report(new Job(local, job.rung() - b.firstRung()), score);
        return;
      }
    }
    throw new IllegalArgumentException(job + " was not handed out or already has a result");
  }

  @Override
  public boolean finished() {
    return brackets.stream().allMatch(b -> b.halving().finished());
  }

  /**
   * Each bracket's trials per rung so far (global trial indices), in bracket order {@code s_max
   * .. 0}.
   *
   * @return per bracket, one list per rung started
   */
  public List<List<List<Integer>>> bracketMembers() {
    List<List<List<Integer>>> out = new ArrayList<>();
    for (Bracket b : brackets) {
      out.add(b.halving().rungMembers().stream()
          .map(rung -> rung.stream().map(t -> t + b.firstTrial()).toList()).toList());
    }
    return out;
  }

  /**
   * The rung each bracket starts on, in bracket order (bracket {@code s} starts on {@code s_max -
   * s}).
   *
   * @return the first rung of each bracket
   */
  public List<Integer> firstRungs() {
    return brackets.stream().map(Bracket::firstRung).toList();
  }
}
