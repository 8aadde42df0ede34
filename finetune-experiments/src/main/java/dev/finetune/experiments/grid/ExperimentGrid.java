package dev.finetune.experiments.grid;

import dev.finetune.core.checkpoint.AtomicFiles;
import dev.finetune.core.data.DatasetSplit;
import dev.finetune.core.data.TaskData;
import dev.finetune.core.data.TextDataset;
import dev.finetune.core.data.tokens.TokenDataset;
import dev.finetune.core.data.tokens.TokenSplit;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.report.MemoryProbe;
import dev.finetune.core.report.TrainingReport;
import dev.finetune.core.train.FineTune;
import dev.finetune.core.train.LrFinder;
import dev.finetune.core.train.LrFinderResult;
import dev.finetune.core.train.StopRequest;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A grid of fine-tuning experiments: named {@link Axis axes} of {@link Variant}s over any option
 * of the fine-tuning chain, crossed into {@link Cell cells} (optionally filtered), each repeated
 * with several seeds. Cells run one after another, each on a fresh model from the factory
 * (closed after the cell). Each finished cell writes {@code cells/<id>.json} atomically, so a run
 * that was killed or that failed in some cells is resumed by running it again: finished cells are
 * skipped, unfinished or failed ones run from their start (in a stoppable run, {@link #run(Path,
 * Predicate, StopRequest)}, each unfinished cell continues from its resume checkpoint instead).
 * Cells train texts or tagged words: the grid's data is any {@code TaskData} of a task.
 *
 * <p>Order: the first axis varies slowest; all configurations run with the first seed before
 * the second seed's repeats start, so a partial run already covers every configuration. Per
 * cell: the base configuration is applied, then each axis's variant in axis order, then the
 * model is created and the chain built ({@code seed} = the cell's seed, no progress bar unless
 * asked), the chain options are applied and {@code fit(train, validation)} runs.
 *
 * <pre>{@code
 * ExperimentGrid grid = ExperimentGrid.builder("methods")
 *     .model(cell -> encoder.classifier().seed(cell.seed()).build())  // head init follows the seed
 *     .data(sst2.train().sample(1000, 42), sst2.validation())
 *     .configure(s -> s.learningRate(5e-5).chain(c -> c.epochs(2).maxLength(64)))
 *     .axis(Axis.of("method", Variant.none("full"),
 *         Variant.of("bitfit", s -> s.chain(c -> c.peft(Peft.bitFit())).scaleLearningRate(20))))
 *     .seeds(42, 43)
 *     .build();
 * GridResults results = grid.run(Path.of("runs/methods"));   // rerun to resume
 * GridReport.write(results, Path.of("runs/methods"));        // tables and plots
 * }</pre>
 */
public final class ExperimentGrid {

  private static final Logger LOG = LoggerFactory.getLogger(ExperimentGrid.class);

  /** The folder (under the output folder) that holds one JSON file per finished cell. */
  public static final String CELLS_DIR = "cells";

  /**
   * The folder (under the output folder) with the resume checkpoint of each cell that a stoppable
   * run ({@link #run(Path, Predicate, StopRequest)}) has started and not finished.
   */
  public static final String CHECKPOINTS_DIR = "checkpoints";

  private final String name;
  private final List<String> description;
  private final List<Axis> axes;
  private final List<Long> seeds;
  private final Predicate<Cell> filter;
  private final Function<Cell, SequenceClassifier> modelFactory;
  private final Supplier<? extends TaskData> data;
  private final List<Consumer<CellSetup>> base;
  private final boolean progressBar;
  private final List<Cell> cells;

  private ExperimentGrid(Builder b) {
    name = b.name;
    description = List.copyOf(b.description);
    axes = List.copyOf(b.axes);
    seeds = List.copyOf(b.seeds);
    filter = b.filter;
    modelFactory = b.modelFactory;
    data = b.data;
    base = List.copyOf(b.base);
    progressBar = b.progressBar;
    cells = cross();
  }

