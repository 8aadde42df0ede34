package dev.finetune.experiments.grid;

import dev.finetune.schedules.LrSchedule;
import dev.finetune.schedules.Schedules;
import dev.finetune.schedules.plot.SchedulePlots;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PNG plots of grid results with XChart: validation accuracy per epoch per configuration,
 * accuracy against trainable parameters (log x), accuracy against seconds per epoch, and the
 * learning-rate schedules the cells used (drawn by {@link SchedulePlots}). Rendering is off
 * screen; pass {@code -Djava.awt.headless=true} where there is no display.
 *
 * <pre>{@code
 * List<Path> files = GridPlots.writeAll(GridResults.load(dir), dir.resolve("plots"));
 * }</pre>
 */
public final class GridPlots {

  private static final Logger LOG = LoggerFactory.getLogger(GridPlots.class);

  /** File names of the plots, in the order {@link #writeAll} writes them. */
  public static final List<String> FILES = List.of("accuracy_per_epoch.png",
      "accuracy_vs_trainable_parameters.png", "accuracy_vs_seconds_per_epoch.png", "lr_schedules.png");

  private GridPlots() {}

  /**
   * Writes the four plots into a folder (created if needed).
   *
   * @param results the results
   * @param dir the folder
   * @return the files written
   * @throws IOException when writing fails
   */
  public static List<Path> writeAll(GridResults results, Path dir) throws IOException {
    List<XYChart> charts = List.of(accuracyPerEpoch(results), accuracyVsTrainableParameters(results),
        accuracyVsSecondsPerEpoch(results), schedules(results));
    List<Path> out = new ArrayList<>();
    for (int i = 0; i < charts.size(); i++) {
      Path file = dir.resolve(FILES.get(i));
      SchedulePlots.savePng(charts.get(i), file);
      out.add(file);
    }
    return out;
  }

  /**
   * Mean validation accuracy per epoch, one line per configuration.
   *
   * @param results the results
   * @return the chart
   */
  public static XYChart accuracyPerEpoch(GridResults results) {
    XYChart chart = chart(results.name() + ": validation accuracy per epoch", "epoch", "validation accuracy");
    for (ConfigurationSummary c : results.configurations()) {
      List<Stat> perEpoch = c.metricPerEpoch("accuracy");
      double[] x = new double[perEpoch.size()];
      double[] y = new double[perEpoch.size()];
      for (int i = 0; i < x.length; i++) {
        x[i] = i + 1;
        y[i] = perEpoch.get(i).mean();
      }
      if (x.length > 0) {
        chart.addSeries(c.configuration(), x, y).setMarker(SeriesMarkers.CIRCLE);
      }
    }
    return chart;
  }

  /**
   * Final accuracy against trainable parameters on a log scale, one point per configuration.
   *
   * @param results the results
   * @return the chart
   */
  public static XYChart accuracyVsTrainableParameters(GridResults results) {
    XYChart chart = scatter(results, results.name() + ": accuracy vs trainable parameters",
        "trainable parameters (log)", c -> c.trainableParameters().mean());
    chart.getStyler().setXAxisLogarithmic(true);
    return chart;
  }

  /**
   * Final accuracy against mean training seconds per epoch, one point per configuration.
   *
   * @param results the results
   * @return the chart
   */
  public static XYChart accuracyVsSecondsPerEpoch(GridResults results) {
    return scatter(results, results.name() + ": accuracy vs seconds per epoch", "seconds per epoch",
        c -> c.secondsPerEpoch().mean());
  }

  /**
   * The base learning rate over the optimizer steps for each configuration (its first repeat's
   * {@code absolute_schedule} setting; schedules a callback changes, like SWA's, are drawn as
   * configured); configurations with the same schedule share a line. Parameter-group
   * multipliers are not drawn.
   *
   * @param results the results
   * @return the chart
   */
  public static XYChart schedules(GridResults results) {
    Map<String, List<String>> bySpec = new LinkedHashMap<>();
    Map<String, LrSchedule> parsed = new LinkedHashMap<>();
    int totalSteps = 1;
    for (ConfigurationSummary c : results.configurations()) {
      CellResult first = c.repeats().get(0);
      String spec = first.settings().get("absolute_schedule");
      if (spec == null || first.report().lastEpoch() == null) {
        continue;
      }
      try {
        parsed.computeIfAbsent(spec, Schedules::parse);
        bySpec.computeIfAbsent(spec, k -> new ArrayList<>()).add(c.configuration());
        totalSteps = Math.max(totalSteps, (int) first.report().lastEpoch().steps());
      } catch (IllegalArgumentException e) {
        LOG.warn("{}: schedule '{}' not drawn: {}", c.configuration(), spec, e.getMessage());
      }
    }
    // configurations with the same schedule share one line, named after all of them
    Map<String, LrSchedule> series = new LinkedHashMap<>();
    bySpec.forEach((spec, names) -> series.put(legend(names), parsed.get(spec)));
    XYChart chart = SchedulePlots.schedules("learning-rate schedules (base LR)", totalSteps, series);
    style(chart);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    return chart;
  }

  private static String legend(List<String> names) {
    String all = String.join(", ", names);
    return all.length() <= 60 ? all : names.get(0) + " and " + (names.size() - 1) + " more";
  }

  private interface XValue {
    double of(ConfigurationSummary c);
  }

  private static XYChart scatter(GridResults results, String title, String xTitle, XValue x) {
    XYChart chart = chart(title, xTitle, "final validation accuracy");
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    for (ConfigurationSummary c : results.configurations()) {
      double xv = x.of(c);
      double yv = c.finalMetric("accuracy").mean();
      if (Double.isFinite(xv) && xv > 0 && Double.isFinite(yv)) {
        chart.addSeries(c.configuration(), new double[] {xv}, new double[] {yv});
      }
    }
    return chart;
  }

  private static XYChart chart(String title, String xTitle, String yTitle) {
    XYChart chart = new XYChartBuilder().width(SchedulePlots.WIDTH + 280).height(SchedulePlots.HEIGHT + 120)
        .title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
    style(chart);
    return chart;
  }

  private static void style(XYChart chart) {
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
  }
}
