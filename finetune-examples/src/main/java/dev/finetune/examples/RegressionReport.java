package dev.finetune.examples;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.finetune.core.data.TextDataset;
import dev.finetune.core.metrics.RegressionMetrics;
import dev.finetune.core.predict.Prediction;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A regression evaluation ({@link RegressionMetrics}): MSE, MAE, Pearson and Spearman, and the
 * examples with the largest absolute errors; the plot is a scatter of predicted against gold
 * values with the diagonal.
 *
 * <pre>{@code
 * new RegressionReport(stsbDev, predictions, 10).plot(Path.of("out"));   // out/scatter.png
 * }</pre>
 */
final class RegressionReport implements EvaluationReport {

  private final TextDataset data;
  private final double[] gold;
  private final double[] predicted;
  private final int largest;
  private final Map<String, Double> metrics = new LinkedHashMap<>();

  RegressionReport(TextDataset data, List<Prediction> predictions, int largest) {
    this.data = data;
    this.largest = largest;
    gold = new double[data.size()];
    predicted = new double[data.size()];
    for (int i = 0; i < gold.length; i++) {
      gold[i] = data.get(i).target();
      predicted[i] = predictions.get(i).value();
    }
    metrics.put(RegressionMetrics.MSE, RegressionMetrics.meanSquaredError(predicted, gold));
    metrics.put(RegressionMetrics.MAE, RegressionMetrics.meanAbsoluteError(predicted, gold));
    metrics.put(RegressionMetrics.PEARSON, RegressionMetrics.pearson(predicted, gold));
    metrics.put(RegressionMetrics.SPEARMAN, RegressionMetrics.spearman(predicted, gold));
  }

  /** @return the metrics, keyed as in the training report */
  Map<String, Double> metrics() {
    return metrics;
  }

  private List<Integer> largestErrors() {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < gold.length; i++) {
      order.add(i);
    }
    order.sort(Comparator.comparingDouble((Integer i) -> -Math.abs(predicted[i] - gold[i])));
    return order.subList(0, Math.min(largest, order.size()));
  }

  @Override
  public String markdown() {
    StringBuilder md = new StringBuilder("# Evaluation on ").append(data.name())
        .append(" (").append(data.size()).append(" examples, regression)\n\n");
    md.append("| metric | value |\n|---|---|\n");
    md.append("| MSE | ").append(EvaluationReport.number(metrics.get(RegressionMetrics.MSE)))
        .append(" |\n| MAE | ").append(EvaluationReport.number(metrics.get(RegressionMetrics.MAE)))
        .append(" |\n| Pearson | ")
        .append(EvaluationReport.number(metrics.get(RegressionMetrics.PEARSON)))
        .append(" |\n| Spearman | ")
        .append(EvaluationReport.number(metrics.get(RegressionMetrics.SPEARMAN))).append(" |\n");
    md.append("\n## Largest errors\n\n| text | second text | gold | predicted | error |\n")
        .append("|---|---|---|---|---|\n");
    for (int i : largestErrors()) {
      md.append(String.format(Locale.ROOT, "| %s | %s | %.3f | %.3f | %+.3f |%n",
          EvaluationReport.cell(data.get(i).text()), EvaluationReport.cell(data.get(i).textPair()),
          gold[i], predicted[i], predicted[i] - gold[i]));
    }
    return md.toString();
  }

  @Override
  public String json() {
    JsonObject o = new JsonObject();
    o.addProperty("data", data.name());
    o.addProperty("examples", data.size());
    o.addProperty("problem_type", "regression");
    metrics.forEach(o::addProperty);
    JsonArray errors = new JsonArray();
    for (int i : largestErrors()) {
      JsonObject m = new JsonObject();
      m.addProperty("text", data.get(i).text());
      if (data.get(i).hasPair()) {
        m.addProperty("text_pair", data.get(i).textPair());
      }
      m.addProperty("gold", gold[i]);
      m.addProperty("predicted", predicted[i]);
      m.addProperty("error", predicted[i] - gold[i]);
      errors.add(m);
    }
    o.add("largest_errors", errors);
    return new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create()
        .toJson(o);
  }

  @Override
  public Path plot(Path dir) throws IOException {
    Path file = dir.resolve("scatter.png");
    XYChart chart = new XYChartBuilder().width(600).height(600)
        .title("Predicted vs gold (" + data.name() + ")").xAxisTitle("gold")
        .yAxisTitle("predicted").build();
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    chart.getStyler().setMarkerSize(4);
    chart.getStyler().setLegendVisible(false);
    if (gold.length > 0) {
      chart.addSeries("examples", gold, predicted);
      double lo = Math.min(java.util.Arrays.stream(gold).min().orElse(0),
          java.util.Arrays.stream(predicted).min().orElse(0));
      double hi = Math.max(java.util.Arrays.stream(gold).max().orElse(1),
          java.util.Arrays.stream(predicted).max().orElse(1));
      XYSeries diagonal = chart.addSeries("y = x", new double[] {lo, hi}, new double[] {lo, hi});
      diagonal.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
      diagonal.setMarker(SeriesMarkers.NONE);
    }
    BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    return file;
  }
}
