package dev.finetune.schedules.plot;

import dev.finetune.schedules.LrSchedule;
import dev.finetune.schedules.policy.LrPolicy;
import dev.finetune.schedules.policy.PolicyTable;
import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Renders schedules and policies as XChart line charts and writes them as PNG.
 *
 * <p>Needs {@code org.knowm.xchart:xchart} on the class path (an optional dependency of this
 * module). Rendering uses Java2D off screen; run with {@code -Djava.awt.headless=true} on
 * machines without a display. Tables of the same data: {@link dev.finetune.schedules.ScheduleTable}
 * and {@link PolicyTable}.
 *
 * <pre>{@code
 * XYChart chart = SchedulePlots.schedules("warm-up then decay", 1000,
 *     Map.of("linear", Schedules.parse("linear_with_warmup(num_warmup_steps=100)")));
 * SchedulePlots.savePng(chart, Path.of("lr.png"));
 * }</pre>
 */
public final class SchedulePlots {

  /** Default chart width in pixels. */
  public static final int WIDTH = 720;
  /** Default chart height in pixels. */
  public static final int HEIGHT = 400;

  private SchedulePlots() {}

  /**
   * Plots the LR of schedules over steps {@code 0..totalSteps-1}.
   *
   * @param title the chart title
   * @param totalSteps the run's total steps
   * @param schedules series name to schedule, in legend order (use a {@code LinkedHashMap})
   * @return the chart
   */
  public static XYChart schedules(String title, int totalSteps, Map<String, LrSchedule> schedules) {
    XYChart chart = base(title, "optimizer step", "learning rate");
    double[] x = steps(totalSteps);
    for (Map.Entry<String, LrSchedule> e : schedules.entrySet()) {
      line(chart.addSeries(e.getKey(), x, e.getValue().values(totalSteps)));
    }
    return chart;
  }

  /**
   * Plots one schedule's LR and, on a right-hand axis, the momentum it cycles (if any).
   *
   * @param title the chart title
   * @param totalSteps the run's total steps
   * @param schedule the schedule
   * @return the chart
   */
  public static XYChart withMomentum(String title, int totalSteps, LrSchedule schedule) {
    XYChart chart = schedules(title, totalSteps, Map.of("lr", schedule));
    double[] m = new double[totalSteps];
    boolean any = false;
    for (int i = 0; i < totalSteps; i++) {
      OptionalDouble v = schedule.momentum(i, totalSteps);
      any |= v.isPresent();
      m[i] = v.orElse(Double.NaN);
    }
    if (any) {
      XYSeries s = chart.addSeries("momentum", steps(totalSteps), m);
      line(s);
      s.setYAxisGroup(1);
      s.setLineStyle(SeriesLines.DASH_DASH);
      chart.setYAxisGroupTitle(1, "momentum");
      chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
    }
    return chart;
  }

  /**
   * Plots each policy's LR per layer group (embeddings, layers 0..L-1, head) on a log scale.
   *
   * @param title the chart title
   * @param numLayers the model's number of encoder layers
   * @param baseLr the base learning rate
   * @param policies series name to policy, in legend order
   * @return the chart
   */
  public static XYChart policies(String title, int numLayers, double baseLr,
      Map<String, LrPolicy> policies) {
    XYChart chart = base(title, "layer group (emb = embeddings)", "learning rate");
    chart.getStyler().setYAxisLogarithmic(true);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
    chart.getStyler().setxAxisTickLabelsFormattingFunction(x -> {
      long i = Math.round(x);
      return i < 0 ? "emb" : i >= numLayers ? "head" : Long.toString(i);
    });
    for (Map.Entry<String, LrPolicy> e : policies.entrySet()) {
      List<PolicyTable.Row> rows = PolicyTable.rows(e.getValue(), numLayers, baseLr);
      double[] x = rows.stream().mapToDouble(PolicyTable.Row::layer).toArray();
      double[] y = rows.stream().mapToDouble(PolicyTable.Row::lr).toArray();
      XYSeries s = chart.addSeries(e.getKey(), x, y);
      s.setMarker(SeriesMarkers.CIRCLE);
    }
    return chart;
  }

  /**
   * Encodes a chart as PNG.
   *
   * @param chart the chart
   * @param out where to write (left open)
   * @throws IOException when writing fails
   */
  public static void writePng(XYChart chart, OutputStream out) throws IOException {
    BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
  }

  /**
   * Writes a chart to a PNG file, creating parent directories.
   *
   * @param chart the chart
   * @param file the file, e.g. {@code docs/schedules/one_cycle.png}
   * @throws IOException when writing fails
   */
  public static void savePng(XYChart chart, Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (OutputStream out = Files.newOutputStream(file)) {
      writePng(chart, out);
    }
  }

  private static XYChart base(String title, String xTitle, String yTitle) {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
        .xAxisTitle(xTitle).yAxisTitle(yTitle).build();
    XYStyler s = chart.getStyler();
    s.setLegendPosition(Styler.LegendPosition.InsideNE);
    s.setChartBackgroundColor(Color.WHITE);
    s.setAntiAlias(true);
    s.setXAxisMaxLabelCount(12);
    return chart;
  }

  private static void line(XYSeries s) {
    s.setMarker(SeriesMarkers.NONE);
    s.setLineWidth(1.6f);
  }

  private static double[] steps(int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = i;
    }
    return x;
  }
}
