package dev.finetune.examples;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.finetune.core.data.TextDataset;
import dev.finetune.core.metrics.MultiLabelMetrics;
import dev.finetune.core.metrics.ValidationMetrics;
import dev.finetune.core.predict.Prediction;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/**
 * A multi-label evaluation ({@link MultiLabelMetrics}): micro and macro F1, subset accuracy and
 * Hamming loss at the thresholds used, and per label its threshold, precision, recall, F1,
 * support and predicted count; the plot is a bar chart of per-label F1.
 *
 * <pre>{@code
 * new MultiLabelReport(test, predictions, thresholds, "tuned on dev.tsv").markdown();
 * }</pre>
 */
final class MultiLabelReport implements EvaluationReport {

  private final TextDataset data;
  private final List<String> names;
  private final double[] thresholds;
  private final String thresholdSource;
  private final Map<String, Double> metrics;
  private final List<MultiLabelMetrics.LabelScores> perLabel;

  MultiLabelReport(TextDataset data, List<Prediction> predictions, double[] thresholds,
      String thresholdSource) {
    this.data = data;
    this.names = data.labelNames();
    this.thresholds = thresholds.clone();
    this.thresholdSource = thresholdSource;
    float[][] probabilities = probabilities(predictions);
    boolean[][] truth = truth(data);
    this.metrics = MultiLabelMetrics.results(probabilities, truth, thresholds);
    this.perLabel = MultiLabelMetrics.perLabel(probabilities, truth, thresholds);
  }

  /** The sigmoid scores of the predictions, one row per example. */
  static float[][] probabilities(List<Prediction> predictions) {
    return predictions.stream().map(Prediction::scores).toArray(float[][]::new);
  }

  /** The true label sets of a multi-label data set, as multi-hot rows. */
  static boolean[][] truth(TextDataset data) {
    boolean[][] truth = new boolean[data.size()][data.numLabels()];
    for (int i = 0; i < data.size(); i++) {
      for (int id : data.get(i).labels()) {
        truth[i][id] = true;
      }
    }
    return truth;
  }

  /** @return the metrics, keyed as in the training report */
  Map<String, Double> metrics() {
    return metrics;
  }

  @Override
  public String markdown() {
    StringBuilder md = new StringBuilder("# Evaluation on ").append(data.name())
        .append(" (").append(data.size()).append(" examples, multi-label, ").append(names.size())
        .append(" labels)\n\n");
    md.append("Decision thresholds: ").append(thresholdSource).append(String.format(Locale.ROOT,
        " (mean %.3f).%n%n", Arrays.stream(thresholds).average().orElse(Double.NaN)));
    md.append("| metric | value |\n|---|---|\n");
    md.append("| micro F1 | ").append(EvaluationReport.number(metrics.get(MultiLabelMetrics.MICRO_F1)))
        .append(" |\n| macro F1 | ")
        .append(EvaluationReport.number(metrics.get(MultiLabelMetrics.MACRO_F1)))
        .append(" |\n| subset accuracy | ")
        .append(EvaluationReport.number(metrics.get(MultiLabelMetrics.SUBSET_ACCURACY)))
        .append(" |\n| Hamming loss | ")
        .append(EvaluationReport.number(metrics.get(MultiLabelMetrics.HAMMING_LOSS)))
        .append(" |\n\n");
    md.append("| label | threshold | precision | recall | F1 | support | predicted |\n")
        .append("|---|---|---|---|---|---|---|\n");
    for (int c = 0; c < names.size(); c++) {
      MultiLabelMetrics.LabelScores s = perLabel.get(c);
      md.append(String.format(Locale.ROOT, "| %s | %.2f | %.4f | %.4f | %.4f | %d | %d |%n",
          EvaluationReport.cell(names.get(c)), thresholds[c], s.precision(), s.recall(), s.f1(),
          s.support(), s.predicted()));
    }
    return md.toString();
  }

  @Override
  public String json() {
    JsonObject o = new JsonObject();
    o.addProperty("data", data.name());
    o.addProperty("examples", data.size());
    o.addProperty("problem_type", "multi_label_classification");
    o.addProperty("thresholds_from", thresholdSource);
    metrics.forEach(o::addProperty);
    o.addProperty(ValidationMetrics.MEAN_THRESHOLD,
        Arrays.stream(thresholds).average().orElse(Double.NaN));
    JsonObject per = new JsonObject();
    for (int c = 0; c < names.size(); c++) {
      MultiLabelMetrics.LabelScores s = perLabel.get(c);
      JsonObject m = new JsonObject();
      m.addProperty("threshold", thresholds[c]);
      m.addProperty("precision", s.precision());
      m.addProperty("recall", s.recall());
      m.addProperty("f1", s.f1());
      m.addProperty("support", s.support());
      m.addProperty("predicted", s.predicted());
      per.add(names.get(c), m);
    }
    o.add("per_label", per);
    JsonArray labels = new JsonArray();
    names.forEach(labels::add);
    o.add("labels", labels);
    return new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create()
        .toJson(o);
  }

  @Override
  public Path plot(Path dir) throws IOException {
    Path file = dir.resolve("per-label-f1.png");
    CategoryChart chart = new CategoryChartBuilder().width(Math.max(600, 40 * names.size() + 150))
        .height(450).title("Per-label F1 (" + data.name() + ")").xAxisTitle("label")
        .yAxisTitle("F1").build();
    chart.getStyler().setLegendVisible(false);
    chart.getStyler().setXAxisLabelRotation(60);
    chart.getStyler().setYAxisMin(0.0);
    chart.getStyler().setYAxisMax(1.0);
    List<Double> f1 = new ArrayList<>();
    perLabel.forEach(s -> f1.add(s.f1()));
    chart.addSeries("F1", names, f1);
    BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    return file;
  }
}
