package dev.finetune.core.train.callbacks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetune.core.train.ListenerState;
import dev.finetune.schedules.ParameterSelector;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each stateful callback's state round trip without a model: a resumed callback continues where
 * the saved one was, a fresh fit still starts afresh, and the keys are stable.
 */
class CallbackStateTest {

  @TempDir Path dir;

  @Test
  void earlyStoppingKeepsItsPatienceCountAcrossAResume() {
    FakeContext ctx = new FakeContext();
    EarlyStopping before = EarlyStopping.on("accuracy").patience(2);
    before.onFitStart(ctx);
    before.onEvaluationEnd(ctx, Map.of("accuracy", 0.8));
    ctx.epoch = 1;
    before.onEvaluationEnd(ctx, Map.of("accuracy", 0.7)); // one evaluation without improvement
    ListenerState saved = before.saveState(ctx);

    FakeContext resumed = new FakeContext();
    resumed.resumed = true;
    resumed.epoch = 2;
    EarlyStopping after = EarlyStopping.on("accuracy").patience(2);
    after.restoreState(resumed, saved);
    after.onFitStart(resumed);
    after.onEvaluationEnd(resumed, Map.of("accuracy", 0.75));
    assertThat(resumed.stopReason).contains("for 2 evaluation(s)").contains("best 0.8").contains("epoch 0");

    FakeContext fresh = new FakeContext();
    after.onFitStart(fresh); // a new fit forgets it
    after.onEvaluationEnd(fresh, Map.of("accuracy", 0.1));
    assertThat(fresh.stopRequested()).isFalse();
    assertThat(after.stateKey()).isEqualTo("early-stopping/accuracy");
  }

  @Test
  void bestCheckpointKeepsItsBestValueAcrossAResume() {
    BestCheckpoint best = BestCheckpoint.on("accuracy").saveTo(dir.resolve("best"));
    ListenerState saved = ListenerState.builder().put("best", 0.9).build();
    FakeContext resumed = new FakeContext();
    resumed.resumed = true;
    best.restoreState(resumed, saved);
    best.onFitStart(resumed);
    // not better than 0.9: nothing saved (a save would call FakeContext.model() and throw)
    best.onEvaluationEnd(resumed, Map.of("accuracy", 0.85));
    assertThat(dir.resolve("best")).doesNotExist();
    assertThat(best.saveState(resumed).getDouble("best")).isEqualTo(0.9);
    best.onFitStart(new FakeContext());
    assertThat(best.saveState(resumed).getDouble("best")).isNaN();
    assertThat(best.stateKey()).isEqualTo("best-checkpoint/accuracy");
  }

  @Test
  void freezingSavesWhetherItIsInForce() {
    Freezing freezing = Freezing.freeze(ParameterSelector.embeddings()).untilEpoch(1);
    FakeContext ctx = new FakeContext();
    assertThat(freezing.saveState(ctx).getBoolean("in_force")).isFalse();
    freezing.restoreState(ctx, ListenerState.builder().put("in_force", true).build());
    assertThat(freezing.saveState(ctx).getBoolean("in_force")).isTrue();
    assertThat(freezing.stateKey()).isEqualTo("freezing");
  }
}
