package dev.finetune.experiments.search;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.finetune.core.checkpoint.AtomicFiles;
import dev.finetune.experiments.grid.Stat;
import dev.finetune.schedules.plot.SchedulePlots;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Writes a search's results: {@code leaderboard.md}, {@code leaderboard.csv}, {@code
 * leaderboard.json} (rank, trial, its values, highest rung, steps, metric, status; and, when
 * the search confirmed its leaders over seeds, their runs, mean and sd), {@code
 * best.json} (the winner as a config that reproduces it: a grid config file for searches read by
 * {@link SearchConfig}, run with {@code GridMain --config best.json}), and {@code
 * learning_curves.png} (the metric against steps for every trial, promotions and stops marked).
 *
 * <pre>{@code
 * List<Path> files = SearchReport.write(search.run(dir), dir);
 * }</pre>
 */
public final class SearchReport {

  /** The files {@link #write} writes, in order. */
  public static final List<String> FILES = List.of("leaderboard.md", "leaderboard.csv",
      "leaderboard.json", "best.json", "learning_curves.png");

  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping()
      .serializeSpecialFloatingPointValues().create();

  private SearchReport() {}

  /**
   * Writes every file into a folder.
   *
   * @param results the results
   * @param dir the folder (created if needed)
   * @return the files written
   * @throws IOException when writing fails
   */
  public static List<Path> write(SearchResults results, Path dir) throws IOException {
    Files.createDirectories(dir);
    List<Path> out = new ArrayList<>();
    String[] texts = {markdown(results), csv(results), GSON.toJson(json(results)),
        GSON.toJson(results.bestConfig())};
    for (int i = 0; i < texts.length; i++) {
      Path file = dir.resolve(FILES.get(i));
      AtomicFiles.write(file, (texts[i] + "\n").getBytes(StandardCharsets.UTF_8));
      out.add(file);
    }
    Path png = dir.resolve(FILES.get(4));
    SchedulePlots.savePng(learningCurves(results), png);
    out.add(png);
    return out;
  }

  private static List<String> options(SearchResults r) {
    Set<String> keys = new LinkedHashSet<>();
    r.trials().forEach(t -> keys.addAll(t.values().keySet()));
    return List.copyOf(keys);
  }

  private static String value(SearchResults.Row row, String key) {
    JsonElement v = row.trial().values().get(key);
    return v == null ? "" : Trial.text(v);
  }

  /**
   * The leaderboard as a Markdown table, with a header line on the search.
   *
   * @param r the results
   * @return the Markdown
   */
  public static String markdown(SearchResults r) {
    List<String> options = options(r);
    StringBuilder sb = new StringBuilder();
    sb.append("# ").append(r.name()).append("\n\n");
    sb.append(String.format(Locale.ROOT, "%s, %d trials (sampler: %s), rungs of %s steps; %d optimizer"
            + " steps in all; ranked by validation %s.%n%n", r.strategy().key(), r.leaderboard().size(),
        r.sampler(), r.rungSteps(), r.totalSteps(), r.metric()));
    if (r.maxTotalSteps() > 0) {
      sb.append(String.format(Locale.ROOT, "Budget: %d steps in all; %s.%n%n", r.maxTotalSteps(),
          r.stoppedAtBudget() ? "the search stopped there (the next job would have passed it)"
              : "the search finished within it"));
    }
    sb.append("| rank | trial | ").append(String.join(" | ", options)).append(" | rung | steps | ")
        .append(r.metric()).append(" | status |\n");
    sb.append("|---|---|").append("---|".repeat(options.size())).append("---|---|---|---|\n");
    for (SearchResults.Row row : r.leaderboard()) {
      sb.append("| ").append(row.rank()).append(" | ").append(row.trial().id()).append(" | ");
      for (String o : options) {
        sb.append(value(row, o).replace("|", "\\|")).append(" | ");
      }
      sb.append(row.rung()).append(" | ").append(row.steps()).append(" | ")
          .append(String.format(Locale.ROOT, "%.4f", row.metric())).append(" | ").append(row.status())
          .append(" |\n");
    }
    List<SearchResults.ConfirmedRow> confirmed = r.confirmed();
    if (!confirmed.isEmpty()) {
      List<Long> seeds = confirmed.get(0).seeds();
      sb.append(String.format(Locale.ROOT, "%n## Confirmed over training seeds%n%n"
              + "The leaderboard's first %d trial(s) trained again from scratch to %d steps with seeds %s;"
              + " %d optimizer steps, not counted above. Ranked by the mean; the winner (`best.json`) is %s.%n%n",
          confirmed.size(), r.rungSteps().get(r.rungSteps().size() - 1), seeds, r.confirmationSteps(),
          r.winner().id()));
      sb.append("| rank | trial | search rank | search's seed | ");
      seeds.forEach(seed -> sb.append("seed ").append(seed).append(" | "));
      sb.append("mean ± sd |\n|---|---|---|---|").append("---|".repeat(seeds.size())).append("---|\n");
      for (SearchResults.ConfirmedRow row : confirmed) {
        sb.append("| ").append(row.rank()).append(" | ").append(row.trial().id()).append(" | ")
            .append(row.searchRank()).append(" | ")
            .append(String.format(Locale.ROOT, "%.4f", row.searchMetric())).append(" | ");
        row.values().forEach(v -> sb.append(String.format(Locale.ROOT, "%.4f", v)).append(" | "));
        sb.append(row.stat().format(4));
        if (row.diverged() > 0) {
          sb.append(" (").append(row.diverged()).append(" diverged)");
        }
        sb.append(" |\n");
      }
    }
    return sb.toString();
  }

