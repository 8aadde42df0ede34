package dev.finetune.examples.grid;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetune.experiments.grid.*;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: help, bad arguments and config, and --report-only on existing results. */
class GridMainTest {

  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return GridMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String errors() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void helpListsTheOptions() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("--study NAME", "--profile NAME", "--config FILE", "--output DIR", "--report-only");
  }

  @Test
  void searchAndFindLrArgumentsAreCheckedBeforeAnythingRuns() throws Exception {
    assertThat(run("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("--search FILE", "--find-lr");
    assertThat(run("--report-only", "--output", dir.toString(), "--find-lr")).isEqualTo(2);
    assertThat(errors()).contains("--find-lr needs --study or --config");
    err.reset();
    Path bad = Files.writeString(dir.resolve("search.json"), "{\"name\": \"s\", \"task\": \"sst2\","
        + " \"axes\": {\"learning_rate\": {\"log_uniform\": [1e-3, 1e-5]}}}");
    assertThat(run("--search", bad.toString())).isEqualTo(2);
    assertThat(errors()).contains("search.json: key 'axes.learning_rate.log_uniform': expected low < high");
    err.reset();
    Path unknown = Files.writeString(dir.resolve("search2.json"), "{\"name\": \"s\", \"task\": \"sst2\","
        + " \"axes\": {\"warmup\": [1, 2]}, \"search\": {\"strategy\": \"asha\"}}");
    assertThat(run("--search", unknown.toString())).isEqualTo(2);
    assertThat(errors()).contains("key 'axes.warmup': expected an option");
  }

  @Test
  void badArgumentsAndConfigsExitWithTwoAndSayWhy() throws Exception {
    assertThat(run()).isEqualTo(2);
    assertThat(errors()).contains("give exactly one of --study NAME, --config FILE, --search FILE and --report-only");
    err.reset();
    assertThat(run("--study", "A", "--config", "x.json")).isEqualTo(2);
    err.reset();
    assertThat(run("--study", "Z")).isEqualTo(2);
    assertThat(errors()).contains("study 'Z' is unknown");
    err.reset();
    assertThat(run("--study", "A", "--profile", "huge")).isEqualTo(2);
    assertThat(errors()).contains("profile 'huge' is unknown");
    err.reset();
    assertThat(run("--report-only")).isEqualTo(2);
    assertThat(errors()).contains("--report-only needs --output DIR");
    err.reset();
    Path bad = Files.writeString(dir.resolve("bad.json"), "{\"name\": \"x\", \"task\": \"sst2\", \"batch_size\": 0}");
    assertThat(run("--config", bad.toString())).isEqualTo(2);
    assertThat(errors()).contains("bad.json: key 'batch_size': expected a whole number >= 1, got the number 0");
    err.reset();
    assertThat(run("--report-only", "--output", dir.resolve("empty").toString())).isEqualTo(1);
    assertThat(errors()).contains("cells/ is missing");
  }

  @Test
  void listPrintsTheCellIdsAndCellsChoosesSomeOrSaysWhyNone() {
    assertThat(run("--study", "B", "--list")).as(errors()).isZero();
    List<String> ids = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(ids).hasSize(10).startsWith("90-10__all-layers__s42").contains("30-70__bitfit__s42");

    assertThat(run("--study", "B", "--cells", "^nothing$")).isEqualTo(2);
    assertThat(errors()).contains("--cells ^nothing$ matches none of the 10 cells",
        "ids like 90-10__all-layers__s42");
    assertThat(run("--study", "B", "--cells", "(")).isEqualTo(2);
    assertThat(errors()).contains("--cells: not a regular expression: (");
    assertThat(run("--report-only", "--output", dir.toString(), "--list")).isEqualTo(2);
    assertThat(errors()).contains("--list and --cells need --study or --config");
  }

  @Test
  void theConllExampleGridParsesIntoFullAndLoraCells() {
    // grids/conll2003-methods.json: token classification in a grid file (it was refused before)
    assertThat(run("--config", "grids/conll2003-methods.json", "--list")).as(errors()).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8).lines().toList()).containsExactly(
        "full__1__s42", "full__10__s42", "lora8__1__s42", "lora8__10__s42");
  }

  @Test
  void reportOnlyRewritesTablesAndPlotsFromResults() throws Exception {
    List<CellResult> cells = List.of(Fixtures.result("full", 42, 0.7, 0.8, 0.5, 5000),
        Fixtures.result("bitfit", 42, 0.6, 0.65, 0.7, 100));
    for (CellResult c : cells) {
      c.write(dir.resolve("cells").resolve(c.id() + ".json"));
    }
    assertThat(run("--report-only", "--output", dir.toString())).as(errors()).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("| bitfit | 1 | 0.650 |", "wrote 7 files");
    assertThat(dir.resolve("README.md")).content().contains("# " + dir.getFileName());
    assertThat(dir.resolve("plots/accuracy_vs_trainable_parameters.png")).isNotEmptyFile();
  }
}
