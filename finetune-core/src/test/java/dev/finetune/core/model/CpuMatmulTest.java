package dev.finetune.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The two libraries for float32 linear layers on the CPU ({@link Devices#cpuMatmul()}, system
 * property {@code finetune.cpu.matmul}): oneDNN through {@link CpuKernels#linear} and libtorch's
 * MKL give the same logits and the same gradients within float rounding (1e-5 relative), through
 * the backward of a whole encoder; an unknown value names the property.
 */
class CpuMatmulTest {

  /** Logits and every parameter's gradient after one training forward and backward. */
  private static float[][] step() {
    try (SequenceClassifier model = SequenceClassifier.randomInit(
            InferenceLayerTest.config(InferenceLayerTest.Family.BERT, HiddenActivation.GELU), 3,
            Pooling.CLS_POOLER, 7, Device.cpu());
        NDManager m = model.manager().newSubManager()) {
      NDList in = InferenceLayerTest.batch(m, 0, true);
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray logits = model.forward(in, true).singletonOrThrow();
        float[] values = logits.toFloatArray();
        collector.backward(logits.mul(logits).sum());
        EncoderLayer layer = model.encoder().layer(1);
        return new float[][] {values,
            layer.query().weight().getArray().getGradient().toFloatArray(),
            layer.intermediate().bias().orElseThrow().getArray().getGradient().toFloatArray(),
            model.encoder().embeddings().wordEmbeddings().getArray().getGradient().toFloatArray()};
      }
    }
  }

  private static <T> T with(String value, Supplier<T> body) {
    String before = System.getProperty(Devices.CPU_MATMUL_PROPERTY);
    System.setProperty(Devices.CPU_MATMUL_PROPERTY, value);
    try {
      return body.get();
    } finally {
      if (before == null) {
        System.clearProperty(Devices.CPU_MATMUL_PROPERTY);
      } else {
        System.setProperty(Devices.CPU_MATMUL_PROPERTY, before);
      }
    }
  }

  @Test
  void oneDnnAndMklGiveTheSameLogitsAndGradients() {
    assertThat(with("onednn", Devices::cpuMatmul)).isEqualTo("onednn"); // compiles here
    assertThat(with("mkl", Devices::cpuMatmul)).isEqualTo("mkl");
    float[][] onednn = with("onednn", CpuMatmulTest::step);
    float[][] mkl = with("mkl", CpuMatmulTest::step);
    String[] what = {"logits", "query weight gradient", "intermediate bias gradient",
        "word embedding gradient"};
    for (int i = 0; i < what.length; i++) {
      double scale = 0;
      for (float v : mkl[i]) {
        scale = Math.max(scale, Math.abs(v));
      }
      assertThat(scale).as(what[i]).isGreaterThan(0);
      assertThat(TinyFixtures.maxAbsDiff(onednn[i], mkl[i]) / scale).as(what[i])
          .isLessThan(1e-5);
    }
  }

  @Test
  void anUnknownValueNamesTheProperty() {
    assertThatThrownBy(() -> with("openblas", Devices::cpuMatmul))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("system property finetune.cpu.matmul=openblas is not one of auto, onednn,"
            + " mkl");
  }
}