  /**
   * The leaderboard as CSV (values quoted where needed).
   *
   * @param r the results
   * @return the CSV text
   */
  public static String csv(SearchResults r) {
    List<String> options = options(r);
    StringBuilder sb = new StringBuilder("rank,trial");
    options.forEach(o -> sb.append(',').append(o));
    sb.append(",rung,steps,").append(r.metric()).append(",status");
    Map<Integer, SearchResults.ConfirmedRow> confirmed = new HashMap<>();
    r.confirmed().forEach(c -> confirmed.put(c.trial().index(), c));
    if (!confirmed.isEmpty()) {
      sb.append(",confirmed_rank,confirmed_mean,confirmed_sd,confirmed_n");
    }
    sb.append('\n');
    for (SearchResults.Row row : r.leaderboard()) {
      sb.append(row.rank()).append(',').append(row.trial().id());
      for (String o : options) {
        sb.append(',').append(quote(value(row, o)));
      }
      sb.append(',').append(row.rung()).append(',').append(row.steps()).append(',')
          .append(row.metric()).append(',').append(quote(row.status()));
      if (!confirmed.isEmpty()) {
        SearchResults.ConfirmedRow c = confirmed.get(row.trial().index());
        sb.append(c == null ? ",,,," : "," + c.rank() + "," + c.stat().mean() + "," + c.stat().std() + ","
            + c.stat().n());
      }
      sb.append('\n');
    }
    return sb.toString().stripTrailing();
  }

  private static String quote(String s) {
    return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }

