package dev.finetune.core.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@link LossScaler} follows {@code torch.cuda.amp.GradScaler}'s rule, checked by hand. */
class LossScalerTest {

  @Test
  void torchDefaultsStartAt2To16AndGrowAfter2000GoodSteps() {
    LossScaler scaler = LossScaler.torchDefaults();
    assertThat(scaler.scale()).isEqualTo(65536.0);
    for (int i = 0; i < 1999; i++) {
      scaler.update(true);
    }
    assertThat(scaler.scale()).isEqualTo(65536.0);
    assertThat(scaler.goodSteps()).isEqualTo(1999);
    scaler.update(true);
    assertThat(scaler.scale()).isEqualTo(131072.0);
    assertThat(scaler.goodSteps()).isZero();
    scaler.update(false);
    assertThat(scaler.scale()).isEqualTo(65536.0);
    assertThat(scaler.skippedSteps()).isEqualTo(1);
  }

  @Test
  void backsOffOnInfinityAndRestartsTheCountOfGoodSteps() {
    LossScaler scaler = new LossScaler(8, 2, 0.5, 3);
    boolean[] finite = {true, true, true, false, true, true, false, false, true, true, true};
    // hand-checked: 3 good -> 16; inf -> 8; 2 good, inf (count restarts) -> 4; inf -> 2;
    // 3 good -> 4
    double[] expected = {8, 8, 16, 8, 8, 8, 4, 2, 2, 2, 4};
    for (int i = 0; i < finite.length; i++) {
      scaler.update(finite[i]);
      assertThat(scaler.scale()).as("after step %d", i).isEqualTo(expected[i]);
    }
    assertThat(scaler.skippedSteps()).isEqualTo(3);
    assertThat(scaler.goodSteps()).isZero();
  }

  @Test
  void restoresSavedStateAndRefusesStateOutOfRange() {
    LossScaler scaler = new LossScaler(8, 2, 0.5, 3);
    scaler.restore(32, 2, 5);
    scaler.update(true);
    assertThat(scaler.scale()).isEqualTo(64);
    assertThat(scaler.skippedSteps()).isEqualTo(5);
    assertThatThrownBy(() -> scaler.restore(32, 3, 0)).hasMessageContaining("[0, 3)");
    assertThatThrownBy(() -> scaler.restore(Double.POSITIVE_INFINITY, 0, 0))
        .hasMessageContaining("finite");
    assertThatThrownBy(() -> new LossScaler(8, 2, 1.5, 3)).hasMessageContaining("(0, 1)");
  }
}
