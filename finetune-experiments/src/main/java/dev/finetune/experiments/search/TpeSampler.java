package dev.finetune.experiments.search;

import com.google.gson.JsonElement;
import com.google.gson.JsonPrimitive;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.DoubleSupplier;
import java.util.function.DoubleUnaryOperator;

/**
 * The tree-structured Parzen estimator (Bergstra et al. 2011, "Algorithms for hyper-parameter
 * optimization"), as Optuna's default sampler runs it: the first {@code startupTrials} trials are
 * drawn at random; after that, the trials with results are ranked (highest rung reached first,
 * then score, as the leaderboard ranks them, which is how Optuna ranks pruned trials), the best
 * {@code min(ceil(gamma * n), 25)} form the "good" set and the rest the "bad" one, and each
 * option's value is the one of {@code candidates} draws from the good set's density {@code l}
 * with the largest {@code l(x) / g(x)} against the bad set's density {@code g} (the expected
 * improvement's maximiser). Each option is chosen on its own (Optuna's {@code
 * multivariate=False}); the densities are {@link ParzenEstimator}'s. Deterministic: the same
 * observations and random source give the same values.
 *
 * <pre>{@code
 * TpeSampler tpe = TpeSampler.builder().startupTrials(10).build();
 * Map<String, JsonElement> next = tpe.draw(space, observationsBestFirst, new Random(7));
 * }</pre>
 */
public final class TpeSampler implements Sampler {

  /** Random trials before the estimator is used (Optuna's {@code n_startup_trials}). */
  public static final int DEFAULT_STARTUP_TRIALS = 10;
  /** The good set's fraction (Optuna's default {@code gamma}: {@code min(ceil(0.1 n), 25)}). */
  public static final double DEFAULT_GAMMA = 0.1;
  /** Draws from the good density per option (Optuna's {@code n_ei_candidates}). */
  public static final int DEFAULT_CANDIDATES = 24;
  private static final int MAX_GOOD = 25;

  private final int startupTrials;
  private final double gamma;
  private final int candidates;

  private TpeSampler(Builder b) {
    startupTrials = b.startupTrials;
    gamma = b.gamma;
    candidates = b.candidates;
  }

  /** @return a builder with Optuna's defaults */
  public static Builder builder() {
    return new Builder();
  }

  /** @return how many trials are drawn at random first */
  public int startupTrials() {
    return startupTrials;
  }

  @Override
  public String spec() {
    return String.format(Locale.ROOT, "tpe(startup_trials=%d,gamma=%s,candidates=%d)", startupTrials,
        gamma, candidates);
  }

  @Override
  public String toString() {
    return spec();
  }

  /**
   * How many of {@code n} ranked observations form the good set.
   *
   * @param n the observations
   * @return {@code min(ceil(gamma * n), 25)}
   */
  int goodCount(int n) {
    return Math.min((int) Math.ceil(gamma * n), MAX_GOOD);
  }

  /**
   * Draws one trial's values from the observations so far: at random while there are fewer than
   * {@code startupTrials}, else by the estimator.
   *
   * @param space the space
   * @param bestFirst the trials with results, best first (highest rung, then score)
   * @param random this draw's source
   * @return option to value, in dimension order
   */
  public Map<String, JsonElement> draw(SearchSpace space, List<Observation> bestFirst, Random random) {
    if (bestFirst.size() < startupTrials || bestFirst.isEmpty()) {
      return space.sample(random);
    }
    int good = goodCount(bestFirst.size());
    List<Observation> below = bestFirst.subList(0, good);
    List<Observation> above = bestFirst.subList(good, bestFirst.size());
    Map<String, JsonElement> out = new LinkedHashMap<>();
    for (SearchSpace.Dimension d : space.dimensions()) {
      if (d instanceof SearchSpace.Choice c) {
        ParzenEstimator.Categorical l = ParzenEstimator.Categorical.of(indices(c, below), c.values().size());
        ParzenEstimator.Categorical g = ParzenEstimator.Categorical.of(indices(c, above), c.values().size());
        int best = (int) bestCandidate(() -> l.sample(random), x -> l.logPdf((int) x) - g.logPdf((int) x));
        out.put(c.key(), c.values().get(best));
      } else {
        SearchSpace.Range r = (SearchSpace.Range) d;
        double low = internal(r, r.low());
        double high = internal(r, r.high());
        ParzenEstimator.Numeric l = ParzenEstimator.Numeric.of(points(r, below), low, high);
        ParzenEstimator.Numeric g = ParzenEstimator.Numeric.of(points(r, above), low, high);
        double best = bestCandidate(() -> l.sample(random), x -> l.logPdf(x) - g.logPdf(x));
        out.put(r.key(), new JsonPrimitive(r.rounded(r.logScale() ? Math.exp(best) : best)));
      }
    }
    return out;
  }

