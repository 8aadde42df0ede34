package dev.finetune.experiments.grid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.finetune.core.data.TextDataset;
import dev.finetune.core.train.TinySetup;
import dev.finetune.peft.Peft;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Crossing, cell ids, and real (tiny-encoder) runs: smoke, interruption and resume. */
class ExperimentGridTest {

  @TempDir Path dir;

  private static ExperimentGrid.Builder abstractGrid() {
    return ExperimentGrid.builder("crossing")
        .model(() -> {
          throw new AssertionError("building a grid must not create models");
        })
        .axis("scheme", Variant.none("fixed"), Variant.none("nesterov"), Variant.none("gu"))
        .axis("adapter", Variant.none("none"), Variant.none("houlsby"));
  }

  @Test
  void axesCrossFirstSlowestWithSeedsOutermost() {
    ExperimentGrid grid = abstractGrid().seeds(1, 2).build();
    assertThat(grid.cells()).extracting(Cell::id).containsExactly(
        "fixed__none__s1", "fixed__houlsby__s1", "nesterov__none__s1", "nesterov__houlsby__s1",
        "gu__none__s1", "gu__houlsby__s1",
        "fixed__none__s2", "fixed__houlsby__s2", "nesterov__none__s2", "nesterov__houlsby__s2",
        "gu__none__s2", "gu__houlsby__s2");
    Cell c = grid.cells().get(3);
    assertThat(c.index()).isEqualTo(3);
    assertThat(c.configuration()).isEqualTo("nesterov__houlsby");
    assertThat(c.value("adapter")).isEqualTo("houlsby");
    assertThat(c.axisValues()).containsExactly(
        java.util.Map.entry("scheme", "nesterov"), java.util.Map.entry("adapter", "houlsby"));
    assertThatThrownBy(() -> c.value("schedule")).hasMessageContaining("no axis 'schedule'");
  }

  @Test
  void filterKeepsOnlyWantedCellsAndBadNamesAreRejected() {
    ExperimentGrid grid = abstractGrid().only(c -> !c.value("scheme").equals("gu")).build();
    assertThat(grid.cells()).extracting(Cell::configuration)
        .containsExactly("fixed__none", "fixed__houlsby", "nesterov__none", "nesterov__houlsby");
    assertThat(grid.cells()).extracting(Cell::index).containsExactly(0, 1, 2, 3);
    assertThatThrownBy(() -> abstractGrid().only(c -> false).build()).hasMessageContaining("has no cells");
    assertThatThrownBy(() -> Variant.none("a b")).hasMessageContaining("variant name 'a b' is not allowed");
    assertThatThrownBy(() -> Axis.of("x", Variant.none("a"), Variant.none("a")))
        .hasMessageContaining("two variants named 'a'");
    assertThatThrownBy(() -> abstractGrid().axis("scheme", Variant.none("x")))
        .hasMessageContaining("already has an axis 'scheme'");
    assertThatThrownBy(() -> ExperimentGrid.builder("g").axis("x", Variant.none("a")).build())
        .hasMessageContaining("no model factory");
  }

  /** A 3-cell grid on the tiny encoder and toy task; variant "b" throws while {@code fail} is set. */
  private ExperimentGrid tinyGrid(AtomicInteger models, AtomicBoolean fail) {
    HuggingFaceTokenizer tokenizer = TinySetup.tokenizer(dir.resolve("tok"));
    TextDataset train = TinySetup.toyTask("toy-train", 32, 1);
    TextDataset validation = TinySetup.toyTask("toy-dev", 16, 2);
    return ExperimentGrid.builder("tiny")
        .describe("tiny encoder, toy task")
        .model(cell -> {
          models.incrementAndGet();
          return TinySetup.model(0f, cell.seed());
        })
        .data(train, validation)
        .configure(s -> s.learningRate(1e-3).chain(c -> c.tokenizer(tokenizer).epochs(2).batchSize(16)
            .maxLength(16)))
        .axis("method",
            Variant.none("full"),
            Variant.of("b", s -> {
              if (fail.get()) {
                throw new IllegalStateException("simulated crash in the second cell");
              }
              s.chain(c -> c.peft(Peft.bitFit())).scaleLearningRate(10).setting("note", "bitfit");
            }),
            Variant.trainFraction("half", 0.5, 7))
        .build();
  }