  private ExperimentGrid(ExperimentGrid other, List<Long> seeds, boolean showProgress,
      List<Consumer<CellSetup>> base) {
    name = other.name;
    description = other.description;
    axes = other.axes;
    this.seeds = List.copyOf(seeds);
    filter = other.filter;
    modelFactory = other.modelFactory;
    data = other.data;
    this.base = List.copyOf(base);
    progressBar = showProgress;
    cells = seeds.equals(other.seeds) ? other.cells : cross();
  }

  /**
   * The same grid with one more configuration applied to every cell after the grid's own shared
   * ones and before the variants (the scheme search adds a trial's values, its checkpoint folder
   * and its stop at a rung's budget so).
   *
   * <pre>{@code
   * ExperimentGrid longer = grid.with(s -> s.chain(c -> c.epochs(5)));
   * }</pre>
   *
   * @param configuration e.g. {@code s -> s.learningRate(1e-4)}
   * @return a copy
   */
  public ExperimentGrid with(Consumer<CellSetup> configuration) {
    List<Consumer<CellSetup>> more = new ArrayList<>(base);
    more.add(Objects.requireNonNull(configuration, "configuration"));
    return new ExperimentGrid(this, seeds, progressBar, more);
  }

  /**
   * The same grid repeated over other seeds (the scheme search trains a trial with fresh seeds
   * so when it confirms its winner).
   *
   * <pre>{@code
   * ExperimentGrid again = grid.withSeeds(1, 2, 3);   // every cell once per seed
   * }</pre>
   *
   * @param values the seeds, distinct
   * @return a copy
   * @throws IllegalArgumentException when none is given or one is given twice
   */
  public ExperimentGrid withSeeds(long... values) {
    return new ExperimentGrid(this, distinctSeeds(values), progressBar, base);
  }

  private static List<Long> distinctSeeds(long... values) {
    List<Long> list = new ArrayList<>();
    for (long v : values) {
      if (list.contains(v)) {
        throw new IllegalArgumentException("seed " + v + " is given twice; seeds must be distinct");
      }
      list.add(v);
    }
    if (list.isEmpty()) {
      throw new IllegalArgumentException("give at least one seed");
    }
    return List.copyOf(list);
  }

  /**
   * The same grid with each cell's progress bar shown or hidden.
   *
   * @param show whether to show it
   * @return a copy
   */
  public ExperimentGrid withProgressBar(boolean show) {
    return new ExperimentGrid(this, seeds, show, base);
  }

  /**
   * Starts a grid.
   *
   * @param name its name (titles of tables and plots)
   * @return the builder
   */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** @return the grid's name */
  public String name() {
    return name;
  }

  /** @return the description lines (settings shared by all cells), for report headers */
  public List<String> description() {
    return description;
  }

  /** @return the axes, in order */
  public List<Axis> axes() {
    return axes;
  }

  /** @return the seeds of the repeats */
  public List<Long> seeds() {
    return seeds;
  }

  /** @return the cells in run order, after the filter */
  public List<Cell> cells() {
    return cells;
  }

