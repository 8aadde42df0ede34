package dev.finetune.experiments.grid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetune.core.train.LrFinder;
import dev.finetune.experiments.search.SchemeSearch;
import dev.finetune.experiments.search.SearchConfig;
import dev.finetune.experiments.search.SearchResults;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Grid and search files with a token-classification task (conll2003) train a token head through
 * the same loop as Quickstart and report entity metrics; the search ranks by the task's main
 * metric, entity {@code f1}. (Before, such files were refused.)
 */
class TokenTaskGridTest {

  @TempDir Path dir;

  private String config(String name, String extra) throws Exception {
    Path model = TinyConll.model(dir.resolve("model"));
    Path data = TinyConll.data(dir.resolve("conll"), 48);
    return "{\"name\": \"" + name + "\", \"task\": \"conll2003\", \"data\": \"" + data + "\","
        + " \"model\": \"" + model + "\", \"train_size\": 40, \"validation_size\": 12,"
        + " \"epochs\": 3, \"batch_size\": 4, \"max_length\": 16, \"learning_rate\": 0.01" + extra + "}";
  }

  @Test
  void aConllGridTrainsTokenHeadsAndReportsEntityMetrics() throws Exception {
    ExperimentGrid grid = GridConfig.parse(config("ner",
        ", \"axes\": {\"method\": [\"full\", \"lora(4)\"]}"), "ner.json", dir);
    GridResults results = grid.run(dir.resolve("out"));

    assertThat(results.cells()).extracting(CellResult::id).containsExactly("full__s42", "lora_4__s42");
    for (CellResult cell : results.cells()) {
      Map<String, Double> last = cell.report().lastEpoch().validationMetrics();
      assertThat(last).as(cell.id()).containsKeys("f1", "precision", "recall", "accuracy", "f1_PER",
          "f1_LOC", "loss");
      assertThat(cell.finalMetric("f1")).as(cell.id()).isBetween(0.0, 1.0);
      assertThat(cell.settings()).containsEntry("train_size", "40").containsEntry("validation_size", "12");
      assertThat(cell.report().extraRows()).as("a grid scores no test split").isEmpty();
    }
    // full fine-tuning at this LR learns the fixed entity words: entity F1 well above chance
    assertThat(results.cells().get(0).finalMetric("f1"))
        .as("%s", results.cells().get(0).report().lastEpoch().validationMetrics()).isGreaterThan(0.5);
    assertThat(results.cells().get(1).report().method()).contains("lora");
    assertThat(results.mainMetric()).isEqualTo("f1");
    assertThat(results.markdownTable().lines().findFirst().orElseThrow())
        .contains("| MCC | final f1 | best f1 | s/epoch |");
    assertThat(results.cells().get(0).report().epochs().get(1).trainableParameters())
        .isGreaterThan(results.cells().get(1).report().epochs().get(1).trainableParameters());
  }

  @Test
  void theLrRangeTestOnATokenCellSaysItRunsOnTextOnly() throws Exception {
    ExperimentGrid grid = GridConfig.parse(config("ner", ""), "ner.json", dir);
    assertThatThrownBy(() -> grid.findLearningRate(grid.cells().get(0), LrFinder.defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("trains token classification")
        .hasMessageContaining("learning_rate");
  }

  @Test
  void aConllSearchRanksByEntityF1() throws Exception {
    String text = config("ner-search", ", \"axes\": {\"learning_rate\": [0.003, 0.0001]},"
        + " \"search\": {\"strategy\": \"successive_halving\", \"trials\": 2, \"eta\": 2,"
        + " \"min_steps\": 4, \"max_steps\": 8, \"seed\": 1}");
    SchemeSearch search = SearchConfig.parse(text, "ner-search.json", dir);
    SearchResults results = search.run(dir.resolve("search"));

    assertThat(results.metric()).isEqualTo("f1");
    assertThat(results.leaderboard()).hasSize(2);
    assertThat(results.leaderboard().get(0).metric()).isBetween(0.0, 1.0);
    assertThat(results.leaderboard().get(0).steps()).isEqualTo(8);
  }
}
