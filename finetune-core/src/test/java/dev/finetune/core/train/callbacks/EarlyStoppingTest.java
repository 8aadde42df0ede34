package dev.finetune.core.train.callbacks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Early stopping on metric sequences, through a fake context; and the mode inference. */
class EarlyStoppingTest {

  /** Feeds one value per epoch; returns the epoch at which a stop was requested, or -1. */
  private static int stopEpoch(EarlyStopping es, String metric, double... values) {
    FakeContext ctx = new FakeContext();
    es.onFitStart(ctx);
    for (int e = 0; e < values.length; e++) {
      ctx.epoch = e;
      es.onEvaluationEnd(ctx, Map.of(metric, values[e]));
      if (ctx.stopRequested()) {
        return e;
      }
    }
    return -1;
  }

  @Test
  void accuracyStopsAfterPatienceEvaluationsWithoutImprovement() {
    EarlyStopping es = EarlyStopping.on("accuracy").patience(2).minDelta(0);
    // best 0.8 at epoch 1; 0.8 (equal) and 0.7 are no improvement -> stop at epoch 3
    assertThat(stopEpoch(es, "accuracy", 0.6, 0.8, 0.8, 0.7, 0.9)).isEqualTo(3);
    // an improvement resets the count
    assertThat(stopEpoch(es, "accuracy", 0.6, 0.5, 0.7, 0.6, 0.8, 0.8)).isEqualTo(-1);
  }

  @Test
  void lossIsMinimisedAndMinDeltaCounts() {
    assertThat(EarlyStopping.on("loss").mode()).isEqualTo(Mode.MIN);
    assertThat(EarlyStopping.on("mcc").mode()).isEqualTo(Mode.MAX);
    EarlyStopping es = EarlyStopping.on("loss").patience(1).minDelta(0.01);
    // 0.495 beats 0.5 by less than 0.01: no improvement -> stop at epoch 1
    assertThat(stopEpoch(es, "loss", 0.5, 0.495)).isEqualTo(1);
    assertThat(stopEpoch(es, "loss", 0.5, 0.45, 0.40, 0.35)).isEqualTo(-1);
    // overriding the mode: a rising loss now counts as better
    assertThat(stopEpoch(es.mode(Mode.MAX), "loss", 0.5, 0.6, 0.7)).isEqualTo(-1);
  }

  @Test
  void theReasonNamesTheMetricAndTheStateIsResetPerFit() {
    EarlyStopping es = EarlyStopping.on("f1").patience(1);
    FakeContext ctx = new FakeContext();
    es.onFitStart(ctx);
    es.onEvaluationEnd(ctx, Map.of("f1", 0.9));
    ctx.epoch = 1;
    es.onEvaluationEnd(ctx, Map.of("f1", 0.8));
    assertThat(ctx.stopReason).contains("early stopping: f1 has not improved").contains("epoch 0");
    assertThat(stopEpoch(es, "f1", 0.1, 0.2)).isEqualTo(-1);
  }

  @Test
  void aMissingMetricOrBadSettingFailsClearly() {
    EarlyStopping es = EarlyStopping.on("acc");
    FakeContext ctx = new FakeContext();
    es.onFitStart(ctx);
    assertThatThrownBy(() -> es.onEvaluationEnd(ctx, Map.of("accuracy", 0.5)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("'acc'")
        .hasMessageContaining("[accuracy]");
    assertThatThrownBy(() -> es.onEvaluationEnd(ctx, Map.of()))
        .hasMessageContaining("validation set");
    assertThatThrownBy(() -> es.patience(0)).hasMessageContaining("patience(0)");
    assertThatThrownBy(() -> es.minDelta(-1)).hasMessageContaining("minDelta(-1.0)");
  }
}