  private List<Cell> cross() {
    List<Map<String, String>> combos = new ArrayList<>();
    combos.add(new LinkedHashMap<>());
    for (Axis axis : axes) {
      List<Map<String, String>> next = new ArrayList<>();
      for (Map<String, String> prefix : combos) {
        for (Variant v : axis.variants()) {
          Map<String, String> m = new LinkedHashMap<>(prefix);
          m.put(axis.name(), v.name());
          next.add(m);
        }
      }
      combos = next;
    }
    List<Cell> out = new ArrayList<>();
    for (long seed : seeds) {
      for (Map<String, String> combo : combos) {
        Cell candidate = new Cell(out.size(), combo, seed);
        if (filter.test(candidate)) {
          out.add(candidate);
        }
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("grid '" + name + "' has no cells: the filter removed all "
          + combos.size() * seeds.size() + "; loosen it");
    }
    return List.copyOf(out);
  }

  /**
   * Runs every cell that has no result yet in {@code outputDir/cells}, then returns all results.
   * A failing cell is logged, its stack trace saved as {@code cells/<id>.failed.txt}, and the
   * remaining cells still run; the failures are thrown together at the end.
   *
   * @param outputDir the results folder (created if needed)
   * @return the results of all finished cells, in cell order
   * @throws GridException after the other cells ran, when some cells failed (rerun to retry them)
   * @throws IOException when the folder cannot be written
   */
  public GridResults run(Path outputDir) throws IOException {
    return run(outputDir, cell -> true);
  }

  /**
   * Runs the unfinished cells that {@code which} accepts and leaves the others for a later run
   * (the grid file still lists every cell, so tables and plots cover the whole grid). Running
   * one cell per process this way gives each cell's peak memory without the previous cells'.
   *
   * <pre>{@code
   * grid.run(dir, cell -> cell.value("method").equals("bitfit"));
   * }</pre>
   *
   * @param outputDir the results folder
   * @param which the cells to run now
   * @return the results of all finished cells, in cell order
   * @throws GridException after the other cells ran, when some cells failed (rerun to retry them)
   * @throws IOException when the folder cannot be written
   */
  public GridResults run(Path outputDir, Predicate<Cell> which) throws IOException {
    return run(outputDir, which, null);
  }

  /**
   * Runs the unfinished cells that {@code which} accepts, stoppably: each cell keeps a resume
   * checkpoint in {@code checkpoints/<id>/} (saved at epoch ends and at a stop, removed when the
   * cell finishes), and when {@code stop} is requested (a shutdown hook on SIGTERM, a stop
   * button) the cell in progress ends after its step, saves its checkpoint, is recorded as
   * stopped in {@code cells/<id>.stopped.txt} (not as finished) and the run ends with a
   * {@link GridStoppedException}; no further cell starts. Running the grid again on the folder
   * continues the stopped cell from its checkpoint, so the results equal an uninterrupted run's.
   *
   * <pre>{@code
   * StopRequest stop = new StopRequest();
   * Runtime.getRuntime().addShutdownHook(new Thread(() -> stop.request("stopped by a signal")));
   * grid.run(dir, cell -> true, stop);
   * }</pre>
   *
   * @param outputDir the results folder
   * @param which the cells to run now
   * @param stop the request that stops the run, or null for a run without checkpoints
   * @return the results of all finished cells, in cell order
   * @throws GridStoppedException when the stop was requested before every chosen cell finished
   * @throws GridException after the other cells ran, when some cells failed (rerun to retry them)
   * @throws IOException when the folder cannot be written
   */
  public GridResults run(Path outputDir, Predicate<Cell> which, StopRequest stop) throws IOException {
    Objects.requireNonNull(which, "which");
    Path cellsDir = outputDir.resolve(CELLS_DIR);
    Files.createDirectories(cellsDir);
    GridResults.writeGridFile(outputDir, name, description, axes.stream().map(Axis::name).toList(),
        cells.stream().map(Cell::id).toList());
    Map<String, RuntimeException> failures = new LinkedHashMap<>();
    int ran = 0;
    for (Cell cell : cells) {
      if (!which.test(cell)) {
        continue;
      }
      Path file = cellsDir.resolve(cell.id() + ".json");
      if (Files.exists(file)) {
        try {
          CellResult.read(file);
          LOG.info("cell {}/{} {}: finished before, skipped", cell.index() + 1, cells.size(), cell.id());
          continue;
        } catch (IOException e) {
          LOG.warn("cell {}: result file unreadable ({}); running it again", cell.id(), e.getMessage());
        }
      }
      if (stop != null && stop.isRequested()) {
        throw new GridStoppedException(String.format(Locale.ROOT, "grid '%s' %s before cell %s"
            + " started (%d cells ran now; the finished ones are in %s); run the grid again"
            + " on the folder to continue", name, stop.reason(), cell.id(), ran, cellsDir), null);
      }
      LOG.info("cell {}/{} {}: running", cell.index() + 1, cells.size(), cell.id());
      Path failed = cellsDir.resolve(cell.id() + ".failed.txt");
      Path stopped = cellsDir.resolve(cell.id() + ".stopped.txt");
      Path checkpoint = stop == null ? null : cellCheckpoint(outputDir, cell.id());
      try {
        Trained trained = runCell(cell, checkpoint, stop);
        CellResult result = trained.result();
        if (stop != null && stop.isRequested() && result.report().stopReason().isPresent()) {
          long step = result.report().lastEpoch() == null ? 0 : result.report().lastEpoch().steps();
          String message = String.format(Locale.ROOT, "grid '%s' %s during cell %s (%d/%d) after"
              + " step %d; its resume checkpoint in %s holds that step and the cell is recorded as"
              + " stopped, not finished (%s); run the grid again on the folder to continue it",
              name, stop.reason(), cell.id(), cell.index() + 1, cells.size(), step,
              trained.checkpoint().toAbsolutePath(), stopped.getFileName());
          AtomicFiles.write(stopped, (message + "\n").getBytes(StandardCharsets.UTF_8));
          LOG.warn(message);
          throw new GridStoppedException(message, cell.id());
        }
        result.write(file);
        Files.deleteIfExists(failed);
        Files.deleteIfExists(stopped);
        if (checkpoint != null && checkpoint.equals(trained.checkpoint())) {
          deleteTree(checkpoint);
        }
        ran++;
      } catch (GridStoppedException e) {
        throw e;
      } catch (RuntimeException e) {
        LOG.error("cell {} failed: {}", cell.id(), e.toString());
        failures.put(cell.id(), e);
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        AtomicFiles.write(failed, trace.toString().getBytes(StandardCharsets.UTF_8));
      }
    }
    LOG.info("grid {}: {} cells ran now, {} failed, {} in all", name, ran, failures.size(), cells.size());
    if (!failures.isEmpty()) {
      StringBuilder message = new StringBuilder(String.format(Locale.ROOT,
          "%d of %d cells of grid '%s' failed (stack traces in %s/<id>.failed.txt; rerun to retry"
              + " only the unfinished cells):", failures.size(), cells.size(), name, cellsDir));
      failures.forEach((id, e) -> message.append("\n  ").append(id).append(": ").append(e));
      GridException error = new GridException(message.toString());
      failures.values().forEach(error::addSuppressed);
      throw error;
    }
    return GridResults.load(outputDir);
  }

  /**
   * Runs the LR range test on a cell: its fresh model, its data and its chain (method, optimizer,
   * LR policy, batch size...), without training it or writing anything; the model is closed after.
   *
   * <pre>{@code
   * LrFinderResult r = grid.findLearningRate(grid.cells().get(0), LrFinder.defaults());
   * }</pre>
   *
   * @param cell a cell of this grid
   * @param finder the sweep
   * @return the losses and both suggestions
   */
  public LrFinderResult findLearningRate(Cell cell, LrFinder finder) {
    CellSetup setup = setup(cell);
    if (!(setup.data() instanceof DatasetSplit text)) {
      throw new IllegalArgumentException("cell " + cell.id() + " trains token classification: the"
          + " LR range test runs on text data only; give the cell a learning_rate instead");
    }
    try (SequenceClassifier model = Objects.requireNonNull(modelFactory.apply(cell),
        "the model factory returned null")) {
      FineTune chain = FineTune.of(model).seed(cell.seed()).progressBar(false);
      setup.applyTo(chain);
      return chain.findLearningRate(text.train(), finder);
    }
  }

  /** A cell's data, shared configuration and variants, applied in order. */
  private CellSetup setup(Cell cell) {
    CellSetup setup = new CellSetup(cell, data == null ? null : data.get());
    base.forEach(b -> b.accept(setup));
    for (Axis axis : axes) {
      axis.variant(cell.value(axis.name())).configure().accept(setup);
    }
    if (setup.data() == null) {
      throw new IllegalStateException("cell " + cell.id() + " has no training and validation"
          + " data: give the grid data(...) or set it in a variant");
    }
    return setup;
  }

  /** The data's names and sizes, recorded in the cell's settings (sentences for token data). */
  private static void describeData(TaskData data, Map<String, String> settings) {
    if (data instanceof TokenSplit tokens) {
      describePart("train", tokens.train(), settings);
      describePart("validation", tokens.validation(), settings);
    } else if (data instanceof DatasetSplit text) {
      settings.put("train_data", text.train().name());
      settings.put("train_size", Integer.toString(text.train().size()));
      settings.put("validation_data", text.validation().name());
      settings.put("validation_size", Integer.toString(text.validation().size()));
    } else {
      throw new IllegalArgumentException("a grid cell trains a DatasetSplit (texts) or a TokenSplit"
          + " (tagged words), not a " + data.getClass().getName());
    }
  }

  private static void describePart(String role, TokenDataset part, Map<String, String> settings) {
    settings.put(role + "_data", part.name());
    settings.put(role + "_size", Integer.toString(part.size()));
  }

  /**
   * The folder of a cell's resume checkpoint in a stoppable run.
   *
   * @param outputDir the grid's results folder
   * @param cellId the cell's id
   * @return {@code outputDir/checkpoints/<cell id>}
   */
  public static Path cellCheckpoint(Path outputDir, String cellId) {
    return outputDir.resolve(CHECKPOINTS_DIR).resolve(cellId);
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      LOG.warn("could not remove the finished cell's checkpoint {}: {}", dir, e.toString());
    }
  }

