package dev.finetune.experiments.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonPrimitive;
import dev.finetune.core.train.TinySetup;
import dev.finetune.core.train.TrainingContext;
import dev.finetune.core.train.TrainingListener;
import dev.finetune.experiments.grid.ExperimentGrid;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trials trained for real on the tiny encoder: a promoted trial continues from its own
 * checkpoint (step counter and optimizer state) and ends where a trial run straight to that budget
 * ends; a small ASHA search runs end to end. 40 toy examples in batches of 8: 5 steps per epoch,
 * 2 epochs (the schedule spans 10 steps whatever the rung).
 */
class GridTrialRunnerTest {

  @TempDir Path dir;

  /** Sees where each fit starts: the global step and one parameter's optimizer step count. */
  private static final class StartProbe implements TrainingListener {
    long step = -1;
    long optimizerSteps = -1;

    @Override
    public void onFitStart(TrainingContext context) {
      step = context.globalStep();
      optimizerSteps = context.optimizer().stepCount(context.parameters().trainable().get(0).hfName());
    }
  }

  private ExperimentGrid base(StartProbe probe) {
    HuggingFaceTokenizer tokenizer = TinySetup.tokenizer(dir.resolve("tok"));
    return ExperimentGrid.builder("tiny-search")
        .model(cell -> TinySetup.model(0.1f, cell.seed()))
        .data(TinySetup.toyTask("toy", 40, 31), TinySetup.toyTask("dev", 16, 32))
        .configure(s -> s.learningRate(1e-3).chain(c -> c.tokenizer(tokenizer).epochs(2).batchSize(8)
            .callbacks(probe)))
        .build();
  }

  @Test
  void aPromotedTrialContinuesItsStepsAndOptimizerState() throws Exception {
    StartProbe probe = new StartProbe();
    GridTrialRunner runner = GridTrialRunner.of(base(probe), "loss");
    Trial trial = new Trial(0, Map.of("learning_rate", new JsonPrimitive(2e-3)));

    TrialResult rung0 = runner.run(trial, 3, dir.resolve("promoted"));
    assertThat(rung0.steps()).isEqualTo(3);
    assertThat(probe.step).isZero();
    assertThat(rung0.metrics()).as("every validation metric travels with the ranked one")
        .containsKeys("loss", "accuracy").containsEntry("loss", rung0.metric());

    TrialResult rung1 = runner.run(trial, 7, dir.resolve("promoted"));
    assertThat(rung1.steps()).isEqualTo(7);
    assertThat(probe.step).as("continued, not restarted").isEqualTo(3);
    assertThat(probe.optimizerSteps).as("optimizer state carried over").isEqualTo(3);

    // killed after the stop's checkpoint but before the rung's result: no extra step, same result
    deleteTree(dir.resolve("promoted/rung-7"));
    TrialResult again = runner.run(trial, 7, dir.resolve("promoted"));
    assertThat(probe.step).isEqualTo(7);
    assertThat(again.steps()).isEqualTo(7);
    assertThat(again.metric()).isCloseTo(rung1.metric(), within(1e-6));

    TrialResult straight = runner.run(trial, 7, dir.resolve("straight"));
    assertThat(probe.step).isZero();
    assertThat(rung1.metric()).isCloseTo(straight.metric(), within(1e-6));
    assertThat(rung0.metric()).isNotCloseTo(straight.metric(), within(1e-6));
  }

  @Test
  void aTrialWithASeedTrainsItsCellWithThatSeed() throws Exception {
    ExperimentGrid grid = base(new StartProbe());
    GridTrialRunner runner = GridTrialRunner.of(grid, "loss");
    Trial trial = new Trial(0, Map.of("learning_rate", new JsonPrimitive(2e-3)));
    TrialResult own = runner.run(trial, 4, dir.resolve("own"));
    TrialResult seeded = runner.run(trial.withSeed(7), 4, dir.resolve("seed-7"));
    TrialResult again = runner.run(trial.withSeed(7), 4, dir.resolve("seed-7-again"));
    assertThat(Files.exists(dir.resolve("own/rung-4/cells/default__s42.json"))).isTrue();
    assertThat(Files.exists(dir.resolve("seed-7/rung-4/cells/default__s7.json"))).isTrue();
    assertThat(seeded.metric()).as("another initialisation and data order").isNotCloseTo(own.metric(), within(1e-6));
    assertThat(again.metric()).as("seeded, so reproducible").isCloseTo(seeded.metric(), within(1e-6));
    assertThat(grid.withSeeds(1, 2).cells()).extracting(c -> c.seed()).containsExactly(1L, 2L);
    assertThat(grid.cells()).extracting(c -> c.seed()).containsExactly(42L);
    assertThatThrownBy(() -> grid.withSeeds(3, 3)).hasMessageContaining("seed 3 is given twice");
  }

  private static void deleteTree(Path root) throws java.io.IOException {
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Test
  void aSmallAshaSearchRunsEndToEnd() throws Exception {
    SearchSpace space = SearchSpace.parse(com.google.gson.JsonParser.parseString(
        "{\"learning_rate\": [1e-4, 3e-3, 1e-2]}").getAsJsonObject(), "test");
    SchemeSearch search = SchemeSearch.builder("tiny", space, GridTrialRunner.of(base(new StartProbe()), "accuracy"))
        .strategy(Strategy.ASHA).trials(3).eta(3).steps(3, 9).seed(1).confirm(1, 5).build();
    SearchResults r = search.run(dir.resolve("search"));
    assertThat(r.events()).hasSize(4);
    assertThat(r.leaderboard().get(0).steps()).isEqualTo(9);
    assertThat(r.totalSteps()).isEqualTo(3 + 3 + 9);
    // the winner trained again from scratch with seed 5, in its own folder
    String winner = r.leaderboard().get(0).trial().id();
    assertThat(r.confirmed()).singleElement().satisfies(c -> {
      assertThat(c.trial().id()).isEqualTo(winner);
      assertThat(c.seeds()).containsExactly(5L);
    });
    assertThat(r.confirmationSteps()).isEqualTo(9);
    assertThat(Files.exists(dir.resolve("search/trials/" + winner + "/seed-5/rung-9/cells/default__s5.json"))).isTrue();
    SearchReport.write(r, dir.resolve("search"));
    assertThat(Files.exists(dir.resolve("search/learning_curves.png"))).isTrue();
    assertThatThrownBy(() -> GridTrialRunner.of(base(new StartProbe()), "acuracy")
        .run(r.trials().get(0), 1, dir.resolve("typo")))
        .hasMessageContaining("metric 'acuracy' is not among the validation metrics")
        .hasMessageContaining("accuracy");
  }
}
