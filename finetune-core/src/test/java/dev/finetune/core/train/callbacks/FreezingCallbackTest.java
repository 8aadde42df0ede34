package dev.finetune.core.train.callbacks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.finetune.core.data.TextDataset;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.params.ModelParameter;
import dev.finetune.core.train.FineTune;
import dev.finetune.core.train.TinySetup;
import dev.finetune.schedules.ParameterAddress;
import dev.finetune.schedules.ParameterSelector;
import dev.finetune.schedules.Schedules;
import dev.finetune.schedules.unfreeze.Pace;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Freezing at a time, and gradual unfreezing by epochs, checked by bit-identity of snapshots. */
class FreezingCallbackTest {

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

  /** A constant LR, so that step 0 moves what trains (the default warm-up starts at 0). */
  private static FineTune chain(SequenceClassifier model, int epochs) {
    return FineTune.of(model).tokenizer(tokenizer).learningRate(1e-3).schedule(Schedules.constant(1.0)).epochs(epochs).batchSize(16)
        .progressBar(false);
  }

  /** Steps 0 and 1 run with the embeddings frozen; layer 0, frozen by hand, joins at step 2. */
  @Test
  void freezeUntilStepAndUnfreezeAtStep() {
    TextDataset train = TinySetup.toyTask("toy", 64, 3); // 4 steps
    try (SequenceClassifier model = TinySetup.model(0.1f, 7)) {
      model.parameters().freeze(a -> a.layer() == 0);
      Map<String, float[]> init = Snapshots.of(model);
      Snapshots.Recorder rec = new Snapshots.Recorder();
      chain(model, 1)
          .callbacks(Freezing.freeze(ParameterSelector.embeddings()).untilStep(2),
              Freezing.unfreeze(ParameterSelector.layer(0)).atStep(2), rec)
          .fit(train, null);
      assertThat(rec.afterStep).hasSize(4);
      for (ModelParameter p : model.parameters().all()) {
        String n = p.hfName();
        ParameterAddress a = p.address();
        if (a.isEmbeddings() || a.layer() == 0) {
          assertThat(java.util.Arrays.equals(rec.afterStep.get(1).get(n), init.get(n))).as(n).isTrue();
          assertThat(java.util.Arrays.equals(rec.afterStep.get(2).get(n), rec.afterStep.get(1).get(n))).as(n).isFalse();
        } else {
          assertThat(java.util.Arrays.equals(rec.afterStep.get(0).get(n), init.get(n))).as(n).isFalse();
        }
      }
      assertThat(model.parameters().countTrainable()).isEqualTo(model.parameters().countTotal());
    }
  }

  /** A freeze that ends gives back only what was trainable at the start (a PEFT base stays). */
  @Test
  void endingAFreezeKeepsDeliberatelyFrozenParametersFrozen() {
    TextDataset train = TinySetup.toyTask("toy", 32, 4); // 2 steps per epoch
    try (SequenceClassifier model = TinySetup.model(0f, 7)) {
      model.parameters().freeze(a -> a.layer() == 1);
      Map<String, float[]> init = Snapshots.of(model);
      chain(model, 2).callbacks(Freezing.freeze(ParameterSelector.encoderLayers()).untilEpoch(1))
          .fit(train, null);
      Map<String, float[]> end = Snapshots.of(model);
      for (ModelParameter p : model.parameters().all()) {
        if (p.address().layer() == 1) {
          assertThat(java.util.Arrays.equals(end.get(p.hfName()), init.get(p.hfName()))).as(p.hfName()).isTrue();
          assertThat(p.isTrainable()).isFalse();
        } else {
          assertThat(java.util.Arrays.equals(end.get(p.hfName()), init.get(p.hfName()))).as(p.hfName()).isFalse();
        }
      }
    }
  }

  /**
   * ULMFiT on 2 layers over 3 epochs: epoch 0 trains the head, epoch 1 adds layer 1, epoch 2 adds
   * layer 0; the embeddings (the 4th group) never train.
   */
  @Test
  void gradualUnfreezingPerEpochTrainsOneMoreGroupEachEpoch() {
    TextDataset train = TinySetup.toyTask("toy", 32, 5);
    try (SequenceClassifier model = TinySetup.model(0.1f, 7)) {
      Map<String, float[]> init = Snapshots.of(model);
      Snapshots.Recorder rec = new Snapshots.Recorder();
      chain(model, 3).callbacks(GradualUnfreezing.perEpoch(), rec).fit(train, null);
      assertThat(rec.afterEpoch).hasSize(3);
      for (int epoch = 0; epoch < 3; epoch++) {
        Map<String, float[]> before = epoch == 0 ? init : rec.afterEpoch.get(epoch - 1);
        Map<String, float[]> after = rec.afterEpoch.get(epoch);
        for (ModelParameter p : model.parameters().all()) {
          ParameterAddress a = p.address();
          boolean trains = a.isHead() || (a.layer() == 1 && epoch >= 1)
              || (a.layer() == 0 && epoch >= 2);
          String what = p.hfName() + " in epoch " + epoch;
          if (trains) {
            assertThat(java.util.Arrays.equals(after.get(p.hfName()), before.get(p.hfName()))).as(what).isFalse();
          } else {
            assertThat(java.util.Arrays.equals(after.get(p.hfName()), before.get(p.hfName()))).as(what).isTrue();
          }
        }
      }
    }
  }

  /** Chain-thaw every step: head, embeddings, layer 0, layer 1, then everything. */
  @Test
  void chainThawEveryStepMovesOneGroupAtATime() {
    TextDataset train = TinySetup.toyTask("toy", 80, 6); // 5 steps
    try (SequenceClassifier model = TinySetup.model(0f, 7)) {
      Map<String, float[]> init = Snapshots.of(model);
      Snapshots.Recorder rec = new Snapshots.Recorder();
      chain(model, 1).callbacks(GradualUnfreezing.chainThaw(Pace.everySteps(1)), rec)
          .fit(train, null);
      List<java.util.function.Predicate<ParameterAddress>> group = List.of(
          ParameterAddress::isHead, ParameterAddress::isEmbeddings, a -> a.layer() == 0,
          a -> a.layer() == 1, a -> true);
      for (int step = 0; step < 5; step++) {
        Map<String, float[]> before = step == 0 ? init : rec.afterStep.get(step - 1);
        for (ModelParameter p : model.parameters().all()) {
          boolean moved = !java.util.Arrays.equals(before.get(p.hfName()),
              rec.afterStep.get(step).get(p.hfName()));
          assertThat(moved).as(p.hfName() + " at step " + step)
              .isEqualTo(group.get(step).test(p.address()));
        }
      }
    }
  }

  @Test
  void badTimesFailClearly() {
    assertThatThrownBy(() -> Freezing.freeze(ParameterSelector.embeddings()).untilEpoch(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("untilEpoch(0)");
    assertThatThrownBy(() -> GradualUnfreezing.gradual().startingWith(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("startingWith(0)");
  }
}