  /**
   * Trains a cell; with a checkpoint folder and a stop request, the chain keeps its resume
   * checkpoint there and stops on request (set before the cell's own options, so a chain that
   * sets its own checkpoint folder, as the scheme search's trials do, keeps it).
   */
  /** A cell's result and the folder its chain kept its resume checkpoint in (null for none). */
  private record Trained(CellResult result, Path checkpoint) {}

  private Trained runCell(Cell cell, Path checkpoint, StopRequest stop) {
    CellSetup setup = setup(cell);
    boolean peakPerCell = MemoryProbe.resetPeakResident();
    long start = System.nanoTime();
    try (SequenceClassifier model = Objects.requireNonNull(modelFactory.apply(cell),
        "the model factory returned null")) {
      FineTune chain = FineTune.of(model).seed(cell.seed()).progressBar(progressBar);
      if (stop != null) {
        chain.checkpoints(checkpoint, 0).callbacks(stop);
      }
      setup.applyTo(chain);
      Map<String, String> settings = new LinkedHashMap<>(setup.settings());
      describeData(setup.data(), settings);
      settings.put("learning_rate", Double.toString(setup.effectiveLearningRate()));
      settings.put("lr_policy", setup.lrPolicy().toString());
      settings.put("peak_rss_scope", peakPerCell ? "cell" : "process");
      settings.put("absolute_schedule", chain.config().absoluteSchedule().toString());
      TrainingReport report = chain.fit(setup.data());
      settings.put("cell_seconds", String.format(Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9));
      return new Trained(new CellResult(cell.id(), cell.configuration(), cell.seed(),
          cell.axisValues(), settings, report), chain.config().checkpointDir());
    }
  }