  /**
   * Of {@code candidates} draws, the one with the largest gain {@code log l(x) - log g(x)} (the
   * first on ties, and the first draw when no gain is a number).
   */
  private double bestCandidate(DoubleSupplier draw, DoubleUnaryOperator gain) {
    double best = Double.NaN;
    double bestGain = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < candidates; i++) {
      double x = draw.getAsDouble();
      double value = gain.applyAsDouble(x);
      if (Double.isNaN(best) || value > bestGain) {
        best = x;
        bestGain = Double.isNaN(value) ? Double.NEGATIVE_INFINITY : value;
      }
    }
    return best;
  }

  /**
   * Ranks trials as the leaderboard does: highest rung first, then score (NaN last), then index.
   *
   * @param observations per trial index, what it reached
   * @return the observations, best first
   */
  static List<Observation> bestFirst(Map<Integer, Observation> observations) {
    List<Map.Entry<Integer, Observation>> list = new ArrayList<>(observations.entrySet());
    list.sort(SearchResults.bestFirst(e -> e.getValue().rung(), e -> e.getValue().score(),
        Map.Entry::getKey));
    return list.stream().map(Map.Entry::getValue).toList();
  }

  private static int[] indices(SearchSpace.Choice c, List<Observation> observations) {
    List<Integer> out = new ArrayList<>();
    for (Observation o : observations) {
      int i = c.values().indexOf(o.values().get(c.key()));
      if (i >= 0) {
        out.add(i);
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  private static double[] points(SearchSpace.Range r, List<Observation> observations) {
    List<Double> out = new ArrayList<>();
    for (Observation o : observations) {
      JsonElement v = o.values().get(r.key());
      if (v != null && v.isJsonPrimitive() && v.getAsJsonPrimitive().isNumber()) {
        double x = Math.min(r.high(), Math.max(r.low(), v.getAsDouble()));
        out.add(internal(r, x));
      }
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static double internal(SearchSpace.Range r, double x) {
    return r.logScale() ? Math.log(x) : x;
  }

  /** Builder of a {@link TpeSampler}; defaults are Optuna's. */
  public static final class Builder {
    private int startupTrials = DEFAULT_STARTUP_TRIALS;
    private double gamma = DEFAULT_GAMMA;
    private int candidates = DEFAULT_CANDIDATES;

    private Builder() {}

    /** @param value random trials first, at least 1 (default 10) @return this */
    public Builder startupTrials(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("startup_trials must be at least 1 (the estimator needs"
            + " results to learn from), got " + value);
      }
      startupTrials = value;
      return this;
    }

    /** @param value the good set's fraction, in (0, 1] (default 0.1) @return this */
    public Builder gamma(double value) {
      if (!(value > 0 && value <= 1)) {
        throw new IllegalArgumentException("gamma (the good set's fraction) must be in (0, 1], got " + value);
      }
      gamma = value;
      return this;
    }

    /** @param value draws per option, 1 to 10,000 (default 24) @return this */
    public Builder candidates(int value) {
      if (value < 1 || value > 10_000) {
        throw new IllegalArgumentException("candidates must be between 1 and 10000 (draws per option"
            + " for each new trial), got " + value);
      }
      candidates = value;
      return this;
    }

    /** @return the sampler */
    public TpeSampler build() {
      return new TpeSampler(this);
    }
  }
}
