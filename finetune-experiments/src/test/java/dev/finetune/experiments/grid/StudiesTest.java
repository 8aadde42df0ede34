package dev.finetune.experiments.grid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetune.experiments.grid.Studies.Profile;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The study grids have the cells of shared/SEEDS.md; building them loads no data and no model. */
class StudiesTest {

  private static final Path NOWHERE = Path.of("no-such-data-folder");

  private static Set<String> configurations(ExperimentGrid grid) {
    return grid.cells().stream().map(Cell::configuration).collect(Collectors.toSet());
  }

  @Test
  void studyAHasTheTenRowsOfTheReportPerDataSet() {
    ExperimentGrid cpu = Studies.grid("A", Profile.CPU, NOWHERE, null);
    assertThat(cpu.axes()).extracting(Axis::name).containsExactly("data", "scheme", "adapter", "schedule");
    assertThat(cpu.cells()).hasSize(20);
    List<String> rows = List.of(
        "fixed__none__constant", "fixed__houlsby__constant", "fixed__none__triangle", "fixed__houlsby__triangle",
        "nesterov__none__constant", "nesterov__houlsby__constant",
        "differential__none__constant", "differential__houlsby__constant",
        "gradual-unfreeze__none__constant", "gradual-unfreeze__houlsby__constant");
    assertThat(configurations(cpu)).containsExactlyInAnyOrderElementsOf(
        rows.stream().flatMap(r -> List.of("sst2__" + r, "cola__" + r).stream()).toList());
    assertThat(cpu.seeds()).containsExactly(42L);
    assertThat(String.join("\n", cpu.description()))
        .contains("profile cpu", "first 3 of its layers", "1000 training examples", "max length 64",
            "CoLA: its full training set (8,551 sentences)");

    ExperimentGrid full = Studies.grid("a", Profile.FULL, NOWHERE, null);
    assertThat(full.cells()).hasSize(60);
    assertThat(configurations(full)).isEqualTo(configurations(cpu));
    assertThat(String.join("\n", full.description())).contains("profile full", "all layers", "SST-2 5, CoLA 10");
  }

  @Test
  void studyBCrossesTwoSplitsWithFiveMethods() {
    ExperimentGrid cpu = Studies.grid("B", Profile.CPU, NOWHERE, null);
    assertThat(cpu.axes()).extracting(Axis::name).containsExactly("split", "method");
    assertThat(cpu.cells()).hasSize(10);
    assertThat(cpu.axes().get(0).variants()).extracting(Variant::name).containsExactly("90-10", "30-70");
    assertThat(cpu.axes().get(1).variants()).extracting(Variant::name)
        .containsExactly("all-layers", "embeddings-only", "encoder-only", "prompt-20", "bitfit");
    assertThat(String.join("\n", cpu.description())).contains("1000 reviews", "max length 128", "first 2 of its layers");
    assertThat(Studies.grid("B", Profile.FULL, NOWHERE, null).cells()).hasSize(30);
  }

  @Test
  void studyCComparesFiveTechniquesWithTheBaseline() {
    ExperimentGrid cpu = Studies.grid("C", Profile.CPU, NOWHERE, null);
    assertThat(cpu.axes()).extracting(Axis::name).containsExactly("technique");
    assertThat(cpu.axes().get(0).variants()).extracting(Variant::name)
        .containsExactly("baseline", "llrd", "grouped-llrd", "warmup", "reinit-top", "swa");
    assertThat(cpu.seeds()).containsExactly(42L, 43L);
    assertThat(cpu.cells()).hasSize(12);
    assertThat(cpu.cells().get(6).id()).isEqualTo("baseline__s43");
    assertThat(Studies.grid("C", Profile.FULL, NOWHERE, null).cells()).hasSize(18);
    assertThat(Studies.grid("C", Profile.SMOKE, NOWHERE, null).cells()).hasSize(6);
  }

  @Test
  void unknownStudyOrProfileIsRejected() {
    assertThatThrownBy(() -> Studies.grid("D", Profile.CPU, null, null)).hasMessage("study 'D' is unknown; use A, B or C");
    assertThatThrownBy(() -> Profile.of("gpu")).hasMessage("profile 'gpu' is unknown; use cpu, full or smoke");
  }
}
