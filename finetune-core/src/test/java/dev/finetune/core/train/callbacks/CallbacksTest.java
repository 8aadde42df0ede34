package dev.finetune.core.train.callbacks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.train.FineTune;
import dev.finetune.core.train.TinySetup;
import dev.finetune.schedules.unfreeze.Unfreezing;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The facade builds the same callbacks as the classes, and the DESIGN.md chain reads as written. */
class CallbacksTest {

  @Test
  void theDesignChainConfiguresTwoCallbacks() {
    try (SequenceClassifier model = TinySetup.model(0f, 1)) {
      var config = FineTune.of(model)
          .callbacks(Callbacks.gradualUnfreezing().perEpoch(), Callbacks.swa(0.25).lr(1e-5))
          .config();
      assertThat(config.listeners()).hasSize(2);
      assertThat(config.listeners().get(0)).isInstanceOf(GradualUnfreezing.class);
      assertThat(((GradualUnfreezing) config.listeners().get(0)).schedule())
          .isEqualTo(Unfreezing.gradual(dev.finetune.schedules.unfreeze.Pace.perEpoch()));
      Swa swa = (Swa) config.listeners().get(1);
      assertThat(swa.startStep(10, 40)).isEqualTo(30);
      assertThat(swa.swaLr(2e-5).swaLr()).isEqualTo(1e-5);
      assertThat(Callbacks.swa(0.25).swaLr(2e-5).swaLr()).as("default holds the phase's LR").isEqualTo(2e-5);
    }
  }

  @Test
  void factoriesValidateTheirArguments() {
    assertThat(Callbacks.earlyStopping("loss").mode()).isEqualTo(Mode.MIN);
    assertThat(Callbacks.bestCheckpoint("accuracy", Path.of("x")).directory()).isAbsolute();
    assertThatThrownBy(() -> Callbacks.swa(0)).hasMessageContaining("(0, 1]");
    assertThatThrownBy(() -> Callbacks.ema(1.0)).hasMessageContaining("[0, 1)");
    assertThatThrownBy(() -> Callbacks.reinitTopLayers(0)).hasMessageContaining("n must be >= 1");
  }
}