  /**
   * The leaderboard and the search's settings as JSON.
   *
   * @param r the results
   * @return the JSON object
   */
  public static JsonObject json(SearchResults r) {
    JsonObject o = new JsonObject();
    o.addProperty("name", r.name());
    o.addProperty("strategy", r.strategy().key());
    o.addProperty("sampler", r.sampler());
    o.addProperty("metric", r.metric());
    o.add("rung_steps", GSON.toJsonTree(r.rungSteps()));
    o.addProperty("total_steps", r.totalSteps());
    if (r.maxTotalSteps() > 0) {
      o.addProperty("max_total_steps", r.maxTotalSteps());
      o.addProperty("stopped_at_budget", r.stoppedAtBudget());
    }
    JsonArray rows = new JsonArray();
    for (SearchResults.Row row : r.leaderboard()) {
      JsonObject j = new JsonObject();
      j.addProperty("rank", row.rank());
      j.addProperty("trial", row.trial().id());
      j.add("values", row.trial().toJson());
      j.addProperty("rung", row.rung());
      j.addProperty("steps", row.steps());
      j.addProperty(r.metric(), row.metric());
      j.add("curve", GSON.toJsonTree(row.curve()));
      j.addProperty("status", row.status());
      rows.add(j);
    }
    o.add("leaderboard", rows);
    List<SearchResults.ConfirmedRow> confirmed = r.confirmed();
    if (!confirmed.isEmpty()) {
      JsonObject c = new JsonObject();
      c.add("seeds", GSON.toJsonTree(confirmed.get(0).seeds()));
      c.addProperty("steps", r.confirmationSteps());
      c.addProperty("winner", r.winner().id());
      JsonArray list = new JsonArray();
      for (SearchResults.ConfirmedRow row : confirmed) {
        JsonObject j = new JsonObject();
        j.addProperty("rank", row.rank());
        j.addProperty("trial", row.trial().id());
        j.addProperty("search_rank", row.searchRank());
        j.addProperty("search_" + r.metric(), row.searchMetric());
        j.add(r.metric(), GSON.toJsonTree(row.values()));
        j.addProperty("mean", row.stat().mean());
        j.addProperty("sd", row.stat().std());
        j.addProperty("diverged", row.diverged());
        j.add("means", GSON.toJsonTree(metricMeans(r, row.trial().index())));
        list.add(j);
      }
      c.add("trials", list);
      o.add("confirmation", c);
    }
    return o;
  }

  /**
   * The mean of every validation metric over a trial's confirmation runs (NaN values left out),
   * so that a search ranked by loss still shows the accuracy its confirmed trials average.
   */
  private static Map<String, Double> metricMeans(SearchResults r, int trial) {
    Map<String, List<Double>> values = new TreeMap<>();
    for (SearchResults.Confirmation c : r.confirmations()) {
      if (c.trial() == trial) {
        c.result().metrics().forEach((k, v) -> values.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
      }
    }
    Map<String, Double> out = new LinkedHashMap<>();
    values.forEach((k, v) -> out.put(k, Stat.of(
        v.stream().mapToDouble(Double::doubleValue).toArray()).mean()));
    return out;
  }

  /**
   * The metric against steps, one line per trial (no legend entry each); promotions (a rung's
   * result that earned the next rung) drawn as up-triangles, stops (a trial's last result below
   * the top rung) as crosses.
   *
   * @param r the results
   * @return the chart
   */
  public static XYChart learningCurves(SearchResults r) {
    XYChart chart = new XYChartBuilder().width(900).height(560)
        .title(r.name() + ": " + r.strategy().key() + " learning curves")
        .xAxisTitle("optimizer steps").yAxisTitle("validation " + r.metric()).build();
    List<double[]> promoted = new ArrayList<>();
    List<double[]> stopped = new ArrayList<>();
    for (SearchResults.Row row : r.leaderboard()) {
      List<double[]> curve = row.curve();
      double[] x = curve.stream().mapToDouble(p -> p[0]).toArray();
      double[] y = curve.stream().mapToDouble(p -> Double.isNaN(p[1]) ? 0 : p[1]).toArray();
      XYSeries s = chart.addSeries(row.trial().id(), x, y);
      s.setMarker(SeriesMarkers.CIRCLE);
      s.setShowInLegend(row.rank() <= 5);
      for (int i = 0; i < curve.size() - 1; i++) {
        promoted.add(new double[] {x[i], y[i]});
      }
      if (!row.status().equals("completed")) {
        stopped.add(new double[] {x[x.length - 1], y[y.length - 1]});
      }
    }
    addMarks(chart, "promoted", promoted, SeriesMarkers.TRIANGLE_UP);
    addMarks(chart, "stopped", stopped, SeriesMarkers.CROSS);
    return chart;
  }

  private static void addMarks(XYChart chart, String name, List<double[]> points,
      org.knowm.xchart.style.markers.Marker marker) {
    if (points.isEmpty()) {
      return;
    }
    XYSeries s = chart.addSeries(name, points.stream().mapToDouble(p -> p[0]).toArray(),
        points.stream().mapToDouble(p -> p[1]).toArray());
    s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    s.setMarker(marker);
  }
}
