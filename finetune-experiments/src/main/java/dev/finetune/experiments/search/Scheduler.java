package dev.finetune.experiments.search;

import java.util.Optional;

/**
 * The decisions of a search: which trial to run to which rung next, given the scores reported so
 * far. Scores are "higher is better" (the search negates losses). Deterministic: the same reports
 * in the same order give the same jobs, which is how a restarted search replays the results it
 * finds on disk and continues where it stopped.
 *
 * <pre>{@code
 * Scheduler s = new Asha(27, 3, 3);
 * for (Optional<Job> job = s.next(); job.isPresent(); job = s.next()) {
 *   s.report(job.get(), train(job.get()));
 * }
 * }</pre>
 */
public interface Scheduler {

  /**
   * The next job, or empty when none can be handed out now: the search is finished, or (for
   * synchronous successive halving) the current rung still waits for results.
   *
   * @return the job
   */
  Optional<Job> next();

  /**
   * Records a job's result.
   *
   * @param job a job this scheduler handed out and that has no result yet
   * @param score the result, higher is better (NaN counts as the worst)
   */
  void report(Job job, double score);

  /**
   * Tells whether every job was handed out and reported.
   *
   * @return true when finished
   */
  boolean finished();
}
