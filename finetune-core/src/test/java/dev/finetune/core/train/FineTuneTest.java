package dev.finetune.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.finetune.core.data.TextDataset;
import dev.finetune.core.metrics.MetricAccumulator;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.optim.Optimizers;
import dev.finetune.core.params.ModelParameter;
import dev.finetune.core.report.EpochRecord;
import dev.finetune.core.report.TrainingReport;
import dev.finetune.schedules.ParameterAddress;
import dev.finetune.schedules.Schedules;
import dev.finetune.schedules.policy.LrPolicies;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training loop on a tiny random encoder: learning, groups, freezing, accumulation, clipping. */
class FineTuneTest {

  @TempDir static Path dir;
  static HuggingFaceTokenizer tokenizer;

  @BeforeAll
  static void tokenizer() {
    tokenizer = TinySetup.tokenizer(dir);
  }

  @AfterAll
  static void close() {
    tokenizer.close();
  }

  @Test
  void lossDecreasesAndAccuracyRisesOnALearnableTask() {
    TextDataset train = TinySetup.toyTask("toy-train", 256, 1);
    TextDataset dev = TinySetup.toyTask("toy-dev", 128, 2);
    try (SequenceClassifier model = TinySetup.model(0.1f, 7)) {
      TrainingReport report =
          FineTune.of(model)
              .tokenizer(tokenizer)
              .learningRate(3e-3)
              .epochs(4)
              .batchSize(16)
              .progressBar(false)
              .fit(train, dev);
      assertThat(report.epochs()).hasSize(4);
      assertThat(report.epochs()).extracting(EpochRecord::epoch).containsExactly(1, 2, 3, 4);
      double first = report.epochs().get(0).trainLoss();
      double last = report.lastEpoch().trainLoss();
      assertThat(last).isLessThan(first * 0.5);
      assertThat(report.lastEpoch().validationMetrics().get(MetricAccumulator.ACCURACY))
          .isGreaterThan(0.9);
      assertThat(report.lastEpoch().steps()).isEqualTo(4 * 16);
      assertThat(report.lastEpoch().tokensPerSecond()).isPositive();
      assertThat(report.lastEpoch().trainableParameters())
          .isEqualTo(model.parameters().countTotal());
    }
  }

  @Test
  void frozenParametersStayBitIdenticalAndOthersMove() {
    TextDataset train = TinySetup.toyTask("toy", 64, 3);
    try (SequenceClassifier model = TinySetup.model(0.1f, 7)) {
      model.parameters().freeze(a -> a.isEmbeddings() || a.layer() == 0);
      Map<String, float[]> before = TinySetup.snapshot(model);
      FineTune.of(model).tokenizer(tokenizer).learningRate(1e-3).epochs(1).batchSize(16)
          .progressBar(false).fit(train, null);
      Map<String, float[]> after = TinySetup.snapshot(model);
      for (ModelParameter p : model.parameters().all()) {
        ParameterAddress a = p.address();
        if (a.isEmbeddings() || a.layer() == 0) {
          assertThat(after.get(p.hfName())).as(p.hfName()).isEqualTo(before.get(p.hfName()));
          assertThat(p.parameter().getArray().hasGradient()).as(p.hfName()).isFalse();
        } else {
          assertThat(after.get(p.hfName())).as(p.hfName()).isNotEqualTo(before.get(p.hfName()));
        }
      }
    }
  }

