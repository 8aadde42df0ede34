package dev.finetune.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Dropout masks drawn in Java: the right rate and scale, reproducible, and dropout's gradient. */
class DropoutMasksTest {

  @Test
  void dropsAboutTheRateAndScalesTheRest() {
    try (NDManager m = NDManager.newBaseManager()) {
      for (float rate : new float[] {0.1f, 0.5f}) {
        float[] mask = DropoutMasks.scaledKeep(m, new Shape(1000, 1000), rate, 7).toFloatArray();
        float keep = 1f / (1f - rate);
        long dropped = 0;
        for (float v : mask) {
          assertThat(v == 0f || v == keep).as("value %s", v).isTrue();
          dropped += v == 0f ? 1 : 0;
        }
        // binomial std over 1e6 draws is at most 0.0005; allow 4 std
        assertThat(dropped / 1e6).isCloseTo(rate, within(0.002));
      }
    }
  }

  @Test
  void aSeedGivesOneMaskMadeOfFixedChunksWhateverTheCores() {
    int n = 3 * DropoutMasks.CHUNK + 5;
    float rate = 0.25f;
    float[] expected = new float[n];
    SplittableRandom root = new SplittableRandom(42);
    for (int c = 0; c * DropoutMasks.CHUNK < n; c++) {
      SplittableRandom random = root.split();
      for (int i = c * DropoutMasks.CHUNK; i < Math.min(n, (c + 1) * DropoutMasks.CHUNK); i++) {
        expected[i] = Integer.toUnsignedLong(random.nextInt()) < (1L << 30) ? 0f : 1f / 0.75f;
      }
    }
    try (NDManager m = NDManager.newBaseManager()) {
      assertThat(DropoutMasks.scaledKeep(m, new Shape(n), rate, 42).toFloatArray())
          .containsExactly(expected);
      assertThat(DropoutMasks.scaledKeep(m, new Shape(n), rate, 43).toFloatArray())
          .isNotEqualTo(expected);
    }
  }

  @Test
  void dropoutIsTheMaskTimesTheInputAndSoIsItsGradient() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.randomUniform(1f, 2f, new Shape(64, 100));
      x.setRequiresGradient(true);
      ForwardContext ctx = new ForwardContext(new ParameterStore(m, false), x.getDevice(), true, m);
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray y = ctx.dropout(x, 0.2f);
        collector.backward(y.sum());
        float[] in = x.toFloatArray();
        float[] out = y.toFloatArray();
        float[] grad = x.getGradient().toFloatArray();
        for (int i = 0; i < in.length; i++) {
          boolean dropped = out[i] == 0f;
          assertThat(dropped || out[i] == in[i] * 1.25f).as("element %d: %s", i, out[i]).isTrue();
          assertThat(grad[i]).isEqualTo(dropped ? 0f : 1.25f);
        }
        // mean is kept: E[y] = E[x] within sampling error
        assertThat(y.mean().getFloat() / x.mean().getFloat()).isCloseTo(1f, within(0.05f));
      }
    }
  }

  @Test
  void rateOneZeroesAndEvaluationLeavesTheInput() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.ones(new Shape(4, 4));
      ParameterStore store = new ParameterStore(m, false);
      assertThat(new ForwardContext(store, x.getDevice(), true, m).dropout(x, 1f).sum().getFloat())
          .isZero();
      assertThat(new ForwardContext(store, x.getDevice(), false, m).dropout(x, 0.5f)).isSameAs(x);
      assertThatThrownBy(() -> DropoutMasks.scaledKeep(m, new Shape(2), 1f, 1))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(0, 1)");
    }
  }

  @Test
  void theDevicePathIsSeededWithTheRightRateAndScaleInTheInputsType() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.ones(new Shape(1000, 1000));
      for (float rate : new float[] {0.1f, 0.5f}) {
        float[] mask = DropoutMasks.onDevice(m, x, rate, 7).toFloatArray();
        float keep = 1f / (1f - rate);
        long dropped = 0;
        for (float v : mask) {
          assertThat(v == 0f || v == keep).as("value %s", v).isTrue();
          dropped += v == 0f ? 1 : 0;
        }
        assertThat(dropped / 1e6).isCloseTo(rate, within(0.002));
        assertThat(DropoutMasks.onDevice(m, x, rate, 7).toFloatArray()).isEqualTo(mask);
        assertThat(DropoutMasks.onDevice(m, x, rate, 8).toFloatArray()).isNotEqualTo(mask);
      }
      NDArray half = m.ones(new Shape(8, 8), DataType.FLOAT16);
      NDArray mask = DropoutMasks.onDevice(m, half, 0.5f, 3);
      assertThat(mask.getDataType()).isEqualTo(DataType.FLOAT16);
      assertThat(mask.getDevice()).isEqualTo(half.getDevice());
      assertThatThrownBy(() -> DropoutMasks.onDevice(m, x, 0f, 1))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(0, 1)");
    }
  }

  @Test
  void aPropertySendsCpuDropoutToTheDevicePathAndAnUnknownValueIsNamed() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.ones(new Shape(300, 300));
      ParameterStore store = new ParameterStore(m, false);
      assertThat(DropoutMasks.supports(x, 0.3f)).isTrue();
      System.setProperty(DropoutMasks.PATH_PROPERTY, "device");
      try {
        assertThat(DropoutMasks.supports(x, 0.3f)).isFalse();
        Engine.getInstance().setRandomSeed(4);
        float[] first = new ForwardContext(store, x.getDevice(), true, m).dropout(x, 0.3f).toFloatArray();
        Engine.getInstance().setRandomSeed(4);
        float[] again = new ForwardContext(store, x.getDevice(), true, m).dropout(x, 0.3f).toFloatArray();
        assertThat(again).isEqualTo(first);
        long dropped = 0;
        for (float v : first) {
          dropped += v == 0f ? 1 : 0;
        }
        assertThat(dropped / 90000.0).isCloseTo(0.3, within(0.01));
        System.setProperty(DropoutMasks.PATH_PROPERTY, "gpu");
        assertThatThrownBy(() -> DropoutMasks.supports(x, 0.3f))
            .hasMessageContaining("-Dfinetune.dropout=gpu is unknown; use java");
      } finally {
        System.clearProperty(DropoutMasks.PATH_PROPERTY);
      }
    }
  }
}
