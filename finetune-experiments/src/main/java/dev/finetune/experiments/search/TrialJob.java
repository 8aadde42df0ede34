package dev.finetune.experiments.search;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One job of a search as a {@link TrialExecutor} receives it: the scheduler's job, its trial, the
 * steps to reach and the trial's folder (its checkpoint; on a cluster a path every worker sees).
 *
 * <pre>{@code
 * TrialResult r = runner.run(job.trial(), job.steps(), job.trialDir());
 * }</pre>
 *
 * @param job the trial index and rung
 * @param trial the trial
 * @param steps the rung's budget in optimizer steps
 * @param trialDir the trial's folder, created by the search
 */
public record TrialJob(Job job, Trial trial, long steps, Path trialDir) {
  /** Checks the parts. */
  public TrialJob {
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(trial, "trial");
    Objects.requireNonNull(trialDir, "trialDir");
  }
}
