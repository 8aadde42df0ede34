package dev.finetune.core.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Global-norm clipping follows torch.nn.utils.clip_grad_norm_. */
class GradientClippingTest {

  @Test
  void clipsToTheMaximumAndReturnsThePreClipNorm() {
    try (NDManager manager = NDManager.newBaseManager()) {
      // ||(3, 4)||^2 + ||(12)||^2 = 169 -> norm 13
      NDArray a = manager.create(new float[] {3f, 4f});
      NDArray b = manager.create(new float[] {12f});
      double norm = GradientClipping.clipByGlobalNorm(List.of(a, b), 1.0);
      assertThat(norm).isCloseTo(13.0, within(1e-6));
      double coefficient = 1.0 / (13.0 + 1e-6);
      assertThat((double) a.getFloat(0)).isCloseTo(3 * coefficient, within(1e-7));
      assertThat((double) a.getFloat(1)).isCloseTo(4 * coefficient, within(1e-7));
      assertThat((double) b.getFloat(0)).isCloseTo(12 * coefficient, within(1e-7));
      assertThat(GradientClipping.globalNorm(List.of(a, b))).isLessThanOrEqualTo(1.0);
    }
  }

  @Test
  void leavesSmallGradientsUntouched() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray a = manager.create(new float[] {0.3f, -0.4f});
      double norm = GradientClipping.clipByGlobalNorm(List.of(a), 1.0);
      assertThat(norm).isCloseTo(0.5, within(1e-7));
      assertThat(a.toFloatArray()).containsExactly(0.3f, -0.4f);
      assertThat(GradientClipping.globalNorm(List.of())).isZero();
    }
  }

  @Test
  void nonFiniteNormIsReportedAndGradientsLeftAlone() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray a = manager.create(new float[] {Float.NaN, 1f});
      assertThat(GradientClipping.clipByGlobalNorm(List.of(a), 1.0)).isNaN();
      assertThat(a.getFloat(1)).isEqualTo(1f);
      assertThatThrownBy(() -> GradientClipping.clipByGlobalNorm(List.of(a), 0))
          .hasMessageContaining("maxNorm");
    }
  }
}
