package dev.finetune.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.model.TinyFixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PredictEvaluateTest {

  @TempDir Path dir;

  private Path model() {
    Path m = dir.resolve("model");
    try (SequenceClassifier model = TinyFixtures.bert(2, 3)) {
      model.labelNames(List.of("negative", "positive"));
      model.save(m);
    }
    return m;
  }

  @Test
  void predictWritesJsonlAndCsvWithLabelsAndScores() throws Exception {
    Path model = model();
    Path input = Files.writeString(dir.resolve("in.txt"), "good movie\nthe film was bad\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Predict.run(new String[] {"--model", model.toString(), "--input", input.toString()},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err));
    assertThat(code).as(err.toString()).isZero();
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines).hasSize(2);
    var first = JsonParser.parseString(lines.get(0)).getAsJsonObject();
    assertThat(first.get("text").getAsString()).isEqualTo("good movie");
    assertThat(first.get("label").getAsString()).isIn("negative", "positive");
    assertThat(first.getAsJsonObject("scores").keySet()).containsExactly("negative", "positive");

    Path csv = Files.writeString(dir.resolve("in.csv"), "id,text\n1,\"good, very good\"\n");
    Path target = dir.resolve("out.csv");
    code = Predict.run(new String[] {"--model", model.toString(), "--input", csv.toString(),
        "--format", "csv", "--top-k", "1", "--output", target.toString()},
        new PrintStream(out), new PrintStream(err));
    assertThat(code).as(err.toString()).isZero();
    assertThat(Files.readAllLines(target)).first()
        .isEqualTo("text,label,score,label_1,score_1");
    assertThat(Files.readAllLines(target).get(1)).startsWith("\"good, very good\",");
  }

  @Test
  void badArgumentsAndFoldersFailClearly() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
    assertThat(Predict.run(new String[] {}, System.out, e)).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--model DIR is required");
    assertThat(Predict.run(new String[] {"--model", dir.toString()}, System.out, e)).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("is not a model folder");
    assertThat(Evaluate.run(new String[] {"--model", dir.toString()}, System.out, e)).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--data is required");
  }

  @Test
  void evaluateWritesMarkdownJsonAndAConfusionMatrixPng() throws Exception {
    Path model = model();
    Path data = Files.writeString(dir.resolve("dev.csv"),
        "sentence,label\ngood movie,positive\nthe film was bad,negative\nvery good,positive\n"
            + "not good,negative\n");
    Path report = dir.resolve("report");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Evaluate.run(new String[] {"--model", model.toString(), "--data", data.toString(),
        "--output", report.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err));
    assertThat(code).as(err.toString()).isZero();
    String md = Files.readString(report.resolve("evaluation.md"));
    assertThat(md).contains("| accuracy |", "| macro F1 |", "| MCC |", "| positive |",
        "Confusion matrix", "Most confident mistakes");
    var json = JsonParser.parseString(Files.readString(report.resolve("evaluation.json")))
        .getAsJsonObject();
    assertThat(json.get("examples").getAsInt()).isEqualTo(4);
    assertThat(json.getAsJsonArray("confusion_matrix")).hasSize(2);
    assertThat(Files.size(report.resolve("confusion-matrix.png"))).isGreaterThan(100);
  }
}
