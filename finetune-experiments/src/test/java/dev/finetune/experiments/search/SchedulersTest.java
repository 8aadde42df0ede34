package dev.finetune.experiments.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Successive halving and ASHA on fixed fake scores, hand-checked; no training. */
class SchedulersTest {

  /** Rung-0 scores of trials 0..8 and rung-1 scores, hand-made. */
  private static final double[] RUNG0 = {0.5, 0.9, 0.1, 0.7, 0.3, 0.8, 0.2, 0.6, 0.4};
  private static final double[] RUNG1 = {0.0, 0.6, 0.0, 0.7, 0.0, 0.95, 0.0, 0.0, 0.0};

  private static double score(Job job) {
    return job.rung() == 0 ? RUNG0[job.trial()] : job.rung() == 1 ? RUNG1[job.trial()] : 1.0;
  }

  @Test
  void successiveHalvingPromotesExactlyTheTopThirdOfEachCompleteRung() {
    SuccessiveHalving sh = new SuccessiveHalving(9, 3, 3);
    List<Job> jobs = new ArrayList<>();
    for (Optional<Job> j = sh.next(); j.isPresent(); j = sh.next()) {
      jobs.add(j.get());
      sh.report(j.get(), score(j.get()));
    }
    assertThat(sh.finished()).isTrue();
    // rung 0: all nine; rung 1: 0.9 (t1), 0.8 (t5), 0.7 (t3); rung 2: the best of those at rung 1, t5 (0.95)
    assertThat(sh.rungMembers()).containsExactly(
        List.of(0, 1, 2, 3, 4, 5, 6, 7, 8), List.of(1, 5, 3), List.of(5));
    assertThat(jobs).hasSize(13);
    assertThat(jobs.subList(9, 13)).containsExactly(new Job(1, 1), new Job(5, 1), new Job(3, 1), new Job(5, 2));
  }

  @Test
  void successiveHalvingWaitsForItsRungAndTiesGoToTheLowerIndex() {
    SuccessiveHalving sh = new SuccessiveHalving(4, 2, 2);
    List<Job> handed = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      handed.add(sh.next().orElseThrow());
    }
    assertThat(sh.next()).isEmpty();
    for (int i = 0; i < 3; i++) {
      sh.report(handed.get(i), 0.5);
    }
    assertThat(sh.next()).as("one rung-0 result missing").isEmpty();
    sh.report(handed.get(3), Double.NaN);
    assertThat(sh.next()).contains(new Job(0, 1));
    assertThat(sh.next()).contains(new Job(1, 1));
    assertThat(sh.next()).isEmpty();
    assertThat(sh.finished()).isFalse();
    assertThatThrownBy(() -> sh.report(new Job(3, 1), 1)).hasMessageContaining("was not handed out");
  }

  @Test
  void ashaPromotesAsSoonAsARungHasATopThird() {
    Asha asha = new Asha(9, 3, 3);
    Job a = asha.next().orElseThrow();
    Job b = asha.next().orElseThrow();
    Job c = asha.next().orElseThrow();
    assertThat(List.of(a, b, c)).containsExactly(new Job(0, 0), new Job(1, 0), new Job(2, 0));
    asha.report(a, RUNG0[0]);
    asha.report(b, RUNG0[1]);
    assertThat(asha.next()).as("2 results: top floor(2/3) = none yet").contains(new Job(3, 0));
    asha.report(c, RUNG0[2]);
    assertThat(asha.next()).as("3 results: the best, t1, goes up").contains(new Job(1, 1));
    assertThat(asha.next()).contains(new Job(4, 0));
  }

  @Test
  void ashaNeverWaitsForARungToFillWithAsynchronousCompletions() {
    Asha asha = new Asha(9, 3, 3);
    Random random = new Random(5);
    List<Job> running = new ArrayList<>();
    int rung0Results = 0;
    int rung0ResultsAtFirstPromotion = -1;
    int started = 0;
    for (int w = 0; w < 3; w++) {
      running.add(asha.next().orElseThrow());
      started++;
    }
    while (!running.isEmpty()) {
      Job done = running.remove(random.nextInt(running.size()));
      asha.report(done, score(done));
      if (done.rung() == 0) {
        rung0Results++;
      }
      Optional<Job> next = asha.next();
      if (started < 9) {
        assertThat(next).as("trials remain to start, so a worker never idles").isPresent();
      }
      if (next.isPresent()) {
        Job job = next.get();
        if (job.rung() == 0) {
          started++;
        } else if (rung0ResultsAtFirstPromotion < 0) {
          rung0ResultsAtFirstPromotion = rung0Results;
        }
        running.add(job);
      }
    }
    assertThat(asha.finished()).isTrue();
    assertThat(started).isEqualTo(9);
    assertThat(rung0ResultsAtFirstPromotion).as("promoted before rung 0 was full").isBetween(3, 8);
  }
}
