package dev.finetune.experiments.search;

/**
 * What a trial reached at the end of a rung: the optimizer steps it has taken in all (a promoted
 * trial continues, so they include the earlier rungs'), its validation metric there, and the wall
 * seconds this rung took.
 *
 * <pre>{@code
 * TrialResult r = new TrialResult(90, 0.84, 12.5);
 * }</pre>
 *
 * @param steps optimizer steps taken by the trial so far
 * @param metric the search's metric after them (NaN when the trial diverged)
 * @param seconds wall seconds of this rung's training
 */
public record TrialResult(long steps, double metric, double seconds) {}