  /** Builder of an {@link ExperimentGrid}; see {@link ExperimentGrid#builder(String)}. */
  public static final class Builder {
    private final String name;
    private final List<String> description = new ArrayList<>();
    private final List<Axis> axes = new ArrayList<>();
    private List<Long> seeds = List.of(42L);
    private Predicate<Cell> filter = c -> true;
    private Function<Cell, SequenceClassifier> modelFactory;
    private Supplier<? extends TaskData> data;
    private final List<Consumer<CellSetup>> base = new ArrayList<>();
    private boolean progressBar;

    private Builder(String name) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("a grid needs a name, e.g. \"study-a\"");
      }
      this.name = name;
    }

    /**
     * Adds an axis; the first one added varies slowest.
     *
     * @param axis the axis
     * @return this
     */
    public Builder axis(Axis axis) {
      Objects.requireNonNull(axis, "axis");
      if (axes.stream().anyMatch(a -> a.name().equals(axis.name()))) {
        throw new IllegalArgumentException("grid '" + name + "' already has an axis '" + axis.name() + "'");
      }
      axes.add(axis);
      return this;
    }

    /**
     * Adds an axis from its variants.
     *
     * @param axisName the axis name
     * @param variants its values
     * @return this
     */
    public Builder axis(String axisName, Variant... variants) {
      return axis(Axis.of(axisName, variants));
    }

    /**
     * Sets the repeats' seeds (default {@code 42}); results are aggregated as mean ± std over them.
     *
     * @param values the seeds, distinct
     * @return this
     */
    public Builder seeds(long... values) {
      seeds = distinctSeeds(values);
      return this;
    }

    /**
     * Keeps only the cells a predicate accepts (e.g. a schedule axis only on some schemes).
     *
     * @param predicate true for cells to run
     * @return this
     */
    public Builder only(Predicate<Cell> predicate) {
      filter = filter.and(Objects.requireNonNull(predicate, "predicate"));
      return this;
    }

    /**
     * Sets how each cell's fresh model is created (it is closed after the cell).
     *
     * @param factory cell to model
     * @return this
     */
    public Builder model(Function<Cell, SequenceClassifier> factory) {
      modelFactory = Objects.requireNonNull(factory, "factory");
      return this;
    }

    /**
     * Sets how each cell's fresh model is created, the same for all cells.
     *
     * @param factory a model per call
     * @return this
     */
    public Builder model(Supplier<SequenceClassifier> factory) {
      Objects.requireNonNull(factory, "factory");
      modelFactory = cell -> factory.get();
      return this;
    }

    /**
     * Sets the data every cell starts from (variants may replace or subsample it).
     *
     * @param train the training set
     * @param validation the validation set
     * @return this
     */
    public Builder data(TextDataset train, TextDataset validation) {
      DatasetSplit split = new DatasetSplit(train, validation);
      data = () -> split;
      return this;
    }

    /**
     * Sets the data lazily: loaded on the first cell that runs (memoised), so that a grid can be
     * built and inspected without its data. Either kind of task data: a {@link DatasetSplit} of
     * texts or a {@link TokenSplit} of tagged words (token classification: the cells' models need
     * a token head, e.g. {@code task.head(encoder, data)}); a test part, when the data has one,
     * is scored once after each cell's last epoch.
     *
     * <pre>{@code
     * builder.data(() -> Conll2003.load(dir).sample(2000, 500, 42));
     * }</pre>
     *
     * @param loader loads the data
     * @return this
     */
    public Builder data(Supplier<? extends TaskData> loader) {
      data = Lazy.of(loader);
      return this;
    }

    /**
     * Adds a configuration applied to every cell before its variants (shared settings).
     *
     * @param configuration e.g. {@code s -> s.learningRate(5e-5).chain(c -> c.epochs(2))}
     * @return this
     */
    public Builder configure(Consumer<CellSetup> configuration) {
      base.add(Objects.requireNonNull(configuration, "configuration"));
      return this;
    }

    /**
     * Adds a description line (e.g. {@code "MiniLM first 3 layers, 1000 train examples"}),
     * printed above the result table.
     *
     * @param line the text
     * @return this
     */
    public Builder describe(String line) {
      description.add(Objects.requireNonNull(line, "line"));
      return this;
    }

    /**
     * Shows the training progress bar of each cell (default off).
     *
     * @param show whether to show it
     * @return this
     */
    public Builder progressBar(boolean show) {
      progressBar = show;
      return this;
    }

    /**
     * Builds the grid and its cells.
     *
     * @return the grid
     * @throws IllegalStateException when no model factory was given
     * @throws IllegalArgumentException when the filter leaves no cell
     */
    public ExperimentGrid build() {
      if (modelFactory == null) {
        throw new IllegalStateException("grid '" + name + "' has no model factory; call"
            + " .model(cell -> encoder.classifier().seed(cell.seed()).build())");
      }
      return new ExperimentGrid(this);
    }
  }
}
