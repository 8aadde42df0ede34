package dev.finetune.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.finetune.core.metrics.MultiLabelMetrics;
import dev.finetune.core.metrics.RegressionMetrics;
import dev.finetune.core.model.Encoders;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.model.TinyFixtures;
import dev.finetune.core.params.ModelParameter;
import dev.finetune.core.predict.Prediction;
import dev.finetune.core.predict.Predictor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Evaluate and Predict for multi-label and regression models, and --task. */
class EvaluateKindsTest {

  private static final List<String> EMOTIONS = List.of("joy", "anger", "fear");
  private static final List<String> TEXTS =
      List.of("good movie", "the film was bad", "very good", "not good", "a bad film !", "the movie");
  // label sets of TEXTS, as ids
  private static final String[] LABELS = {"0", "1,2", "0", "1", "1,2", "2"};

  @TempDir Path dir;

  private String out;
  private String err;

  private int evaluate(String... args) {
    return run(true, args);
  }

  private int run(boolean evaluate, String... args) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    PrintStream po = new PrintStream(o, true, StandardCharsets.UTF_8);
    PrintStream pe = new PrintStream(e, true, StandardCharsets.UTF_8);
    int code = evaluate ? Evaluate.run(args, po, pe) : Predict.run(args, po, pe);
    out = o.toString(StandardCharsets.UTF_8);
    err = e.toString(StandardCharsets.UTF_8);
    return code;
  }

  private Path model(String kind) {
    Path base = dir.resolve("base");
    if (!Files.isDirectory(base)) {
      try (SequenceClassifier m = TinyFixtures.bert(2, 3)) {
        m.save(base);
      }
    }
    Path target = dir.resolve(kind);
    var builder = Encoders.load(base).classifier().freshHead(true).seed(11);
    try (SequenceClassifier m = kind.equals("regression") ? builder.regression().build()
        : kind.equals("multi") ? builder.multiLabel(3).build() : builder.numLabels(3).build()) {
      for (ModelParameter p : m.parameters().all()) {
        if (p.hfName().startsWith("classifier.")) { // spread the scores around the thresholds
          var a = p.parameter().getArray();
          a.muli(40f);
        }
      }
      if (!kind.equals("regression")) {
        m.labelNames(EMOTIONS);
      }
      m.save(target);
    }
    return target;
  }

  private Path multiLabelCsv(String name) throws Exception {
    StringBuilder csv = new StringBuilder("sentence,label\n");
    for (int i = 0; i < TEXTS.size(); i++) {
      csv.append(TEXTS.get(i)).append(",\"").append(LABELS[i]).append("\"\n");
    }
    return Files.writeString(dir.resolve(name), csv);
  }

  private static float[][] probabilities(Path model) {
    try (Predictor p = Predictor.load(model)) {
      return p.predict(TEXTS).stream().map(Prediction::scores).toArray(float[][]::new);
    }
  }

  private static boolean[][] truth() {
    boolean[][] t = new boolean[LABELS.length][3];
    for (int i = 0; i < LABELS.length; i++) {
      for (String id : LABELS[i].split(",")) {
        t[i][Integer.parseInt(id)] = true;
      }
    }
    return t;
  }

  private JsonObject json(Path report) throws Exception {
    return JsonParser.parseString(Files.readString(report.resolve("evaluation.json")))
        .getAsJsonObject();
  }

  @Test
  void multiLabelAtAGlobalThresholdMatchesTheMetricClass() throws Exception {
    Path model = model("multi");
    Path data = multiLabelCsv("dev.csv");
    Path report = dir.resolve("report");
    assertThat(evaluate("--model", model.toString(), "--data", data.toString(), "--threshold",
        "0.4", "--output", report.toString())).as(err).isZero();
    var expected = MultiLabelMetrics.results(probabilities(model), truth(),
        MultiLabelMetrics.global(0.4, 3));
    JsonObject json = json(report);
    assertThat(json.get("problem_type").getAsString()).isEqualTo("multi_label_classification");
    for (String key : List.of("micro_f1", "macro_f1", "subset_accuracy", "hamming_loss")) {
      assertThat(json.get(key).getAsDouble()).as(key).isCloseTo(expected.get(key), within(1e-12));
    }
    assertThat(json.getAsJsonObject("per_label").keySet()).containsExactlyElementsOf(EMOTIONS);
    assertThat(json.getAsJsonObject("per_label").getAsJsonObject("fear").get("support").getAsInt())
        .isEqualTo(3);
    assertThat(json.get("thresholds_from").getAsString()).isEqualTo("global 0.4");
    assertThat(Files.readString(report.resolve("evaluation.md")))
        .contains("| micro F1 |", "| macro F1 |", "| subset accuracy |", "| Hamming loss |",
            "| joy | 0.40 |");
    assertThat(Files.size(report.resolve("per-label-f1.png"))).isGreaterThan(100);
  }

  @Test
  void thresholdsTunedOnAnotherFileAreAppliedToTheData() throws Exception {
    Path model = model("multi");
    Path data = multiLabelCsv("test.csv");
    // the tuning file: JSONL with label lists by name and by id
    StringBuilder jsonl = new StringBuilder();
    for (int i = 0; i < TEXTS.size(); i++) {
      StringBuilder names = new StringBuilder();
      for (String id : LABELS[i].split(",")) {
        names.append(names.length() == 0 ? "" : ",").append('"')
            .append(i % 2 == 0 ? EMOTIONS.get(Integer.parseInt(id)) : id).append('"');
      }
      jsonl.append("{\"sentence\": \"").append(TEXTS.get(i)).append("\", \"label\": [")
          .append(names).append("]}\n");
    }
    Path tune = Files.writeString(dir.resolve("dev.jsonl"), jsonl);
    Path report = dir.resolve("tuned");
    assertThat(evaluate("--model", model.toString(), "--data", data.toString(),
        "--tune-thresholds-on", tune.toString(), "--output", report.toString())).as(err).isZero();
    double[] tuned = MultiLabelMetrics.tuneThresholds(probabilities(model), truth());
    JsonObject json = json(report);
    for (int c = 0; c < 3; c++) {
      assertThat(json.getAsJsonObject("per_label").getAsJsonObject(EMOTIONS.get(c))
          .get("threshold").getAsDouble()).isEqualTo(tuned[c]);
    }
    assertThat(json.get("macro_f1").getAsDouble()).isCloseTo(
        MultiLabelMetrics.results(probabilities(model), truth(), tuned).get("macro_f1"),
        within(1e-12));
    assertThat(json.get("thresholds_from").getAsString()).startsWith("tuned per label on");
  }

  @Test
  void regressionReportsErrorsCorrelationsAndAScatterPlot() throws Exception {
    Path model = model("regression");
    double[] gold = {4.5, 1.0, 4.0, 2.0, 0.5, 2.5};
    StringBuilder csv = new StringBuilder("sentence,label\n");
    for (int i = 0; i < TEXTS.size(); i++) {
      csv.append(TEXTS.get(i)).append(',').append(gold[i]).append('\n');
    }
    Path data = Files.writeString(dir.resolve("scores.csv"), csv);
    Path report = dir.resolve("regression-report");
    assertThat(evaluate("--model", model.toString(), "--data", data.toString(), "--mistakes", "2",
        "--output", report.toString())).as(err).isZero();
    double[] predicted;
    try (Predictor p = Predictor.load(model)) {
      predicted = p.predict(TEXTS).stream().mapToDouble(Prediction::value).toArray();
    }
    JsonObject json = json(report);
    assertThat(json.get("mse").getAsDouble())
        .isCloseTo(RegressionMetrics.meanSquaredError(predicted, gold), within(1e-9));
    assertThat(json.get("mae").getAsDouble())
        .isCloseTo(RegressionMetrics.meanAbsoluteError(predicted, gold), within(1e-9));
    assertThat(json.get("spearman").getAsDouble())
        .isCloseTo(RegressionMetrics.spearman(predicted, gold), within(1e-9));
    assertThat(json.getAsJsonArray("largest_errors")).hasSize(2);
    assertThat(out).contains("| MSE |", "| MAE |", "| Pearson |", "| Spearman |", "Largest errors");
    assertThat(Files.size(report.resolve("scatter.png"))).isGreaterThan(100);

    // Predict gives the value
    Path in = Files.writeString(dir.resolve("in.txt"), "good movie\n");
    assertThat(run(false, "--model", model.toString(), "--input", in.toString())).as(err).isZero();
    JsonObject line = JsonParser.parseString(out.strip()).getAsJsonObject();
    assertThat(line.get("value").getAsFloat()).isEqualTo((float) predicted[0]);
  }

  @Test
  void predictListsTheLabelsOverTheirThresholds() throws Exception {
    Path model = model("multi");
    Path in = Files.writeString(dir.resolve("in.txt"), String.join("\n", TEXTS) + "\n");
    assertThat(run(false, "--model", model.toString(), "--input", in.toString())).as(err).isZero();
    List<String> lines = out.lines().toList();
    float[][] probabilities = probabilities(model);
    for (int i = 0; i < TEXTS.size(); i++) {
      JsonObject o = JsonParser.parseString(lines.get(i)).getAsJsonObject();
      assertThat(o.getAsJsonObject("scores").keySet()).containsExactlyElementsOf(EMOTIONS);
      List<String> expected = new java.util.ArrayList<>();
      for (int c = 0; c < 3; c++) {
        if (probabilities[i][c] >= 0.5f) {
          expected.add(EMOTIONS.get(c));
        }
      }
      assertThat(o.getAsJsonArray("labels").asList().stream().map(e -> e.getAsString()).toList())
          .isEqualTo(expected);
    }
    assertThat(run(false, "--model", model.toString(), "--input", in.toString(), "--format",
        "csv")).as(err).isZero();
    List<String> rows = out.lines().toList();
    assertThat(rows.get(0)).isEqualTo("text,labels,score,score_joy,score_anger,score_fear");
    assertThat(rows.get(1)).startsWith(TEXTS.get(0) + "," + String.join(";",
        JsonParser.parseString(lines.get(0)).getAsJsonObject().getAsJsonArray("labels").asList()
            .stream().map(e -> e.getAsString()).toList()) + ",");
  }

  @Test
  void aRegisteredTaskIsReadByItsOwnReader() throws Exception {
    Path model = model("multi");
    Path folder = Files.createDirectories(dir.resolve("goemotions"));
    Files.writeString(folder.resolve("emotions.txt"), String.join("\n", EMOTIONS) + "\n");
    StringBuilder tsv = new StringBuilder();
    for (int i = 0; i < TEXTS.size(); i++) {
      tsv.append(TEXTS.get(i)).append('\t').append(LABELS[i]).append("\tid").append(i).append('\n');
    }
    for (String split : List.of("train.tsv", "dev.tsv", "test.tsv")) {
      Files.writeString(folder.resolve(split), tsv);
    }
    Path report = dir.resolve("task");
    assertThat(evaluate("--model", model.toString(), "--task", "goemotions", "--data",
        folder.toString(), "--split", "test", "--tune-thresholds-on", "validation",
        "--output", report.toString())).as(err).isZero();
    JsonObject json = json(report);
    assertThat(json.get("data").getAsString()).isEqualTo("goemotions/test");
    assertThat(json.get("examples").getAsInt()).isEqualTo(TEXTS.size());
    assertThat(json.get("thresholds_from").getAsString()).contains("goemotions/validation");
    assertThat(json.get("macro_f1").getAsDouble()).isCloseTo(MultiLabelMetrics.results(
        probabilities(model), truth(), MultiLabelMetrics.tuneThresholds(probabilities(model),
            truth())).get("macro_f1"), within(1e-12));

    // a model of another kind, or another label set, is refused naming both
    assertThat(evaluate("--model", model("single").toString(), "--task", "goemotions", "--data",
        folder.toString())).isEqualTo(2);
    assertThat(err).contains("goemotions is multi_label_classification",
        "single_label_classification");
    Files.writeString(folder.resolve("emotions.txt"), "sadness\nlove\nfear\n");
    assertThat(evaluate("--model", model.toString(), "--task", "goemotions", "--data",
        folder.toString())).isEqualTo(2);
    assertThat(err).contains("[sadness, love, fear]", "[joy, anger, fear]");
  }

  @Test
  void badLabelsFailNamingFileAndLine() throws Exception {
    Path multi = model("multi");
    Path unknown = Files.writeString(dir.resolve("unknown.csv"),
        "sentence,label\ngood movie,joy\nbad film,\"anger,surprise\"\n");
    assertThat(evaluate("--model", multi.toString(), "--data", unknown.toString())).isEqualTo(1);
    assertThat(err).contains("unknown.csv", "line 3", "surprise");
    Path empty = Files.writeString(dir.resolve("empty.csv"),
        "sentence,label\ngood movie,joy\nbad film,\n");
    assertThat(evaluate("--model", multi.toString(), "--data", empty.toString())).isEqualTo(1);
    assertThat(err).contains("empty.csv", "line 3", "empty label list");
    // a score in a classification file
    Path scores = Files.writeString(dir.resolve("scores.csv"), "sentence,label\ngood movie,3.7\n");
    assertThat(evaluate("--model", model("single").toString(), "--data", scores.toString()))
        .isEqualTo(1);
    assertThat(err).contains("scores.csv", "line 2", "3.7");
    // a label in a regression file
    Path names = Files.writeString(dir.resolve("names.csv"), "sentence,label\ngood movie,joy\n");
    assertThat(evaluate("--model", model("regression").toString(), "--data", names.toString()))
        .isEqualTo(1);
    assertThat(err).contains("names.csv", "line 2", "not a number");
    // thresholds are for multi-label models
    assertThat(evaluate("--model", model("single").toString(), "--data", scores.toString(),
        "--threshold", "0.3")).isEqualTo(2);
    assertThat(err).contains("--threshold", "single_label_classification");
  }
}
