package dev.finetune.experiments.search;

import dev.finetune.core.train.StopRequest;
import dev.finetune.core.train.TrainingContext;
import dev.finetune.core.train.TrainingListener;
import dev.finetune.experiments.grid.CellResult;
import dev.finetune.experiments.grid.ExperimentGrid;
import dev.finetune.experiments.grid.GridConfig;
import dev.finetune.experiments.grid.GridResults;
import dev.finetune.experiments.grid.GridStoppedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Trains trials on the grid machinery: each trial is a one-cell {@link ExperimentGrid} (a fresh
 * model per rung, the trial's options applied as a grid file's would be), with a resume checkpoint
 * in {@code <trialDir>/checkpoint} and a callback that stops it once it has taken the rung's
 * steps (the run saves its checkpoint at that stop). The next rung starts the cell again on the
 * same checkpoint: the weights, step counter, optimizer state and position carry over, and the
 * schedule, set for the trial's full epochs, goes on where it was. Each rung is a grid results
 * folder, {@code <trialDir>/rung-<steps>/}, with the cell's full report. A trial with a seed
 * ({@link Trial#withSeed}) trains its one cell with that seed instead of the grid's.
 *
 * <pre>{@code
 * TrialRunner runner = GridTrialRunner.of(baseGrid, "accuracy");            // values applied by name
 * TrialRunner fromFiles = new GridTrialRunner(trial -> GridConfig.parse(...), "accuracy");
 * }</pre>
 */
public final class GridTrialRunner implements TrialRunner {

  private final Function<Trial, ExperimentGrid> grids;
  private final String metric;
  private final StopRequest stop;

  /**
   * Creates a runner.
   *
   * @param grids the one-cell grid of a trial, with the trial's options applied
   * @param metric the validation metric to return, e.g. {@code accuracy} or {@code loss}
   */
  public GridTrialRunner(Function<Trial, ExperimentGrid> grids, String metric) {
    this(grids, metric, null);
  }

  private GridTrialRunner(Function<Trial, ExperimentGrid> grids, String metric, StopRequest stop) {
    this.grids = Objects.requireNonNull(grids, "grids");
    this.metric = Objects.requireNonNull(metric, "metric");
    this.stop = stop;
  }

  /**
   * The same runner, stoppable: when {@code stop} is requested (a shutdown hook on SIGTERM), the
   * trial in progress ends after its step, saves its checkpoint and is not recorded as having
   * reached its rung; {@link #run} then throws {@link GridStoppedException} (no further trial
   * starts), and the search run again on its folder continues that trial from its checkpoint.
   *
   * <pre>{@code
   * TrialRunner runner = GridTrialRunner.of(baseGrid, "f1").stoppedBy(stop);
   * }</pre>
   *
   * @param request the stop request
   * @return a copy that stops on it
   */
  public GridTrialRunner stoppedBy(StopRequest request) {
    return new GridTrialRunner(grids, metric, Objects.requireNonNull(request, "request"));
  }

  /**
   * A runner that applies each trial's values to a base grid through {@link GridConfig#option}
   * (the option names and checks of grid files).
   *
   * @param base a grid with one cell (no axes, one seed): model, data, shared settings
   * @param metric the validation metric to return
   * @return the runner
   */
  public static GridTrialRunner of(ExperimentGrid base, String metric) {
    if (base.cells().size() != 1) {
      throw new IllegalArgumentException("the base grid of a search must have one cell (no axes,"
          + " one seed), but '" + base.name() + "' has " + base.cells().size());
    }
    return new GridTrialRunner(trial -> {
      ExperimentGrid g = base;
      for (var e : trial.values().entrySet()) {
        g = g.with(GridConfig.option("trial " + trial.id(), e.getKey(), e.getValue(), e.getKey()));
      }
      return g;
    }, metric);
  }

  @Override
  public TrialResult run(Trial trial, long steps, Path trialDir) {
    Path checkpoint = trialDir.resolve("checkpoint");
    StopAtStep budget = new StopAtStep(steps);
    ExperimentGrid trialGrid = grids.apply(trial);
    if (trial.seed() != null) {
      trialGrid = trialGrid.withSeeds(trial.seed());
    }
    ExperimentGrid grid = trialGrid.with(s -> s.chain(c -> c.checkpoints(checkpoint, 0).callbacks(budget)));
    if (grid.cells().size() != 1) {
      throw new IllegalArgumentException("trial " + trial.id() + " must be one cell, but its grid has "
          + grid.cells().size());
    }
    long start = System.nanoTime();
    try {
      GridResults results = grid.run(trialDir.resolve("rung-" + steps), cell -> true, stop);
      double seconds = (System.nanoTime() - start) / 1e9;
      if (budget.evaluatedAt >= 0) {
        if (!budget.metrics.containsKey(metric)) {
          throw new IllegalArgumentException("the search's metric '" + metric + "' is not among the"
              + " validation metrics " + budget.metrics.keySet() + "; rank by one of them (search.metric)");
        }
        return new TrialResult(budget.evaluatedAt, budget.metrics.get(metric), seconds, budget.metrics);
      }
      // the rung's cell had finished before (its result was on disk): read its report
      CellResult cell = results.cells().get(0);
      var last = cell.report().lastEpoch();
      return new TrialResult(last == null ? 0 : last.steps(), cell.finalMetric(metric), seconds,
          last == null ? Map.of() : last.validationMetrics());
    } catch (GridStoppedException e) {
      throw new GridStoppedException("trial " + trial.id() + " (" + trial.describe() + "), rung of "
          + steps + " steps: " + e.getMessage(), e.cellId().orElse(null));
    } catch (IOException e) {
      throw new UncheckedIOException("trial " + trial.id() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Stops a run once it has taken a number of optimizer steps in all, and keeps the metrics of the
   * run's last evaluation (the one after the stop). A run resumed from a checkpoint already at the
   * budget (a search killed after the stop's checkpoint, before the rung's result was written)
   * evaluates at once and stops without another step.
   */
  private static final class StopAtStep implements TrainingListener {
    private final long steps;
    long evaluatedAt = -1;
    Map<String, Double> metrics = Map.of();

    StopAtStep(long steps) {
      this.steps = steps;
    }

    @Override
    public void onFitStart(TrainingContext context) {
      if (context.globalStep() >= steps) {
        record(context, context.evaluate());
        context.requestStop("rung budget of " + steps + " steps reached before this run");
      }
    }

    @Override
    public void onStepEnd(TrainingContext context, double loss) {
      if (context.globalStep() >= steps) {
        context.requestStop("rung budget of " + steps + " steps reached");
      }
    }

    @Override
    public void onEvaluationEnd(TrainingContext context, Map<String, Double> values) {
      record(context, values);
    }

    private void record(TrainingContext context, Map<String, Double> values) {
      evaluatedAt = context.globalStep();
      metrics = Map.copyOf(values);
    }
  }
}
