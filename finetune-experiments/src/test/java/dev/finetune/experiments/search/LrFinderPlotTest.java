package dev.finetune.experiments.search;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.finetune.core.train.LrFinder;
import dev.finetune.core.train.LrFinderResult;
import dev.finetune.core.train.TinySetup;
import dev.finetune.experiments.grid.ExperimentGrid;
import dev.finetune.experiments.grid.Variant;
import dev.finetune.peft.Peft;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;

/** The LR range test on a grid cell (its method and settings), and its plot. */
class LrFinderPlotTest {

  @TempDir Path dir;

  @Test
  void aGridCellsRangeTestIsPlottedWithBothSuggestions() throws Exception {
    HuggingFaceTokenizer tokenizer = TinySetup.tokenizer(dir.resolve("tok"));
    ExperimentGrid grid = ExperimentGrid.builder("tiny")
        .model(cell -> TinySetup.model(0f, cell.seed()))
        .data(TinySetup.toyTask("toy", 32, 1), TinySetup.toyTask("dev", 8, 2))
        .configure(s -> s.chain(c -> c.tokenizer(tokenizer).batchSize(8)))
        .axis("method", Variant.none("full"), Variant.of("bitfit", s -> s.chain(c -> c.peft(Peft.bitFit()))))
        .build();
    LrFinderResult r = grid.findLearningRate(grid.cells().get(1),
        LrFinder.builder().minLr(1e-4).maxLr(1).steps(8).build());
    assertThat(r.learningRates()).hasSizeBetween(2, 8);
    XYChart chart = LrFinderPlot.chart(r, "tiny bitfit");
    assertThat(chart.getSeriesMap().keySet()).contains("loss", "smoothed loss")
        .anyMatch(k -> k.startsWith("valley ")).anyMatch(k -> k.startsWith("steepest "));
    Path png = dir.resolve("lr.png");
    LrFinderPlot.write(r, "tiny bitfit", png);
    assertThat(Files.size(png)).isPositive();
    assertThat(Files.exists(dir.resolve("cells"))).as("nothing trained or written").isFalse();
  }
}
