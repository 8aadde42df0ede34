package dev.finetune.experiments.grid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Aggregation, JSON/CSV, Markdown and plots of hand-made results (no training). */
class GridResultsTest {

  @TempDir Path dir;

  /** full: seeds 42/43/44 with final accuracy 0.80, 0.82, 0.84; bitfit: one seed; swa: one seed. */
  private static GridResults sample() {
    return new GridResults("sample grid", List.of("tiny model, 2 epochs"), List.of("method"), List.of(
        Fixtures.result("full", 42, 0.70, 0.80, 0.50, 5000),
        Fixtures.result("bitfit", 42, 0.60, 0.65, 0.70, 100),
        Fixtures.result("full", 43, 0.75, 0.82, 0.40, 5000),
        Fixtures.result("full", 44, 0.90, 0.84, 0.30, 5000),
        Fixtures.result("swa", 42, 0.71, 0.72, 0.60, 5000)));
  }

  @Test
  void statIsMeanAndSampleStdOfTheFiniteValues() {
    Stat s = Stat.of(0.80, 0.82, 0.84);
    assertThat(s.mean()).isCloseTo(0.82, within(1e-12));
    assertThat(s.std()).isCloseTo(0.02, within(1e-12));   // sqrt((0.0004 + 0 + 0.0004) / 2)
    assertThat(s.n()).isEqualTo(3);
    assertThat(s.format(3)).isEqualTo("0.820 ± 0.020");
    assertThat(Stat.of(2, 4, 4, 4, 5, 5, 7, 9).std()).isCloseTo(Math.sqrt(32.0 / 7), within(1e-12));
    assertThat(Stat.of(0.5).format(2)).isEqualTo("0.50");
    assertThat(Stat.of(Double.NaN, 1.0, 3.0).mean()).isEqualTo(2.0);
    assertThat(Stat.of().format(2)).isEqualTo("-");
  }

  @Test
  void repeatsAggregatePerConfiguration() {
    List<ConfigurationSummary> configs = sample().configurations();
    assertThat(configs).extracting(ConfigurationSummary::configuration).containsExactly("full", "bitfit", "swa");
    ConfigurationSummary full = configs.get(0);
    assertThat(full.repeats()).hasSize(3);
    assertThat(full.finalMetric("accuracy").mean()).isCloseTo(0.82, within(1e-12));
    assertThat(full.finalMetric("accuracy").std()).isCloseTo(0.02, within(1e-12));
    // best per repeat: 0.80, 0.82, 0.90 -> mean 0.84, std sqrt((0.0016 + 0.0004 + 0.0036) / 2)
    assertThat(full.bestMetric("accuracy").mean()).isCloseTo(0.84, within(1e-12));
    assertThat(full.bestMetric("accuracy").std()).isCloseTo(Math.sqrt(0.0028), within(1e-12));
    assertThat(full.finalValidationLoss().mean()).isCloseTo(0.40, within(1e-12));
    assertThat(full.finalValidationLoss().std()).isCloseTo(0.10, within(1e-12));
    assertThat(full.secondsPerEpoch().mean()).isCloseTo(11.0, within(1e-12));
    assertThat(full.peakRssMib().mean()).isCloseTo(1024.0, within(1e-9));
    assertThat(full.trainableParameters().mean()).isEqualTo(5000.0);
    List<Stat> perEpoch = full.metricPerEpoch("accuracy");
    assertThat(perEpoch).hasSize(2);
    assertThat(perEpoch.get(0).mean()).isCloseTo((0.70 + 0.75 + 0.90) / 3, within(1e-12));
    assertThat(configs.get(2).extraMetric("swa", "accuracy").mean()).isCloseTo(0.73, within(1e-12));
  }