  /** One plain-SGD step with a head multiplier of 3 moves head weights exactly 3x as far. */
  @Test
  void perGroupLearningRatesReachTheRightParameters() {
    TextDataset train = TinySetup.toyTask("toy", 16, 4);
    Map<String, float[]> init;
    Map<String, float[]> uniform;
    Map<String, float[]> headTimes3;
    try (SequenceClassifier model = TinySetup.model(0f, 11)) {
      init = TinySetup.snapshot(model);
      oneSgdStep(model, LrPolicies.uniform(), train);
      uniform = TinySetup.snapshot(model);
    }
    try (SequenceClassifier model = TinySetup.model(0f, 11)) {
      oneSgdStep(model, LrPolicies.uniform().withHeadMultiplier(3), train);
      headTimes3 = TinySetup.snapshot(model);
      for (ModelParameter p : model.parameters().all()) {
        float[] w0 = init.get(p.hfName());
        float[] a = uniform.get(p.hfName());
        float[] b = headTimes3.get(p.hfName());
        double factor = p.address().isHead() ? 3 : 1;
        for (int i = 0; i < w0.length; i++) {
          assertThat((double) b[i] - w0[i]).as(p.hfName())
              .isCloseTo(factor * (a[i] - w0[i]), within(1e-6 + 1e-4 * Math.abs(a[i] - w0[i])));
        }
      }
    }
  }

  private static void oneSgdStep(SequenceClassifier model, dev.finetune.schedules.policy.LrPolicy policy,
      TextDataset train) {
    FineTune.of(model).tokenizer(tokenizer).optimizer(Optimizers.sgd())
        .learningRate(0.1, policy).schedule(Schedules.constant(1.0)).gradientClipping(0)
        .epochs(1).batchSize(16).progressBar(false).fit(train, null);
  }

  @Test
  void accumulatingTwoBatchesEqualsOneBatchOfTwiceTheSize() {
    TextDataset train = TinySetup.toyTask("toy", 32, 5);
    Map<String, float[]> big;
    try (SequenceClassifier model = TinySetup.model(0f, 13)) {
      FineTune.of(model).tokenizer(tokenizer).optimizer(Optimizers.sgd()).learningRate(0.05)
          .schedule(Schedules.constant(1.0)).gradientClipping(0).epochs(1).batchSize(32)
          .progressBar(false).fit(train, null);
      big = TinySetup.snapshot(model);
    }
    try (SequenceClassifier model = TinySetup.model(0f, 13)) {
      TrainingReport report =
          FineTune.of(model).tokenizer(tokenizer).optimizer(Optimizers.sgd()).learningRate(0.05)
              .schedule(Schedules.constant(1.0)).gradientClipping(0).epochs(1).batchSize(16)
              .accumulateGradients(2).progressBar(false).fit(train, null);
      assertThat(report.lastEpoch().steps()).isEqualTo(1);
      Map<String, float[]> small = TinySetup.snapshot(model);
      for (String name : big.keySet()) {
        float[] a = big.get(name);
        float[] b = small.get(name);
        for (int i = 0; i < a.length; i++) {
          assertThat(b[i]).as(name).isCloseTo(a[i], within(2e-6f));
        }
      }
    }
  }

  /** With plain SGD the whole update is -lr * clipped gradient, so its norm is at most lr * max. */
  @Test
  void clippingBoundsTheGlobalGradientNorm() {
    TextDataset train = TinySetup.toyTask("toy", 16, 6);
    try (SequenceClassifier model = TinySetup.model(0f, 17)) {
      Map<String, float[]> before = TinySetup.snapshot(model);
      double lr = 1.0;
      double maxNorm = 1e-3;
      FineTune.of(model).tokenizer(tokenizer).optimizer(Optimizers.sgd()).learningRate(lr)
          .schedule(Schedules.constant(1.0)).gradientClipping(maxNorm).epochs(1).batchSize(16)
          .progressBar(false).fit(train, null);
      double squared = 0;
      for (ModelParameter p : model.parameters().all()) {
        float[] a = before.get(p.hfName());
        float[] b = p.parameter().getArray().toFloatArray();
        for (int i = 0; i < a.length; i++) {
          squared += Math.pow(b[i] - a[i], 2);
        }
      }
      // the unclipped gradient of a fresh model is far above 1e-3, so the bound is reached
      assertThat(Math.sqrt(squared)).isCloseTo(lr * maxNorm, within(lr * maxNorm * 1e-3));
    }
  }

