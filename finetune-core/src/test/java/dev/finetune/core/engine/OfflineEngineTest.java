package dev.finetune.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/** The PyTorch engine starts from Maven artifacts alone and its autograd agrees with calculus. */
class OfflineEngineTest {

  @Test
  void engineIsPyTorchAndOffline() {
    assertThat(System.getProperty("ai.djl.offline")).isEqualTo("true");
    Engine engine = Engine.getInstance();
    assertThat(engine.getEngineName()).isEqualTo("PyTorch");
    assertThat(engine.getVersion()).startsWith("2.7.1");
  }

  @Test
  void autogradMatchesFiniteDifferences() {
    // f(x) = sum(tanh(W x) ^ 2); df/dx = W^T (2 tanh(Wx) (1 - tanh(Wx)^2))
    float[] w = {0.3f, -1.2f, 0.7f, 0.5f, 0.1f, -0.4f};
    float[] x = {0.9f, -0.3f, 0.25f};
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray weight = manager.create(w, new ai.djl.ndarray.types.Shape(2, 3));
      NDArray input = manager.create(x);
      input.setRequiresGradient(true);
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray y = weight.matMul(input).tanh().square().sum();
        collector.backward(y);
      }
      float[] grad = input.getGradient().toFloatArray();
      double eps = 1e-3;
      for (int i = 0; i < x.length; i++) {
        double[] plus = toDouble(x);
        double[] minus = toDouble(x);
        plus[i] += eps;
        minus[i] -= eps;
        double numeric = (f(w, plus) - f(w, minus)) / (2 * eps);
        assertThat((double) grad[i]).isCloseTo(numeric, within(1e-4));
      }
      // and the closed form
      double[] analytic = new double[3];
      for (int r = 0; r < 2; r++) {
        double z = 0;
        for (int c = 0; c < 3; c++) {
          z += w[r * 3 + c] * x[c];
        }
        double t = Math.tanh(z);
        for (int c = 0; c < 3; c++) {
          analytic[c] += w[r * 3 + c] * 2 * t * (1 - t * t);
        }
      }
      for (int i = 0; i < 3; i++) {
        assertThat((double) grad[i]).isCloseTo(analytic[i], within(1e-5));
      }
    }
  }

  private static double f(float[] w, double[] x) {
    double sum = 0;
    for (int r = 0; r < 2; r++) {
      double z = 0;
      for (int c = 0; c < 3; c++) {
        z += w[r * 3 + c] * x[c];
      }
      double t = Math.tanh(z);
      sum += t * t;
    }
    return sum;
  }

  private static double[] toDouble(float[] values) {
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }
}
