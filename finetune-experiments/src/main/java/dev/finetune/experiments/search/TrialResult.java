package dev.finetune.experiments.search;

import java.util.Map;
import java.util.Objects;

/**
 * What a trial reached at the end of a rung: the optimizer steps it has taken in all (a promoted
 * trial continues, so they include the earlier rungs'), the search's metric there, every validation
 * metric of that evaluation, and the wall seconds this rung took. The search ranks by {@link
 * #metric()}; the others travel with it into the rung files and the leaderboard, so that a search
 * ranked by one metric (e.g. MCC) can still be compared with a grid on another (e.g. accuracy).
 *
 * <pre>{@code
 * TrialResult r = new TrialResult(90, 0.84, 12.5, Map.of("accuracy", 0.84, "loss", 0.41));
 * r.metrics().get("loss");   // 0.41
 * }</pre>
 *
 * @param steps optimizer steps taken by the trial so far
 * @param metric the search's metric after them (NaN when the trial diverged)
 * @param seconds wall seconds of this rung's training
 * @param metrics every validation metric of that evaluation (empty when not known)
 */
public record TrialResult(long steps, double metric, double seconds, Map<String, Double> metrics) {

  /** Copies the metrics. */
  public TrialResult {
    metrics = Map.copyOf(Objects.requireNonNull(metrics, "metrics"));
  }

  /**
   * A result that knows only the search's metric.
   *
   * @param steps optimizer steps taken by the trial so far
   * @param metric the search's metric after them
   * @param seconds wall seconds of this rung's training
   */
  public TrialResult(long steps, double metric, double seconds) {
    this(steps, metric, seconds, Map.of());
  }
}
