package dev.finetune.experiments.search;

import dev.finetune.core.train.LrFinderResult;
import dev.finetune.schedules.plot.SchedulePlots;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The plot of an LR range test: training loss and smoothed loss against the learning rate (log
 * x), with the {@code valley} and {@code steepest} suggestions marked, as fastai draws it; the y
 * axis tops at the smoothed loss's maximum (raw spikes near divergence are cut off).
 *
 * <pre>{@code
 * LrFinderPlot.write(FineTune.of(model).findLearningRate(train), "sst2 full", Path.of("lr_find.png"));
 * }</pre>
 */
public final class LrFinderPlot {

  private LrFinderPlot() {}

  /**
   * Draws the chart.
   *
   * @param result the range test
   * @param title what was tested, e.g. the configuration
   * @return the chart
   */
  public static XYChart chart(LrFinderResult result, String title) {
    XYChart chart = new XYChartBuilder().width(800).height(500)
        .title(title + ": LR range test").xAxisTitle("learning rate (log)").yAxisTitle("training loss")
        .build();
    chart.getStyler().setXAxisLogarithmic(true);
    // the y axis tops at the smoothed loss: the raw loss's spikes near divergence would flatten it
    double low = Math.min(result.losses().stream().mapToDouble(Double::doubleValue).min().orElse(0),
        result.smoothedLosses().stream().mapToDouble(Double::doubleValue).min().orElse(0));
    double high = result.smoothedLosses().stream().mapToDouble(Double::doubleValue).max().orElse(1);
    double pad = Math.max(1e-6, 0.1 * (high - low));
    chart.getStyler().setYAxisMin(low - pad);
    chart.getStyler().setYAxisMax(high + pad);
    double[] x = result.learningRates().stream().mapToDouble(Double::doubleValue).toArray();
    XYSeries raw = chart.addSeries("loss", x, result.losses().stream().mapToDouble(Double::doubleValue).toArray());
    raw.setMarker(SeriesMarkers.NONE);
    XYSeries smooth = chart.addSeries("smoothed loss", x,
        result.smoothedLosses().stream().mapToDouble(Double::doubleValue).toArray());
    smooth.setMarker(SeriesMarkers.NONE);
    mark(chart, String.format(Locale.ROOT, "valley %.2e", result.valley()), result, result.valleyIndex());
    mark(chart, String.format(Locale.ROOT, "steepest %.2e", result.steepest()), result, result.steepestIndex());
    return chart;
  }

  private static void mark(XYChart chart, String name, LrFinderResult r, int index) {
    XYSeries s = chart.addSeries(name, List.of(r.learningRates().get(index)),
        List.of(r.smoothedLosses().get(index)));
    s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    s.setMarker(SeriesMarkers.DIAMOND);
  }

  /**
   * Writes the chart as a PNG.
   *
   * @param result the range test
   * @param title what was tested
   * @param file the PNG file (folders created)
   * @throws IOException when writing fails
   */
  public static void write(LrFinderResult result, String title, Path file) throws IOException {
    SchedulePlots.savePng(chart(result, title), file);
  }
}
