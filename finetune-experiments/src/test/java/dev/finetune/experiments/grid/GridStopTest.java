package dev.finetune.experiments.grid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonParser;
import dev.finetune.core.report.EpochRecord;
import dev.finetune.core.train.StopRequest;
import dev.finetune.core.train.TinySetup;
import dev.finetune.core.train.TrainingContext;
import dev.finetune.core.train.TrainingListener;
import dev.finetune.experiments.search.GridTrialRunner;
import dev.finetune.experiments.search.SchemeSearch;
import dev.finetune.experiments.search.SearchResults;
import dev.finetune.experiments.search.SearchSpace;
import dev.finetune.experiments.search.Strategy;
import dev.finetune.peft.Peft;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stop request during a grid (what GridMain's shutdown hook makes on SIGTERM) ends the cell in
 * progress after its step with its checkpoint saved, records it as stopped, not finished (before,
 * a stopped cell's partial report was written as its result and the cell skipped on the next
 * run), and starts no other cell; the grid run again continues the cell from its checkpoint and
 * ends with an uninterrupted run's results. The same for a search's trial.
 */
class GridStopTest {

  @TempDir Path dir;

  /** Requests the stop while the step numbered {@code at} runs (a signal arriving then). */
  private static final class StopAt implements TrainingListener {
    private final StopRequest stop;
    private final AtomicLong at;

    StopAt(StopRequest stop, AtomicLong at) {
      this.stop = stop;
      this.at = at;
    }

    @Override
    public void onStepStart(TrainingContext context) {
      if (context.globalStep() + 1 == at.get()) {
        stop.request("stopped by a test signal");
      }
    }
  }

  /** Two cells of 2 epochs x 5 steps on the tiny encoder (dropout on: resume must redraw it). */
  private ExperimentGrid grid(TrainingListener... callbacks) {
    HuggingFaceTokenizer tokenizer = TinySetup.tokenizer(dir.resolve("tok"));
    return ExperimentGrid.builder("stoppable")
        .model(cell -> TinySetup.model(0.1f, cell.seed()))
        .data(TinySetup.toyTask("toy", 40, 31), TinySetup.toyTask("dev", 16, 32))
        .configure(s -> s.learningRate(1e-3).chain(c -> c.tokenizer(tokenizer).epochs(2).batchSize(8)
            .maxLength(16).callbacks(callbacks)))
        .axis("method", Variant.none("full"), Variant.of("bitfit", s -> s.chain(c -> c.peft(Peft.bitFit()))))
        .build();
  }

  private static List<List<Object>> curves(GridResults results) {
    return results.cells().stream().map(c -> c.report().epochs().stream()
        .map(e -> (Object) List.of(e.steps(), e.trainLoss(), e.validationMetrics())).toList()).toList();
  }

  @Test
  void aStoppedCellKeepsItsCheckpointIsNotFinishedAndTheRerunEndsAsAnUninterruptedRun() throws Exception {
    StopRequest stop = new StopRequest();
    AtomicLong at = new AtomicLong(7); // mid-epoch 2 of the first cell (5 steps per epoch)
    Path out = dir.resolve("stopped");
    ExperimentGrid stoppable = grid(new StopAt(stop, at));

    assertThatThrownBy(() -> stoppable.run(out, cell -> true, stop))
        .isInstanceOf(GridStoppedException.class)
        .hasMessageContaining("grid 'stoppable' stopped by a test signal during cell full__s42 (1/2)"
            + " after step 7")
        .hasMessageContaining("run the grid again on the folder to continue it")
        .satisfies(e -> assertThat(((GridStoppedException) e).cellId()).hasValue("full__s42"));
    assertThat(out.resolve("cells/full__s42.json")).as("not recorded as finished").doesNotExist();
    assertThat(out.resolve("cells/full__s42.stopped.txt")).content().contains("after step 7");
    assertThat(out.resolve("cells/bitfit__s42.json")).as("no other cell started").doesNotExist();
    Path state = ExperimentGrid.cellCheckpoint(out, "full__s42").resolve("last/state.json");
    assertThat(JsonParser.parseString(Files.readString(state)).getAsJsonObject().get("global_step")
        .getAsLong()).isEqualTo(7);
    assertThat(GridResults.load(out).cells()).isEmpty();

    at.set(-1);
    GridResults resumed = grid(new StopAt(stop, at)).run(out, cell -> true, new StopRequest());
    assertThat(out.resolve("cells/full__s42.stopped.txt")).doesNotExist();
    assertThat(out.resolve(ExperimentGrid.CHECKPOINTS_DIR)).isEmptyDirectory();
    GridResults straight = grid().run(dir.resolve("straight"));
    assertThat(resumed.cells()).extracting(CellResult::id).containsExactly("full__s42", "bitfit__s42");
    assertThat(curves(resumed)).isEqualTo(curves(straight));
    assertThat(resumed.cells().get(0).report().epochs()).extracting(EpochRecord::steps).containsExactly(5L, 10L);
  }

  @Test
  void aStopBetweenCellsStartsNoCell() throws Exception {
    StopRequest stop = new StopRequest();
    stop.request("stopped by a test signal");
    assertThatThrownBy(() -> grid().run(dir.resolve("out"), cell -> true, stop))
        .isInstanceOf(GridStoppedException.class)
        .hasMessageContaining("stopped by a test signal before cell full__s42 started")
        .satisfies(e -> assertThat(((GridStoppedException) e).cellId()).isEmpty());
    assertThat(GridResults.load(dir.resolve("out")).cells()).isEmpty();
  }

  @Test
  void aStoppedSearchTrialIsNotAFinishedTrialAndTheSearchContinuesIt() throws Exception {
    SearchSpace space = SearchSpace.parse(JsonParser.parseString(
        "{\"learning_rate\": [1e-4, 3e-3]}").getAsJsonObject(), "test");
    StopRequest stop = new StopRequest();
    AtomicLong at = new AtomicLong(4); // trial t000's first rung is 3 steps: stopped on its way to 6
    ExperimentGrid base = ExperimentGrid.builder("tiny-search")
        .model(cell -> TinySetup.model(0.1f, cell.seed()))
        .data(TinySetup.toyTask("toy", 40, 31), TinySetup.toyTask("dev", 16, 32))
        .configure(s -> s.learningRate(1e-3).chain(c -> c.tokenizer(TinySetup.tokenizer(dir.resolve("tok")))
            .epochs(2).batchSize(8).callbacks(new StopAt(stop, at))))
        .build();
    Path out = dir.resolve("search");
    SchemeSearch stoppable = SchemeSearch.builder("tiny", space,
            GridTrialRunner.of(base, "loss").stoppedBy(stop))
        .strategy(Strategy.SUCCESSIVE_HALVING).trials(2).eta(2).steps(3, 6).seed(1).metric("loss").build();

    assertThatThrownBy(() -> stoppable.run(out))
        .isInstanceOf(GridStoppedException.class)
        .hasMessageContaining("stopped by a test signal");
    List<Path> rungFiles;
    try (var files = Files.walk(out.resolve(SchemeSearch.TRIALS_DIR))) {
      rungFiles = files.filter(p -> p.getFileName().toString().matches("rung-\\d+\\.json")).toList();
    }
    // both trials reached rung 0 (3 steps); the promoted one stopped at step 4 has no rung-1 result
    assertThat(rungFiles).extracting(p -> p.getFileName().toString()).containsOnly("rung-0.json").hasSize(2);

    at.set(-1);
    SearchResults resumed = SchemeSearch.builder("tiny", space, GridTrialRunner.of(base, "loss"))
        .strategy(Strategy.SUCCESSIVE_HALVING).trials(2).eta(2).steps(3, 6).seed(1).metric("loss").build().run(out);
    SearchResults straight = SchemeSearch.builder("tiny", space, GridTrialRunner.of(base, "loss"))
        .strategy(Strategy.SUCCESSIVE_HALVING).trials(2).eta(2).steps(3, 6).seed(1).metric("loss").build()
        .run(dir.resolve("straight"));
    assertThat(resumed.leaderboard()).extracting(SearchResults.Row::steps).containsExactly(6L, 3L);
    assertThat(resumed.leaderboard()).extracting(SearchResults.Row::metric)
        .containsExactlyElementsOf(straight.leaderboard().stream().map(SearchResults.Row::metric).toList());
  }
}