  @Test
  void cellResultJsonRoundTripsAndIsReadBackFromTheFolder() throws IOException {
    CellResult r = Fixtures.result("swa", 42, 0.71, 0.72, 0.60, 5000);
    CellResult back = CellResult.fromJson(r.toJson());
    assertThat(back).isEqualTo(r);
    assertThat(back.report().epochs().get(1).peakRssBytes()).isEqualTo(1L << 30);
    assertThat(back.report().extraRows()).hasSize(1);

    GridResults sample = sample();
    for (CellResult c : sample.cells()) {
      c.write(dir.resolve("cells").resolve(c.id() + ".json"));
    }
    GridResults.writeGridFile(dir, sample.name(), sample.description(), sample.axisNames(),
        sample.cells().stream().map(CellResult::id).toList());
    GridResults loaded = GridResults.load(dir);
    assertThat(loaded).isEqualTo(sample);

    Files.writeString(dir.resolve("cells/broken__s1.json"), "{\"format\": 1}");
    assertThatThrownBy(() -> GridResults.load(dir)).isInstanceOf(IOException.class)
        .hasMessageContaining("broken__s1.json").hasMessageContaining("lacks the field 'id'");
    assertThatThrownBy(() -> GridResults.load(dir.resolve("nothing")))
        .hasMessageContaining("cells/ is missing");
  }

  @Test
  void csvHasOneRowPerCellPerEpochAndOnePerConfiguration() {
    GridResults sample = sample();
    List<String> lines = sample.resultsCsv().lines().toList();
    assertThat(lines).hasSize(1 + 5 * 2);
    assertThat(lines.get(0)).startsWith("cell,configuration,seed,method,epoch,steps,train_loss,validation_loss,"
        + "val_accuracy,val_f1,val_mcc,learning_rate,seconds");
    assertThat(lines.get(1)).startsWith("full__s42,full,42,full,1,10,");
    assertThat(lines.get(2)).startsWith("full__s42,full,42,full,2,20,0.6,0.5,0.8,");

    List<String> summary = sample.summaryCsv().lines().toList();
    assertThat(summary).hasSize(1 + 3);
    assertThat(summary.get(0)).startsWith("configuration,method,repeats,final_accuracy_mean,final_accuracy_std,");
    String[] full = summary.get(1).split(",");
    assertThat(full[0]).isEqualTo("full");
    assertThat(full[2]).isEqualTo("3");
    assertThat(Double.parseDouble(full[3])).isCloseTo(0.82, within(1e-9));
    assertThat(Double.parseDouble(full[4])).isCloseTo(0.02, within(1e-9));
  }

  @Test
  void markdownTableShowsMeanAndStdPerConfiguration() {
    String table = sample().markdownTable();
    List<String> lines = table.lines().toList();
    assertThat(lines.get(0)).isEqualTo("| method | n | final acc | best acc | val loss | MCC | s/epoch"
        + " | peak RSS MiB | trainable params | swa acc |");
    assertThat(lines.get(2)).isEqualTo("| full | 3 | 0.820 ± 0.020 | 0.840 ± 0.053 | 0.400 ± 0.100"
        + " | 0.320 ± 0.020 | 11.0 ± 0.0 | 1024 ± 0 | 5,000 | - |");
    assertThat(lines.get(3)).isEqualTo("| bitfit | 1 | 0.650 | 0.650 | 0.700 | 0.150 | 11.0 | 1024 | 100 | - |");
    assertThat(lines.get(4)).endsWith("| 0.730 |");
    String md = GridReport.markdown(sample());
    assertThat(md).startsWith("# sample grid\n\n- tiny model, 2 epochs\n")
        .contains("5 finished cells, 3 configurations", "![accuracy_per_epoch](plots/accuracy_per_epoch.png)");
  }

  @Test
  void reportWritesCsvsReadmeAndNonEmptyPngPlots() throws IOException {
    List<Path> files = GridReport.write(sample(), dir);
    assertThat(files).hasSize(3 + GridPlots.FILES.size());
    for (String png : GridPlots.FILES) {
      byte[] bytes = Files.readAllBytes(dir.resolve("plots").resolve(png));
      assertThat(bytes.length).as(png).isGreaterThan(2000);
      assertThat(Arrays.copyOf(bytes, 4)).as(png).containsExactly(0x89, 'P', 'N', 'G');
    }
    assertThat(dir.resolve("README.md")).content().contains("| full | 3 |");
    assertThat(dir.resolve("summary.csv")).exists();
    assertThat(dir.resolve("results.csv")).exists();
  }
}
