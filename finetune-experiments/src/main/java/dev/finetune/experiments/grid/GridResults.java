package dev.finetune.experiments.grid;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.finetune.core.checkpoint.AtomicFiles;
import dev.finetune.core.report.EpochRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The finished cells of a grid, read from its results folder ({@code grid.json} and
 * {@code cells/*.json}) — also without rerunning anything — with their aggregates per
 * configuration, a combined CSV (one row per cell per epoch), a summary CSV (one row per
 * configuration, mean and std over repeats) and a Markdown table.
 *
 * <pre>{@code
 * GridResults results = GridResults.load(Path.of("runs/study-a"));
 * System.out.println(results.markdownTable());
 * }</pre>
 *
 * @param name the grid's name
 * @param description the grid's description lines (shared settings)
 * @param axisNames the axis names, in order
 * @param cells the finished cells, in run order
 */
public record GridResults(String name, List<String> description, List<String> axisNames,
    List<CellResult> cells) {

  /**
   * The cell setting naming the task's main metric; when the cells agree on one other than
   * accuracy and MCC, the Markdown table adds its final and best values.
   */
  public static final String MAIN_METRIC = "main_metric";

  /** The grid's own file in the results folder: name, description, axes, cell order. */
  public static final String GRID_FILE = "grid.json";

  /** Copies the lists. */
  public GridResults {
    description = List.copyOf(description);
    axisNames = List.copyOf(axisNames);
    cells = List.copyOf(cells);
  }

  /**
   * Reads a results folder. Without {@value #GRID_FILE} the name is the folder's and the axes
   * are those of the first cell.
   *
   * @param dir the folder a grid ran into
   * @return the results (possibly no cells)
   * @throws IOException when a file cannot be read or parsed (the message names it)
   */
  public static GridResults load(Path dir) throws IOException {
    Path cellsDir = dir.resolve(ExperimentGrid.CELLS_DIR);
    if (!Files.isDirectory(cellsDir)) {
      throw new IOException("no grid results in " + dir.toAbsolutePath() + ": the folder "
          + ExperimentGrid.CELLS_DIR + "/ is missing (run the grid into it first)");
    }
    List<CellResult> found = new ArrayList<>();
    try (Stream<Path> files = Files.list(cellsDir)) {
      for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList()) {
        found.add(CellResult.read(f));
      }
    }
    String name = dir.toAbsolutePath().getFileName().toString();
    List<String> description = List.of();
    List<String> axes = found.isEmpty() ? List.of() : List.copyOf(found.get(0).axes().keySet());
    List<String> order = List.of();
    Path gridFile = dir.resolve(GRID_FILE);
    if (Files.exists(gridFile)) {
      try {
        JsonObject root = JsonParser.parseString(Files.readString(gridFile, StandardCharsets.UTF_8)).getAsJsonObject();
        name = root.get("name").getAsString();
        description = strings(root.get("description"));
        axes = strings(root.get("axes"));
        order = strings(root.get("cells"));
      } catch (JsonParseException | IllegalStateException | NullPointerException | UnsupportedOperationException e) {
        throw new IOException(gridFile + ": not a grid file (expected name, description, axes,"
            + " cells): " + e.getMessage(), e);
      }
    }
    List<String> runOrder = order;
    found.sort(Comparator.comparingInt((CellResult r) -> {
      int i = runOrder.indexOf(r.id());
      return i < 0 ? Integer.MAX_VALUE : i;
    }));
    return new GridResults(name, description, axes, found);
  }

  static void writeGridFile(Path dir, String name, List<String> description, List<String> axes,
      List<String> cellIds) {
    JsonObject root = new JsonObject();
    root.addProperty("name", name);
    root.add("description", array(description));
    root.add("axes", array(axes));
    root.add("cells", array(cellIds));
    AtomicFiles.write(dir.resolve(GRID_FILE),
        new GsonBuilder().setPrettyPrinting().create().toJson(root).getBytes(StandardCharsets.UTF_8));
  }

  private static JsonArray array(List<String> values) {
    JsonArray a = new JsonArray();
    values.forEach(a::add);
    return a;
  }

  private static List<String> strings(JsonElement e) {
    List<String> out = new ArrayList<>();
    e.getAsJsonArray().forEach(x -> out.add(x.getAsString()));
    return out;
  }

  /**
   * The cells grouped by configuration (repeats together), in first-run order.
   *
   * @return one summary per configuration
   */
  public List<ConfigurationSummary> configurations() {
    Map<String, List<CellResult>> groups = new LinkedHashMap<>();
    cells.forEach(c -> groups.computeIfAbsent(c.configuration(), k -> new ArrayList<>()).add(c));
    List<ConfigurationSummary> out = new ArrayList<>();
    groups.forEach((id, repeats) -> out.add(new ConfigurationSummary(id, repeats.get(0).axes(), repeats)));
    return out;
  }

  private List<String> metricNames() {
    Set<String> names = new LinkedHashSet<>();
    cells.forEach(c -> c.report().epochs().forEach(e -> names.addAll(e.validationMetrics().keySet())));
    return new ArrayList<>(names);
  }

  /**
   * All epochs of all cells as CSV: one row per cell per epoch.
   *
   * @return the CSV text with a header line
   */
  public String resultsCsv() {
    List<String> metrics = metricNames();
    List<String> header = new ArrayList<>(List.of("cell", "configuration", "seed"));
    header.addAll(axisNames);
    header.addAll(List.of("epoch", "steps", "train_loss", "validation_loss"));
    metrics.forEach(m -> header.add("val_" + m));
    header.addAll(List.of("learning_rate", "seconds", "tokens_per_second", "peak_heap_bytes",
        "peak_rss_bytes", "trainable_parameters", "total_parameters"));
    StringBuilder out = new StringBuilder();
    csvLine(out, header);
    for (CellResult c : cells) {
      for (EpochRecord e : c.report().epochs()) {
        List<String> row = new ArrayList<>(List.of(c.id(), c.configuration(), Long.toString(c.seed())));
        axisNames.forEach(a -> row.add(c.axes().getOrDefault(a, "")));
        row.add(Integer.toString(e.epoch()));
        row.add(Long.toString(e.steps()));
        row.add(num(e.trainLoss()));
        row.add(num(e.validationLoss()));
        metrics.forEach(m -> row.add(num(e.validationMetrics().getOrDefault(m, Double.NaN))));
        row.add(num(e.learningRate()));
        row.add(num(e.seconds()));
        row.add(num(e.tokensPerSecond()));
        row.add(e.peakHeapBytes() < 0 ? "" : Long.toString(e.peakHeapBytes()));
        row.add(e.peakRssBytes() < 0 ? "" : Long.toString(e.peakRssBytes()));
        row.add(Long.toString(e.trainableParameters()));
        row.add(Long.toString(e.totalParameters()));
        csvLine(out, row);
      }
    }
    return out.toString();
  }

  /**
   * One row per configuration: repeats, then mean and std of final and best accuracy, final
   * validation loss, MCC, F1, seconds per epoch, peak RSS (MiB) and trainable parameters.
   *
   * @return the CSV text with a header line
   */
  public String summaryCsv() {
    List<String> header = new ArrayList<>(List.of("configuration"));
    header.addAll(axisNames);
    header.add("repeats");
    List<String> stats = List.of("final_accuracy", "best_accuracy", "final_validation_loss",
        "final_mcc", "final_f1", "seconds_per_epoch", "peak_rss_mib", "trainable_parameters");
    stats.forEach(s -> {
      header.add(s + "_mean");
      header.add(s + "_std");
    });
    StringBuilder out = new StringBuilder();
    csvLine(out, header);
    for (ConfigurationSummary c : configurations()) {
      List<String> row = new ArrayList<>(List.of(c.configuration()));
      axisNames.forEach(a -> row.add(c.axes().getOrDefault(a, "")));
      row.add(Integer.toString(c.repeats().size()));
      for (Stat s : List.of(c.finalMetric("accuracy"), c.bestMetric("accuracy"), c.finalValidationLoss(),
          c.finalMetric("mcc"), c.finalMetric("f1"), c.secondsPerEpoch(), c.peakRssMib(),
          c.trainableParameters())) {
        row.add(num(s.mean()));
        row.add(num(s.std()));
      }
      csvLine(out, row);
    }
    return out.toString();
  }

  /**
   * A Markdown table, one row per configuration: axis values, repeats, final and best
   * validation accuracy, final validation loss, MCC, the final and best main metric when the cells
   * name another ({@link #mainMetric()}: entity F1 of a token task), seconds per epoch, peak RSS, trainable
   * parameters (mean ± std over repeats where there are several), plus the accuracy of extra
   * evaluations such as SWA's averaged weights when a cell has them.
   *
   * @return the table (no title)
   */
  public String markdownTable() {
    List<ConfigurationSummary> configs = configurations();
    Set<String> extras = new LinkedHashSet<>();
    configs.forEach(c -> extras.addAll(c.extraLabels()));
    String main = mainMetric();
    boolean mainColumns = main != null && !main.equals("accuracy") && !main.equals("mcc");
    List<String> header = new ArrayList<>(axisNames);
    header.addAll(List.of("n", "final acc", "best acc", "val loss", "MCC"));
    if (mainColumns) {
      header.addAll(List.of("final " + main, "best " + main));
    }
    header.addAll(List.of("s/epoch", "peak RSS MiB", "trainable params"));
    extras.forEach(x -> header.add(x + " acc"));
    StringBuilder out = new StringBuilder();
    out.append("| ").append(String.join(" | ", header)).append(" |\n");
    out.append("|").append("---|".repeat(header.size())).append('\n');
    for (ConfigurationSummary c : configs) {
      List<String> row = new ArrayList<>();
      axisNames.forEach(a -> row.add(c.axes().getOrDefault(a, "")));
      row.add(Integer.toString(c.repeats().size()));
      row.add(c.finalMetric("accuracy").format(3));
      row.add(c.bestMetric("accuracy").format(3));
      row.add(c.finalValidationLoss().format(3));
      row.add(c.finalMetric("mcc").format(3));
      if (mainColumns) {
        row.add(c.finalMetric(main).format(3));
        row.add(c.bestMetric(main).format(3));
      }
      row.add(c.secondsPerEpoch().format(1));
      row.add(c.peakRssMib().format(0));
      Stat trainable = c.trainableParameters();
      row.add(trainable.n() == 0 ? "-" : String.format(Locale.ROOT, "%,d", Math.round(trainable.mean())));
      extras.forEach(x -> row.add(c.extraMetric(x, "accuracy").format(3)));
      out.append("| ").append(String.join(" | ", row)).append(" |\n");
    }
    return out.toString();
  }

  /**
   * The task's main metric that every cell recorded (setting {@value #MAIN_METRIC}, as grid files
   * do), e.g. {@code f1} for CoNLL-2003's entities.
   *
   * @return the metric, or null when the cells do not name one (or name different ones)
   */
  public String mainMetric() {
    Set<String> named = new LinkedHashSet<>();
    cells.forEach(c -> named.add(c.settings().get(MAIN_METRIC)));
    return named.size() == 1 ? named.iterator().next() : null;
  }

  private static String num(double v) {
    return Double.isFinite(v) ? Double.toString(v) : "";
  }

  private static void csvLine(StringBuilder out, List<String> cells) {
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      String v = cells.get(i);
      out.append(v.contains(",") || v.contains("\"") || v.contains("\n")
          ? '"' + v.replace("\"", "\"\"") + '"' : v);
    }
    out.append('\n');
  }
}
