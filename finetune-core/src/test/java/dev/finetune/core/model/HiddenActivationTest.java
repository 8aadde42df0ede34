package dev.finetune.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

/**
 * Activations against closed forms: gelu(x) = x Φ(x) (exact, erf), gelu_new = tanh approximation.
 * Reference values: Φ(1) = 0.8413447460685429, Φ(-0.5) = 0.3085375387259869 (standard normal
 * CDF tables); 0.5 (1 + tanh(sqrt(2/π) (1 + 0.044715))) = 0.8411919906082768.
 */
class HiddenActivationTest {

  @Test
  void geluIsExactErfGelu() {
    try (NDManager m = NDManager.newBaseManager()) {
      float[] y = HiddenActivation.GELU.apply(m.create(new float[] {1f, -0.5f, 3f})).toFloatArray();
      assertThat((double) y[0]).isCloseTo(0.8413447460685429, within(1e-6));
      assertThat((double) y[1]).isCloseTo(-0.5 * 0.3085375387259869, within(1e-6));
      // the tanh approximation differs from erf GELU by ~1.5e-4 at x = 1: this tells them apart
      assertThat(Math.abs(y[0] - 0.8411919906082768)).isGreaterThan(1e-4);
    }
  }

  @Test
  void geluNewIsTanhApproximation() {
    try (NDManager m = NDManager.newBaseManager()) {
      float[] y = HiddenActivation.GELU_NEW.apply(m.create(new float[] {1f, 0f})).toFloatArray();
      assertThat((double) y[0]).isCloseTo(0.8411919906082768, within(1e-6));
      assertThat(y[1]).isEqualTo(0f);
    }
  }

  @Test
  void reluAndNames() {
    try (NDManager m = NDManager.newBaseManager()) {
      assertThat(HiddenActivation.RELU.apply(m.create(new float[] {-2f, 2f})).toFloatArray())
          .containsExactly(0f, 2f);
    }
    assertThat(HiddenActivation.fromHf("gelu_pytorch_tanh")).isEqualTo(HiddenActivation.GELU_NEW);
    assertThat(HiddenActivation.fromHf("gelu")).isEqualTo(HiddenActivation.GELU);
  }
}