  @Test
  void aSubsetRunsAloneWithItsOwnPeakMemoryAndTheRestRunsLater() throws Exception {
    AtomicInteger models = new AtomicInteger();
    ExperimentGrid grid = tinyGrid(models, new AtomicBoolean(false));
    GridResults first = grid.run(dir.resolve("out"), cell -> cell.value("method").equals("half"));
    assertThat(models).hasValue(1);
    assertThat(first.cells()).extracting(CellResult::id).containsExactly("half__s42");
    String scope = java.nio.file.Files.isWritable(Path.of("/proc/self/clear_refs")) ? "cell" : "process";
    assertThat(first.cells().get(0).settings()).containsEntry("peak_rss_scope", scope);
    assertThat(GridResults.load(dir.resolve("out")).cells()).hasSize(1);

    models.set(0);
    GridResults all = grid.run(dir.resolve("out"));
    assertThat(models).hasValue(2);   // the subset's cell is not run again
    assertThat(all.cells()).extracting(CellResult::id).containsExactly("full__s42", "b__s42", "half__s42");
  }

  @Test
  void failedCellIsRetriedAloneOnRerunAndResultsAreComplete() throws Exception {
    AtomicInteger models = new AtomicInteger();
    AtomicBoolean fail = new AtomicBoolean(true);
    ExperimentGrid grid = tinyGrid(models, fail);

    assertThatThrownBy(() -> grid.run(dir.resolve("out")))
        .isInstanceOf(GridException.class)
        .hasMessageContaining("1 of 3 cells of grid 'tiny' failed")
        .hasMessageContaining("b__s42: java.lang.IllegalStateException: simulated crash in the second cell");
    assertThat(models).hasValue(2);   // the failing variant throws before its model is created
    assertThat(dir.resolve("out/cells/full__s42.json")).exists();
    assertThat(dir.resolve("out/cells/half__s42.json")).exists();
    assertThat(dir.resolve("out/cells/b__s42.json")).doesNotExist();
    assertThat(dir.resolve("out/cells/b__s42.failed.txt")).content().contains("simulated crash");

    fail.set(false);
    models.set(0);
    GridResults results = grid.run(dir.resolve("out"));
    assertThat(models).hasValue(1);   // only the unfinished cell ran
    assertThat(dir.resolve("out/cells/b__s42.failed.txt")).doesNotExist();
    assertThat(results.cells()).extracting(CellResult::id).containsExactly("full__s42", "b__s42", "half__s42");

    CellResult full = results.cells().get(0);
    CellResult bitfit = results.cells().get(1);
    CellResult half = results.cells().get(2);
    assertThat(full.report().epochs()).hasSize(2);
    assertThat(full.axes()).containsEntry("method", "full");
    assertThat(full.settings()).containsEntry("train_size", "32").containsEntry("validation_size", "16")
        .containsEntry("learning_rate", "0.001").containsKey("absolute_schedule");
    assertThat(half.settings()).containsEntry("train_size", "16").containsEntry("train_fraction", "0.5");
    assertThat(bitfit.settings()).containsEntry("note", "bitfit").containsEntry("learning_rate", "0.01");
    assertThat(bitfit.report().lastEpoch().trainableParameters())
        .isLessThan(full.report().lastEpoch().trainableParameters());
    assertThat(full.report().lastEpoch().validationMetrics()).containsKeys("accuracy", "mcc", "f1");

    models.set(0);
    grid.run(dir.resolve("out"));
    assertThat(models).hasValue(0);   // everything finished: nothing runs

    // a half-written (corrupt) result counts as unfinished
    Files.writeString(dir.resolve("out/cells/half__s42.json"), "{ \"format\": 1, ");
    grid.run(dir.resolve("out"));
    assertThat(models).hasValue(1);

    // report-only path: everything from the folder
    GridResults loaded = GridResults.load(dir.resolve("out"));
    assertThat(loaded.name()).isEqualTo("tiny");
    assertThat(loaded.description()).containsExactly("tiny encoder, toy task");
    assertThat(loaded.axisNames()).containsExactly("method");
    List<Path> files = GridReport.write(loaded, dir.resolve("out"));
    assertThat(files).allSatisfy(f -> assertThat(Files.size(f)).isPositive());
  }
}