  @Test
  void divergenceStopsTheRunWithAClearReason() {
    TextDataset train = TinySetup.toyTask("toy", 64, 8);
    try (SequenceClassifier model = TinySetup.model(0f, 19)) {
      TrainingReport report =
          FineTune.of(model).tokenizer(tokenizer).optimizer(Optimizers.sgd()).learningRate(1e12)
              .schedule(Schedules.constant(1.0)).gradientClipping(0).epochs(3).batchSize(8)
              .progressBar(false).fit(train, null);
      assertThat(report.settings().get("stopped")).asString().contains("training loss became");
      assertThat(report.epochs().size()).isLessThan(3);
    }
  }

  @Test
  void aScheduleThatCannotRunThisManyStepsFailsBeforeTraining() {
    TextDataset train = TinySetup.toyTask("toy", 16, 8);
    try (SequenceClassifier model = TinySetup.model(0f, 23)) {
      float[] before = model.parameters().all().get(0).parameter().getArray().toFloatArray();
      // 16 examples at batch 8 for one epoch = 2 steps: OneCycle's warm-up would be under a step
      assertThatThrownBy(() -> FineTune.of(model).tokenizer(tokenizer).schedule("OneCycleLR(max_lr=1e-3)")
              .epochs(1).batchSize(8).progressBar(false).fit(train, null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("cannot run this fit's 2 optimizer steps")
          .hasMessageContaining("OneCycle");
      assertThat(model.parameters().all().get(0).parameter().getArray().toFloatArray()).isEqualTo(before);
    }
  }

  @Test
  void badSettingsAndDataFailClearly() {
    try (SequenceClassifier model = TinySetup.model(0f, 1)) {
      assertThatThrownBy(() -> FineTune.of(model).epochs(0).config())
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("epochs must be >= 1, got 0");
      assertThatThrownBy(() -> FineTune.of(model).schedule("NoSuchLR(x=1)"))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NoSuchLR");
      assertThatThrownBy(() -> FineTune.of(model).fit(TinySetup.toyTask("t", 4, 1), null))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no tokenizer");
      TextDataset empty = TinySetup.toyTask("empty", 0, 1);
      assertThatThrownBy(() -> FineTune.of(model).tokenizer(tokenizer).fit(empty, null))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is empty");
      model.parameters().freeze(a -> true);
      assertThatThrownBy(() -> FineTune.of(model).tokenizer(tokenizer).progressBar(false)
              .fit(TinySetup.toyTask("t", 4, 1), null))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("no parameter is trainable");
    }
  }

  @Test
  void theChainTrainsWhereTheModelLivesAndTheReportSaysWhere() {
    try (SequenceClassifier model = TinySetup.model(0f, 1)) {
      assertThatThrownBy(() -> FineTune.of(model).device(Device.of("fake", 3)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("device fake(3) differs from the model's device cpu()");
      if (Engine.getInstance().getGpuCount() == 0) {
        assertThat(FineTune.of(model).device(Device.gpu()).config().device()).isEqualTo(Device.cpu());
      }
      assertThatThrownBy(() -> FineTune.of(model).set("max_grad_norm", -1))
          .hasMessage("max_grad_norm must be >= 0 (0 = no clipping), got -1.0");
      assertThatThrownBy(() -> FineTune.of(model).set("clipping", 1))
          .hasMessageStartingWith("unknown setting 'clipping'; known settings: [");
      TrainingReport report = FineTune.of(model).tokenizer(tokenizer).set("device", "cpu")
          .set("epochs", "1").set("batch_size", 8).set("progress", false).set("maxGradNorm", 0.5)
          .fit(TinySetup.toyTask("t", 16, 1), null);
      assertThat(report.device()).isEqualTo("cpu");
      for (Setting<?> s : TrainingSettings.ALL) {
        assertThat(report.settings()).as(s.jsonKey()).containsKey(s.jsonKey());
      }
      assertThat(report.settings()).containsEntry("device", "cpu").containsEntry("max_grad_norm", "0.5")
          .containsEntry("epochs", "1").containsEntry("batch_size", "8");
    }
  }
}
