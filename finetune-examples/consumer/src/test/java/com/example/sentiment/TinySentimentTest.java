package com.example.sentiment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetune.core.report.EpochRecord;
import dev.finetune.core.report.TrainingReport;
import org.junit.jupiter.api.Test;

/** Proves finetune works as a plain dependency: the model loads, the engine starts, LoRA trains. */
class TinySentimentTest {

  @Test
  void loraFineTuningRunsThroughTheInstalledArtifacts() {
    TrainingReport report = TinySentiment.train(2);

    assertThat(report.epochs()).hasSize(2);
    assertThat(report.method()).startsWith("lora");
    EpochRecord last = report.lastEpoch();
    // LoRA r=4 on query and value of one 384-wide layer (2 x 2 x 4 x 384) plus the head (384 x 2 + 2).
    assertThat(last.trainableParameters()).isEqualTo(2 * 2 * 4 * 384 + 384 * 2 + 2);
    assertThat(last.totalParameters()).isGreaterThan(10_000_000L);
    for (EpochRecord epoch : report.epochs()) {
      assertThat(epoch.trainLoss()).isFinite().isPositive();
      assertThat(epoch.validationLoss()).isFinite().isPositive();
      assertThat(epoch.validationMetrics().get("accuracy")).isBetween(0.0, 1.0);
    }
  }
}
