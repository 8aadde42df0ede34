package dev.finetune.core.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report prints the recorded numbers, and JSON and CSV carry them without loss. */
class TrainingReportTest {

  private static Map<String, Double> metrics(double accuracy, double f1, double mcc) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("accuracy", accuracy);
    m.put("f1", f1);
    m.put("mcc", mcc);
    return m;
  }

  static TrainingReport sample() {
    return TrainingReport.builder()
        .model("all-minilm-l6-v2")
        .method("full")
        .device("cpu()")
        .seed(42)
        .setting("learningRate", 2e-5)
        .setting("batchSize", 32)
        .epoch(
            EpochRecord.builder(1)
                .steps(2105)
                .trainLoss(0.41234)
                .validationLoss(0.33333)
                .validationMetrics(metrics(0.8956, 0.9012, 0.7903))
                .learningRate(1.1e-5)
                .seconds(812.25)
                .tokensPerSecond(963.4)
                .memory(512L * 1024 * 1024, 1536L * 1024 * 1024, -1)
                .parameters(22_713_602, 22_713_602)
                .build())
        .epoch(
            EpochRecord.builder(2)
                .steps(4210)
                .trainLoss(0.2)
                .validationLoss(Double.NaN)
                .validationMetrics(metrics(0.9025, 0.91, 0.8))
                .learningRate(0)
                .seconds(800)
                .tokensPerSecond(970)
                .memory(-1, -1, -1)
                .parameters(100, 22_713_602)
                .build())
        .extraRow(new EvaluationRecord("swa", 2, 0.3, metrics(0.91, 0.92, 0.81)))
        .build();
  }

  @Test
  void tableShowsTheRecordedNumbersAligned() {
    String table = sample().table();
    List<String> lines = table.lines().toList();
    assertThat(lines.get(0)).isEqualTo("model: all-minilm-l6-v2  method: full  device: cpu()  seed: 42");
    assertThat(lines.get(1)).isEqualTo("settings: learningRate=2.0E-5 batchSize=32");
    assertThat(lines.get(2).trim().split("\\s+"))
        .containsExactly(
            "epoch", "train_loss", "val_loss", "accuracy", "f1", "mcc", "lr", "seconds",
            "tokens/s", "heap_MB", "rss_MB", "trainable", "total");
    assertThat(lines.get(3).trim().split("\\s+"))
        .containsExactly(
            "1", "0.4123", "0.3333", "0.8956", "0.9012", "0.7903", "1.100e-05", "812.3", "963",
            "512", "1536", "22713602", "22713602");
    assertThat(lines.get(4).trim().split("\\s+"))
        .containsExactly(
            "2", "0.2000", "-", "0.9025", "0.9100", "0.8000", "0.000e+00", "800.0", "970", "-",
            "-", "100", "22713602");
    assertThat(lines.get(5).trim().split("\\s+"))
        .startsWith("swa@2", "-", "0.3000", "0.9100", "0.9200", "0.8100");
    // right-aligned columns: every row has the same length
    assertThat(lines.subList(2, 6)).extracting(String::length).containsOnly(lines.get(2).length());
  }

  @Test
  void jsonRoundTripIsEqualIncludingUnknownValues() {
    TrainingReport report = sample();
    String json = report.toJson();
    assertThat(json).contains("\"validation_loss\": null").contains("\"peak_rss_bytes\": null");
    TrainingReport back = TrainingReport.fromJson(json);
    assertThat(back).isEqualTo(report);
    assertThat(back.epochs().get(1).validationLoss()).isNaN();
    assertThat(back.epochs().get(0).validationMetrics().keySet())
        .containsExactly("accuracy", "f1", "mcc");
  }

  @Test
  void csvHasAHeaderAndOneLinePerRow() {
    List<String> lines = sample().toCsv().lines().toList();
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0))
        .isEqualTo(
            "row,epoch,steps,train_loss,validation_loss,val_accuracy,val_f1,val_mcc,learning_rate,"
                + "seconds,tokens_per_second,peak_heap_bytes,peak_rss_bytes,peak_gpu_bytes,"
                + "trainable_parameters,total_parameters");
    assertThat(lines.get(1))
        .isEqualTo(
            "epoch,1,2105,0.41234,0.33333,0.8956,0.9012,0.7903,1.1E-5,812.25,963.4,536870912,"
                + "1610612736,,22713602,22713602");
    assertThat(lines.get(2)).startsWith("epoch,2,4210,0.2,,0.9025,");
    assertThat(lines.get(3)).isEqualTo("swa,2,,,0.3,0.91,0.92,0.81,,,,,,,,");
  }

  @Test
  void saveWritesJsonAndCsvThatLoadBack(@TempDir Path dir) throws IOException {
    TrainingReport report = sample();
    Path out = dir.resolve("runs/sst2");
    report.save(out);
    report.save(out);
    try (var files = Files.list(out)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("report.json", "report.csv");
    }
    assertThat(Files.readString(out.resolve("report.csv"))).isEqualTo(report.toCsv());
    assertThat(TrainingReport.load(out)).isEqualTo(report);
  }

  @Test
  void toBuilderAppendsEpochsAndBadJsonIsNamed() {
    TrainingReport report = sample();
    TrainingReport longer = report.toBuilder().epoch(EpochRecord.builder(3).build()).build();
    assertThat(longer.epochs()).hasSize(3);
    assertThat(longer.lastEpoch().epoch()).isEqualTo(3);
    assertThat(report.epochs()).hasSize(2);
    assertThatThrownBy(() -> TrainingReport.fromJson("{\"format\": 1, \"model\": \"m\"}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'method'");
    assertThatThrownBy(() -> TrainingReport.fromJson("[1, 2]"))
        .hasMessageContaining("not a training report");
  }
}
