package dev.finetune.experiments.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where a search's jobs train: in this process one at a time ({@link #inProcess}), or spread over
 * workers (the Apache Spark backend in {@code finetune-spark}). The search asks its scheduler for
 * up to {@link #parallelism()} jobs, hands them over as one batch and reports the results in the
 * batch's order, so the search's decisions stay in the calling process and a batch of the same
 * jobs gives the same search wherever it trained.
 *
 * <pre>{@code
 * SearchResults r = search.run(dir, TrialExecutor.inProcess(runner));   // what search.run(dir) does
 * }</pre>
 */
public interface TrialExecutor {

  /** @return how many jobs to hand over at once, at least 1 */
  int parallelism();

  /**
   * Trains a batch of jobs (distinct trials) to their budgets.
   *
   * @param jobs at most {@link #parallelism()} jobs
   * @return one result per job, in the same order
   */
  List<TrialResult> run(List<TrialJob> jobs);

  /**
   * The in-process executor: the jobs one after another on this runner.
   *
   * @param runner trains a trial
   * @return an executor of parallelism 1
   */
  static TrialExecutor inProcess(TrialRunner runner) {
    Objects.requireNonNull(runner, "runner");
    return new TrialExecutor() {
      @Override
      public int parallelism() {
        return 1;
      }

      @Override
      public List<TrialResult> run(List<TrialJob> jobs) {
        List<TrialResult> out = new ArrayList<>();
        for (TrialJob j : jobs) {
          out.add(Objects.requireNonNull(runner.run(j.trial(), j.steps(), j.trialDir()),
              "the trial runner returned null"));
        }
        return out;
      }
    };
  }
}
