package dev.finetune.core.train.callbacks;

import dev.finetune.core.train.ListenerState;
import dev.finetune.core.train.StatefulListener;
import dev.finetune.core.train.TrainingContext;
import java.util.Map;
import java.util.Objects;

/**
 * Stops the run when a validation metric has not improved for {@code patience} evaluations in a
 * row (once per epoch, or every n steps with {@code FineTune.evaluateEvery(n)}). An improvement
 * is a change by more than {@code minDelta} in the metric's direction: losses go down, other
 * metrics up ({@link Mode#infer(String)}), unless {@link #mode(Mode)} says otherwise. The run
 * stops through {@link TrainingContext#requestStop(String)}, so the report says why. The best
 * value and the patience count are reset at every fresh fit start and saved in resume checkpoints
 * (key {@code early-stopping/<metric>}), so a resumed run stops at the same evaluation as an
 * uninterrupted one.
 *
 * <pre>{@code
 * FineTune.of(model).epochs(20)
 *     .callbacks(EarlyStopping.on("accuracy").patience(2).minDelta(0.001))
 *     .fit(train, dev);
 * }</pre>
 */
public final class EarlyStopping implements StatefulListener {

  private final String metric;
  private final int patience;
  private final double minDelta;
  private final Mode mode;
  private double best = Double.NaN;
  private int bestEpoch;
  private int bad;

  private EarlyStopping(String metric, int patience, double minDelta, Mode mode) {
    this.metric = metric;
    this.patience = patience;
    this.minDelta = minDelta;
    this.mode = mode;
  }

  /**
   * Monitors a validation metric, with patience 3, minDelta 0 and the inferred mode.
   *
   * @param metric e.g. {@code accuracy}, {@code f1}, {@code mcc}, {@code loss}
   * @return the callback
   */
  public static EarlyStopping on(String metric) {
    Objects.requireNonNull(metric, "metric");
    return new EarlyStopping(metric, 3, 0, Mode.infer(metric));
  }

  /**
   * Sets how many evaluations without improvement are tolerated (default 3).
   *
   * @param evaluations {@code >= 1}
   * @return a new callback
   */
  public EarlyStopping patience(int evaluations) {
    if (evaluations < 1) {
      throw new IllegalArgumentException("EarlyStopping.patience(" + evaluations + "): must be >= 1");
    }
    return new EarlyStopping(metric, evaluations, minDelta, mode);
  }

  /**
   * Sets the smallest change that counts as an improvement (default 0).
   *
   * @param delta {@code >= 0}
   * @return a new callback
   */
  public EarlyStopping minDelta(double delta) {
    return new EarlyStopping(metric, patience, Monitored.checkMinDelta("EarlyStopping", delta), mode);
  }

  /**
   * Overrides the inferred direction.
   *
   * @param value {@link Mode#MAX} or {@link Mode#MIN}
   * @return a new callback
   */
  public EarlyStopping mode(Mode value) {
    return new EarlyStopping(metric, patience, minDelta, Objects.requireNonNull(value, "mode"));
  }

  /** @return the monitored metric */
  public String metric() {
    return metric;
  }

  /** @return the direction in which the metric improves */
  public Mode mode() {
    return mode;
  }

  @Override
  public void onFitStart(TrainingContext context) {
    if (!context.resumed()) {
      best = Double.NaN;
      bestEpoch = 0;
      bad = 0;
    }
  }

  /** @return {@code "early-stopping/<metric>"} */
  @Override
  public String stateKey() {
    return "early-stopping/" + metric;
  }

  /** @return the best value so far, its epoch and the evaluations since */
  @Override
  public ListenerState saveState(TrainingContext context) {
    return ListenerState.builder().put("best", best).put("best_epoch", bestEpoch).put("bad", bad)
        .build();
  }

  @Override
  public void restoreState(TrainingContext context, ListenerState state) {
    best = state.getDouble("best");
    bestEpoch = state.getInt("best_epoch");
    bad = state.getInt("bad");
  }

  @Override
  public void onEvaluationEnd(TrainingContext context, Map<String, Double> metrics) {
    double value = Monitored.value("EarlyStopping", metric, metrics);
    if (mode.improves(value, best, minDelta)) {
      best = value;
      bestEpoch = context.epoch();
      bad = 0;
      return;
    }
    bad++;
    if (bad >= patience) {
      context.requestStop(String.format(java.util.Locale.ROOT,
          "early stopping: %s has not improved by more than %s for %d evaluation(s)"
              + " (best %.6g in epoch %d)", metric, minDelta, bad, best, bestEpoch));
    }
  }

  @Override
  public String toString() {
    return "early stopping on " + metric + " (" + mode + ", patience " + patience + ")";
  }
}
