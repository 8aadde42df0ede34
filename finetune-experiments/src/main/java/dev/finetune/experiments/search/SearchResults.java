package dev.finetune.experiments.search;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.finetune.core.train.callbacks.Mode;
import dev.finetune.experiments.grid.Stat;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.function.ToIntFunction;

/**
 * What a search did: every (trial, rung) result in the order the search made them, and the
 * leaderboard derived from them.
 *
 * <pre>{@code
 * SearchResults r = search.run(dir);
 * SearchResults.Row best = r.leaderboard().get(0);
 * System.out.println(best.trial().describe() + " " + best.metric());
 * }</pre>
 *
 * @param name the search's name
 * @param strategy its strategy
 * @param sampler how its trials were chosen ({@link Sampler#spec()})
 * @param metric the ranking metric
 * @param rungSteps the budget of each rung
 * @param trials the trials in sampling order
 * @param events the results in order
 * @param configs per trial, the config that reproduces it
 * @param maxTotalSteps the search's cap on the steps of all trials, 0 for none
 * @param stoppedAtBudget whether it ended at that cap rather than with its schedule
 * @param confirmations the leaders' runs with fresh training seeds, empty when the search was not
 *     asked to confirm ({@link SchemeSearch.Builder#confirm})
 */
public record SearchResults(String name, Strategy strategy, String sampler, String metric, List<Long> rungSteps,
    List<Trial> trials, List<Event> events, List<JsonObject> configs, long maxTotalSteps,
    boolean stoppedAtBudget, List<Confirmation> confirmations) {

  /** Copies the lists. */
  public SearchResults {
    rungSteps = List.copyOf(rungSteps);
    trials = List.copyOf(trials);
    events = List.copyOf(events);
    configs = List.copyOf(configs);
    confirmations = List.copyOf(confirmations);
  }

  /**
   * One confirmation run: a leading trial trained again from scratch to the full budget with
   * another training seed.
   *
   * @param trial the trial's index
   * @param seed the training seed
   * @param result the steps reached and the metrics there
   */
  public record Confirmation(int trial, long seed, TrialResult result) {}

  /**
   * A confirmed trial's line: its runs over the confirmation seeds and their mean, which ranks it.
   *
   * @param rank 1 for the best mean
   * @param trial the trial
   * @param searchRank its rank in the search's {@link #leaderboard()}
   * @param searchMetric its metric there (the search's training seed)
   * @param seeds the confirmation seeds, in order
   * @param values the metric with each of them (NaN where the run diverged)
   * @param stat mean and sample standard deviation of the finite values
   */
  public record ConfirmedRow(int rank, Trial trial, int searchRank, double searchMetric, List<Long> seeds,
      List<Double> values, Stat stat) {

    /** Copies the lists. */
    public ConfirmedRow {
      seeds = List.copyOf(seeds);
      values = List.copyOf(values);
    }

    /** @return how many of its seeds diverged (NaN) */
    public long diverged() {
      return values.stream().filter(v -> v.isNaN()).count();
    }
  }

  /**
   * One result.
   *
   * @param job the trial and rung
   * @param budget the rung's step budget
   * @param result the steps reached and the metric there
   */
  public record Event(Job job, long budget, TrialResult result) {}

  /**
   * A trial's line in the leaderboard.
   *
   * @param rank 1 for the best
   * @param trial the trial
   * @param rung the highest rung it reached
   * @param steps the optimizer steps it took in all
   * @param metric the metric at its highest rung
   * @param curve (steps, metric) at each rung it ran
   * @param status {@code completed} (the last rung), or {@code stopped at rung k}
   */
  public record Row(int rank, Trial trial, int rung, long steps, double metric, List<double[]> curve,
      String status) {}

  /**
   * Tells whether a metric ranks lower first, as early stopping decides it ({@link Mode#infer}).
   *
   * @param metric e.g. {@code loss}, {@code accuracy}
   * @return true for losses and errors
   */
  public static boolean lowerIsBetter(String metric) {
    return Mode.infer(metric) == Mode.MIN;
  }

  /**
   * The trials that ran, best first: by highest rung reached, then metric, then trial index.
   *
   * @return the rows
   */
  public List<Row> leaderboard() {
    Map<Integer, List<Event>> byTrial = new LinkedHashMap<>();
    for (Event e : events) {
      byTrial.computeIfAbsent(e.job().trial(), k -> new ArrayList<>()).add(e);
    }
    boolean lower = lowerIsBetter(metric);
    List<Row> rows = new ArrayList<>();
    for (Map.Entry<Integer, List<Event>> t : byTrial.entrySet()) {
      Event last = t.getValue().stream().max(Comparator.comparingInt(e -> e.job().rung())).orElseThrow();
      List<double[]> curve = t.getValue().stream()
          .sorted(Comparator.comparingInt(e -> e.job().rung()))
          .map(e -> new double[] {e.result().steps(), e.result().metric()}).toList();
      int rung = last.job().rung();
      rows.add(new Row(0, trials.get(t.getKey()), rung, last.result().steps(), last.result().metric(),
          curve, rung == rungSteps.size() - 1 ? "completed" : "stopped at rung " + rung));
    }
    rows.sort(bestFirst(Row::rung, r -> lower ? -r.metric() : r.metric(), r -> r.trial().index()));
    List<Row> ranked = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      ranked.add(new Row(i + 1, r.trial(), r.rung(), r.steps(), r.metric(), r.curve(), r.status()));
    }
    return ranked;
  }

  /**
   * The search's one ranking of trials (the leaderboard's, and the order TPE learns from): highest
   * rung first, then score, higher first and NaN last, then trial index.
   *
   * @param rung a trial's highest rung
   * @param score its score there, higher is better (losses negated)
   * @param index its index
   * @param <T> what is ranked
   * @return the order, best first
   */
  static <T> Comparator<T> bestFirst(ToIntFunction<T> rung, ToDoubleFunction<T> score,
      ToIntFunction<T> index) {
    return Comparator.<T>comparingInt(t -> -rung.applyAsInt(t))
        .thenComparingDouble(t -> {
          double v = score.applyAsDouble(t);
          return Double.isNaN(v) ? Double.POSITIVE_INFINITY : -v;
        })
        .thenComparingInt(index);
  }

  /**
   * The optimizer steps all trials took together (a promoted trial's steps count once, since it
   * continues).
   *
   * @return the total
   */
  public long totalSteps() {
    return leaderboard().stream().mapToLong(Row::steps).sum();
  }

  /**
   * The confirmed trials, best mean first (a trial with a diverged seed after those without, then
   * the search's rank); empty when the search did not confirm.
   *
   * @return the rows
   */
  public List<ConfirmedRow> confirmed() {
    Map<Integer, List<Confirmation>> byTrial = new LinkedHashMap<>();
    for (Confirmation c : confirmations) {
      byTrial.computeIfAbsent(c.trial(), k -> new ArrayList<>()).add(c);
    }
    Map<Integer, Row> searched = new LinkedHashMap<>();
    leaderboard().forEach(r -> searched.put(r.trial().index(), r));
    boolean lower = lowerIsBetter(metric);
    List<ConfirmedRow> rows = new ArrayList<>();
    for (Map.Entry<Integer, List<Confirmation>> t : byTrial.entrySet()) {
      Row row = searched.get(t.getKey());
      List<Double> values = t.getValue().stream().map(c -> c.result().metric()).toList();
      rows.add(new ConfirmedRow(0, trials.get(t.getKey()), row == null ? 0 : row.rank(),
          row == null ? Double.NaN : row.metric(), t.getValue().stream().map(Confirmation::seed).toList(),
          values, Stat.of(values.stream().mapToDouble(Double::doubleValue).toArray())));
    }
    rows.sort(bestFirst(r -> r.diverged() == 0 ? 1 : 0, r -> lower ? -r.stat().mean() : r.stat().mean(),
        ConfirmedRow::searchRank));
    List<ConfirmedRow> ranked = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      ConfirmedRow r = rows.get(i);
      ranked.add(new ConfirmedRow(i + 1, r.trial(), r.searchRank(), r.searchMetric(), r.seeds(), r.values(),
          r.stat()));
    }
    return ranked;
  }

  /**
   * The optimizer steps the confirmation runs took (not the search's: {@link #totalSteps()} and
   * the search's cap leave them out).
   *
   * @return the total, 0 without confirmation
   */
  public long confirmationSteps() {
    return confirmations.stream().mapToLong(c -> c.result().steps()).sum();
  }

  /**
   * The winner: the best confirmed trial when the search confirmed its leaders over seeds,
   * otherwise the leaderboard's first.
   *
   * @return the trial
   */
  public Trial winner() {
    List<ConfirmedRow> confirmedRows = confirmed();
    return confirmedRows.isEmpty() ? leaderboard().get(0).trial() : confirmedRows.get(0).trial();
  }

  /**
   * The config that reproduces the winner ({@link #winner()}; a grid config file when the search
   * came from one).
   *
   * @return the JSON object
   */
  public JsonObject bestConfig() {
    return configs.get(winner().index()).deepCopy();
  }

  /**
   * The options the space chose for the winner ({@link #winner()}).
   *
   * @return option to value
   */
  public Map<String, JsonElement> bestValues() {
    return winner().values();
  }
}
