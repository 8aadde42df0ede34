package dev.finetune.experiments.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Hyperband's brackets on fixed fake scores, hand-checked against Li et al. 2018; no training. */
class HyperbandTest {

  /** Later trials score higher at every rung: the top of a rung is its highest indices. */
  private static double score(Job job) {
    return job.trial() + 1000.0 * job.rung();
  }

  private static List<Job> runSequentially(Scheduler s) {
    List<Job> jobs = new ArrayList<>();
    for (Optional<Job> j = s.next(); j.isPresent(); j = s.next()) {
      jobs.add(j.get());
      s.report(j.get(), score(j.get()));
    }
    assertThat(s.finished()).isTrue();
    return jobs;
  }

  @Test
  void bracketsOfR81Eta3AreThePapersTable() {
    // s_max = 4, B = 5R: n = ceil(5 * 3^s / (s + 1)) = 81, 34, 15, 8, 5 for s = 4..0
    assertThat(List.of(4, 3, 2, 1, 0)).extracting(s -> Hyperband.bracketTrials(4, s, 3))
        .containsExactly(81, 34, 15, 8, 5);
    assertThat(Hyperband.trials(5, 3)).isEqualTo(143);
    Hyperband hb = new Hyperband(5, 3);
    List<Job> jobs = runSequentially(hb);
    // n_i = floor(n * 3^-i) on each rung of each bracket; bracket s starts on rung 4 - s
    assertThat(hb.bracketMembers()).extracting(b -> b.stream().map(List::size).toList()).containsExactly(
        List.of(81, 27, 9, 3, 1), List.of(34, 11, 3, 1), List.of(15, 5, 1), List.of(8, 2), List.of(5));
    assertThat(hb.firstRungs()).containsExactly(0, 1, 2, 3, 4);
    assertThat(jobs).hasSize(121 + 49 + 21 + 10 + 5);
    // trials in bracket order: s = 4 takes 0..80, s = 3 81..114, s = 2 115..129, s = 1 130..137, s = 0 138..142
    assertThat(hb.bracketMembers().get(1).get(0)).first().isEqualTo(81);
    assertThat(hb.bracketMembers().get(4).get(0)).containsExactly(138, 139, 140, 141, 142);
    // the top third of each rung goes up: here the highest indices (floor(34 / 3) = 11 of 81..114)
    assertThat(hb.bracketMembers().get(1).get(1)).containsExactly(114, 113, 112, 111, 110, 109, 108, 107, 106, 105, 104);
    assertThat(hb.bracketMembers().get(1).get(2)).containsExactly(114, 113, 112);
    assertThat(hb.bracketMembers().get(0).get(4)).containsExactly(80);
    // brackets run one after the other in process: the first job of bracket s = 3 follows all of s = 4
    assertThat(jobs.get(121)).isEqualTo(new Job(81, 1));
  }

  @Test
  void budgetsOfR81Eta3InSteps() throws Exception {
    // rungs 1, 3, 9, 27, 81 steps; a promoted trial continues, so it counts the steps it reached:
    // s=4: 54x1 + 18x3 + 6x9 + 2x27 + 1x81 = 297; s=3: 23x3 + 8x9 + 2x27 + 81 = 276;
    // s=2: 10x9 + 4x27 + 81 = 279; s=1: 6x27 + 2x81 = 324; s=0: 5x81 = 405; 1581 in all
    TrialRunner curve = (trial, steps, dir) -> new TrialResult(steps, trial.index() + steps / 100.0, 0);
    SchemeSearch search = SchemeSearch.builder("hb", SchemeSearchTest.space(), curve)
        .strategy(Strategy.HYPERBAND).eta(3).steps(1, 81).seed(1).build();
    assertThat(search.rungSteps()).containsExactly(1L, 3L, 9L, 27L, 81L);
    assertThat(search.trials()).hasSize(143);
    SearchResults r = search.run(java.nio.file.Files.createTempDirectory("hb"));
    assertThat(r.totalSteps()).isEqualTo(297 + 276 + 279 + 324 + 405);
    assertThat(r.leaderboard().stream().filter(row -> row.status().equals("completed")).count())
        .as("one per bracket s>=2, two of s=1, five of s=0").isEqualTo(1 + 1 + 1 + 2 + 5);
  }

  @Test
  void smallBracketsPromoteExactlyTheTopThird() {
    // R = 9 (rungs 1, 3, 9), eta 3: brackets of 9, 5 (ceil(3*3/2)) and 3 trials
    Hyperband hb = new Hyperband(3, 3);
    runSequentially(hb);
    assertThat(hb.bracketMembers()).containsExactly(
        List.of(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8), List.of(8, 7, 6), List.of(8)),
        List.of(List.of(9, 10, 11, 12, 13), List.of(13)),
        List.of(List.of(14, 15, 16)));
    assertThat(new Hyperband(1, 3).bracketMembers()).containsExactly(List.of(List.of(0)));
  }

  @Test
  void whileABracketWaitsTheNextOneHandsOutJobs() {
    Hyperband hb = new Hyperband(2, 2);   // rungs r, 2r: brackets of ceil(2*2/2) = 2 and 2 trials
    List<Job> handed = new ArrayList<>();
    for (Optional<Job> j = hb.next(); j.isPresent(); j = hb.next()) {
      handed.add(j.get());
    }
    // bracket s=1's rung 0 waits for its results, so bracket s=0's trials start on rung 1 meanwhile
    assertThat(handed).containsExactly(new Job(0, 0), new Job(1, 0), new Job(2, 1), new Job(3, 1));
    for (Job j : handed) {
      hb.report(j, score(j));
    }
    assertThat(hb.next()).contains(new Job(1, 1));
    assertThat(hb.finished()).isFalse();
    hb.report(new Job(1, 1), 1);
    assertThat(hb.next()).isEmpty();
    assertThat(hb.finished()).isTrue();
    assertThatThrownBy(() -> hb.report(new Job(9, 0), 1)).hasMessageContaining("was not handed out");
  }

  @Test
  void theTrialCountIsHyperbandsOwn() {
    assertThatThrownBy(() -> SchemeSearch.builder("hb", SchemeSearchTest.space(), (t, s, d) -> null)
        .strategy(Strategy.HYPERBAND).trials(9).build())
        .hasMessageContaining("hyperband draws the trials its brackets need");
    assertThat(Strategy.parse("hyperband")).isEqualTo(Strategy.HYPERBAND);
  }
}
