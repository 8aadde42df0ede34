package dev.finetune.experiments.search;

/**
 * One unit of work a {@link Scheduler} hands out: run trial {@code trial} (its index) to the
 * budget of rung {@code rung}.
 *
 * <pre>{@code
 * Job job = scheduler.next().orElseThrow();   // e.g. Job[trial=4, rung=1]
 * }</pre>
 *
 * @param trial the trial's index
 * @param rung the rung, from 0 (the smallest budget)
 */
public record Job(int trial, int rung) {}
