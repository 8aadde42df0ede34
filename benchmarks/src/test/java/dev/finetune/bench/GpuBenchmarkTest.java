package dev.finetune.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetune.core.train.TrainingSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GpuBenchmark's CPU smoke run, its CSV, and its refusals. */
class GpuBenchmarkTest {

  @Test
  void aCpuSmokeRunMeasuresEveryCombinationAndWritesTheCsv(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("bench.csv");
    List<GpuBenchmark.Result> results = GpuBenchmark.run(new String[] {"--device", "cpu",
        "--shapes", "small", "--lengths", "16", "--batch", "2", "--methods", "full,lora",
        "--precisions", "fp32", "--gradient-checkpointing", "true", "--steps", "1", "--warmup", "0",
        "--peak-size", "64", "--out", csv.toString()});
    assertThat(results).hasSize(2).allSatisfy(r -> {
      assertThat(r.tokensPerSecond()).isPositive();
      assertThat(r.checkpointing()).isTrue();
      assertThat(r.memoryKind()).isEqualTo("peak_rss");
    });
    List<String> lines = Files.readAllLines(csv);
    assertThat(lines.get(0)).isEqualTo(GpuBenchmark.CSV_HEADER);
    assertThat(lines.get(1)).startsWith("java,cpu,small,full,fp32,2,16,true,");
    assertThat(lines.get(2)).startsWith("java,cpu,small,lora,fp32,2,16,true,");
  }

  @Test
  void aPrecisionOtherThanFp32NeedsThePrecisionSetting() {
    assertThatCode(() -> GpuBenchmark.checkPrecision("fp32")).doesNotThrowAnyException();
    boolean present = TrainingSettings.ALL.stream().anyMatch(s -> s.name().equals("precision"));
    if (!present) {
      assertThatThrownBy(() -> GpuBenchmark.checkPrecision("bf16"))
          .hasMessageContaining("--precisions bf16 needs the 'precision' training setting");
    }
  }
}
