package dev.finetune.core.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each optimizer's update equals PyTorch's published update rule, checked against hand-computed
 * values and against the rule evaluated in double precision, within float32 rounding (1e-6).
 */
class OptimizerFormulaTest {

  private static final double TOLERANCE = 1e-6;
  private static final float[] W0 = {1.0f, -2.0f, 0.5f};
  private static final float[][] GRADS = {
    {0.1f, -0.3f, 0.2f}, {0.4f, 0.05f, -0.1f}, {-0.2f, 0.1f, 0.3f}
  };

  private NDManager manager;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    manager.close();
  }

  @Test
  void sgdMomentumMatchesHandComputedSteps() {
    // w = 1, g = 0.1 constant, lr 0.1, momentum 0.9: buf 0.1 -> w 0.99; buf 0.19 -> w 0.971
    NDArray w = manager.create(new float[] {1f});
    try (Optimizer sgd = Optimizers.sgd().momentum(0.9).create(manager)) {
      step(sgd, "w", w, new float[] {0.1f}, 0.1, 0);
      assertThat((double) w.getFloat(0)).isCloseTo(0.99, within(TOLERANCE));
      step(sgd, "w", w, new float[] {0.1f}, 0.1, 0);
      assertThat((double) w.getFloat(0)).isCloseTo(0.971, within(TOLERANCE));
    }
  }

  @Test
  void nesterovMatchesHandComputedSteps() {
    // step 1: buf 0.1, d = 0.1 + 0.9*0.1 = 0.19 -> w 0.981
    // step 2: buf 0.19, d = 0.1 + 0.9*0.19 = 0.271 -> w 0.9539
    NDArray w = manager.create(new float[] {1f});
    try (Optimizer sgd = Optimizers.sgd().momentum(0.9).nesterov(true).create(manager)) {
      step(sgd, "w", w, new float[] {0.1f}, 0.1, 0);
      assertThat((double) w.getFloat(0)).isCloseTo(0.981, within(TOLERANCE));
      step(sgd, "w", w, new float[] {0.1f}, 0.1, 0);
      assertThat((double) w.getFloat(0)).isCloseTo(0.9539, within(TOLERANCE));
    }
  }

  @Test
  void sgdVariantsMatchTheRuleInDouble() {
    for (boolean nesterov : new boolean[] {false, true}) {
      double momentum = 0.9;
      double lr = 0.05;
      double wd = 0.01;
      double[] w = toDouble(W0);
      double[] buf = null;
      NDArray weight = manager.create(W0.clone());
      try (Optimizer sgd =
          Optimizers.sgd().momentum(momentum).nesterov(nesterov).create(manager)) {
        for (float[] g : GRADS) {
          step(sgd, "w", weight, g, lr, wd);
          double[] d = new double[w.length];
          for (int i = 0; i < w.length; i++) {
            d[i] = g[i] + wd * w[i];
          }
          if (buf == null) {
            buf = d.clone();
          } else {
            for (int i = 0; i < w.length; i++) {
              buf[i] = momentum * buf[i] + d[i];
            }
          }
          for (int i = 0; i < w.length; i++) {
            w[i] -= lr * (nesterov ? d[i] + momentum * buf[i] : buf[i]);
          }
          assertClose(weight, w);
        }
      }
    }
  }

  @Test
  void plainSgdIsGradientDescentWithL2() {
    NDArray w = manager.create(new float[] {2f});
    try (Optimizer sgd = Optimizers.sgd().create(manager)) {
      step(sgd, "w", w, new float[] {0.5f}, 0.1, 0.1);
      // 2 - 0.1 * (0.5 + 0.1 * 2) = 1.93
      assertThat((double) w.getFloat(0)).isCloseTo(1.93, within(TOLERANCE));
      assertThat(sgd.stepCount("w")).isEqualTo(1);
    }
  }

  @Test
  void adamFirstStepMovesEachWeightByTheLearningRate() {
    // after one step m_hat = g and v_hat = g^2, so w -= lr * g / (|g| + eps) ~ lr * sign(g)
    NDArray w = manager.create(W0.clone());
    try (Optimizer adam = Optimizers.adam().create(manager)) {
      step(adam, "w", w, GRADS[0], 0.01, 0);
      assertClose(w, new double[] {0.99, -1.99, 0.49});
    }
  }

  @Test
  void adamAndAdamWMatchTheRuleInDouble() {
    for (boolean decoupled : new boolean[] {false, true}) {
      double b1 = 0.8;
      double b2 = 0.95;
      double eps = 1e-3;
      double lr = 0.02;
      double wd = 0.1;
      AdamSpec spec = (decoupled ? Optimizers.adamW() : Optimizers.adam()).betas(b1, b2).eps(eps);
      double[] w = toDouble(W0);
      double[] m = new double[w.length];
      double[] v = new double[w.length];
      NDArray weight = manager.create(W0.clone());
      try (Optimizer adam = spec.create(manager)) {
        int t = 0;
        for (float[] g : GRADS) {
          t++;
          step(adam, "w", weight, g, lr, wd);
          for (int i = 0; i < w.length; i++) {
            double grad = g[i];
            if (decoupled) {
              w[i] *= 1 - lr * wd;
            } else {
              grad += wd * w[i];
            }
            m[i] = b1 * m[i] + (1 - b1) * grad;
            v[i] = b2 * v[i] + (1 - b2) * grad * grad;
            double denom = Math.sqrt(v[i]) / Math.sqrt(1 - Math.pow(b2, t)) + eps;
            w[i] -= lr / (1 - Math.pow(b1, t)) * m[i] / denom;
          }
          assertClose(weight, w);
        }
        assertThat(adam.stepCount("w")).isEqualTo(3);
      }
    }
  }

  @Test
  void adamWDecaysDecoupledWhileAdamAddsL2ToTheGradient() {
    // zero gradient, w = 1, lr 0.01, wd 0.1:
    // AdamW: w *= 1 - 0.001 -> 0.999, then m = v = 0 -> no further move
    // Adam:  g = 0.1 * w = 0.1 -> first step moves by lr * sign(g) -> 0.99
    NDArray adamWeight = manager.create(new float[] {1f});
    NDArray adamWWeight = manager.create(new float[] {1f});
    try (Optimizer adam = Optimizers.adam().create(manager);
        Optimizer adamW = Optimizers.adamW().create(manager)) {
      step(adam, "w", adamWeight, new float[] {0f}, 0.01, 0.1);
      step(adamW, "w", adamWWeight, new float[] {0f}, 0.01, 0.1);
    }
    assertThat((double) adamWeight.getFloat(0)).isCloseTo(0.99, within(TOLERANCE));
    assertThat((double) adamWWeight.getFloat(0)).isCloseTo(0.999, within(TOLERANCE));
  }

  @Test
  void perParameterLearningRatesAreRespectedAndLrZeroLeavesTheWeightUntouched() {
    NDArray fast = manager.create(new float[] {1f, 1f});
    NDArray slow = manager.create(new float[] {1f, 1f});
    NDArray frozen = manager.create(W0.clone());
    float[] before = frozen.toFloatArray();
    try (Optimizer sgd = Optimizers.sgd().create(manager);
        Optimizer adamW = Optimizers.adamW().create(manager)) {
      float[] g = {0.5f, -0.5f};
      sgd.step(
          List.of(
              new ParameterUpdate("fast", fast, manager.create(g), 0.1, 0),
              new ParameterUpdate("slow", slow, manager.create(g), 0.01, 0)));
      assertClose(fast, new double[] {0.95, 1.05});
      assertClose(slow, new double[] {0.995, 1.005});
      for (float[] grad : GRADS) {
        step(adamW, "frozen", frozen, grad, 0, 0.01);
      }
      assertThat(frozen.toFloatArray()).containsExactly(before);
      assertThat(adamW.stepCount("frozen")).isEqualTo(3);
    }
  }

  @Test
  void aParameterFirstUpdatedLaterGetsFreshStateAndItsOwnStepCount() {
    NDArray early = manager.create(W0.clone());
    NDArray late = manager.create(W0.clone());
    try (Optimizer adam = Optimizers.adam().create(manager)) {
      step(adam, "early", early, GRADS[0], 0.01, 0);
      step(adam, "early", early, GRADS[1], 0.01, 0);
      adam.step(
          List.of(
              new ParameterUpdate("early", early, manager.create(GRADS[2]), 0.01, 0),
              new ParameterUpdate("late", late, manager.create(GRADS[0]), 0.01, 0)));
      assertThat(adam.stepCount("early")).isEqualTo(3);
      assertThat(adam.stepCount("late")).isEqualTo(1);
      assertThat(adam.parameterNames()).containsExactly("early", "late");
      // a fresh first Adam step: lr * sign(g)
      assertClose(late, new double[] {0.99, -1.99, 0.49});
    }
  }

  @Test
  void badUpdatesAreRejectedWithTheParameterName() {
    NDArray w = manager.create(W0.clone());
    NDArray g = manager.create(GRADS[0]);
    try (Optimizer adam = Optimizers.adam().create(manager)) {
      assertThatThrownBy(
              () ->
                  adam.step(
                      List.of(
                          new ParameterUpdate("w", w, g, 0.1, 0),
                          new ParameterUpdate("w", w, g, 0.1, 0))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'w' appears twice");
      assertThatThrownBy(
              () -> new ParameterUpdate("enc.bias", w, manager.create(new float[] {1f}), 0.1, 0))
          .hasMessageContaining("enc.bias")
          .hasMessageContaining("shape");
      assertThatThrownBy(() -> new ParameterUpdate("enc.bias", w, g, -1, 0))
          .hasMessageContaining("learning rate");
      assertThatThrownBy(() -> new ParameterUpdate("enc.bias", w, null, 0.1, 0))
          .hasMessageContaining("no gradient");
      step(adam, "w", w, GRADS[0], 0.1, 0);
      NDArray other = manager.create(new float[] {1f, 2f});
      assertThatThrownBy(() -> step(adam, "w", other, new float[] {1f, 1f}, 0.1, 0))
          .hasMessageContaining("optimizer state of parameter 'w' has shape");
    }
    assertThatThrownBy(() -> Optimizers.sgd().nesterov(true).create(manager))
        .hasMessageContaining("momentum");
  }

  @Test
  void specsAreValuesWithTorchDefaults() {
    assertThat(Optimizers.adamW())
        .isEqualTo(new AdamSpec(0.9, 0.999, 1e-8, 0.01, true))
        .hasSameHashCodeAs(new AdamSpec(0.9, 0.999, 1e-8, 0.01, true));
    assertThat(Optimizers.adam().weightDecay()).isZero();
    assertThat(Optimizers.sgd().momentum(0.9).nesterov(true).algorithm()).isEqualTo("nesterov");
    assertThat(Optimizers.adamW().weightDecay(0.05).toString()).contains("weightDecay=0.05");
    assertThatThrownBy(() -> Optimizers.adam().betas(1.0, 0.9)).hasMessageContaining("betas");
  }

  @Test
  void sgdUsesTheMomentumGivenWithTheStep() {
    // spec momentum 0.9, but step 2 gives 0.5 (as OneCycleLR would):
    // buf 0.1 -> w 0.99; buf 0.5 * 0.1 + 0.1 = 0.15 -> w 0.975 (0.971 with 0.9)
    NDArray w = manager.create(new float[] {1f});
    try (Optimizer sgd = Optimizers.sgd().momentum(0.9).create(manager);
        NDArray g = manager.create(new float[] {0.1f})) {
      sgd.step(List.of(new ParameterUpdate("w", w, g, 0.1, 0).withMomentum(0.95)));
      assertThat((double) w.getFloat(0)).isCloseTo(0.99, within(TOLERANCE));
      sgd.step(List.of(new ParameterUpdate("w", w, g, 0.1, 0).withMomentum(0.5)));
      assertThat((double) w.getFloat(0)).isCloseTo(0.975, within(TOLERANCE));
    }
  }

  @Test
  void adamUsesTheBeta1GivenWithEachStepAsTorchDoes() {
    // beta1 changes every step (OneCycleLR's 0.95 -> 0.85 -> 0.9); torch's bias correction uses
    // the step's beta1: 1 - beta1_t ^ t. The spec's own beta1 (0.5) is not used.
    double[] beta1s = {0.95, 0.85, 0.9};
    double b2 = 0.999;
    double eps = 1e-8;
    double lr = 0.01;
    double wd = 0.1;
    double[] w = toDouble(W0);
    double[] m = new double[w.length];
    double[] v = new double[w.length];
    NDArray weight = manager.create(W0.clone());
    try (Optimizer adamW = Optimizers.adamW().betas(0.5, b2).eps(eps).create(manager)) {
      for (int t = 1; t <= GRADS.length; t++) {
        double b1 = beta1s[t - 1];
        float[] g = GRADS[t - 1];
        try (NDArray gradient = manager.create(g)) {
          adamW.step(List.of(new ParameterUpdate("w", weight, gradient, lr, wd).withMomentum(b1)));
        }
        for (int i = 0; i < w.length; i++) {
          w[i] *= 1 - lr * wd;
          m[i] = b1 * m[i] + (1 - b1) * g[i];
          v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
          double denom = Math.sqrt(v[i]) / Math.sqrt(1 - Math.pow(b2, t)) + eps;
          w[i] -= lr / (1 - Math.pow(b1, t)) * m[i] / denom;
        }
        assertClose(weight, w);
      }
    }
  }

  @Test
  void aCycledMomentumNeedsAnSgdWithMomentumAndAValueBelowOne() {
    NDArray w = manager.create(new float[] {1f});
    try (Optimizer plain = Optimizers.sgd().create(manager);
        NDArray g = manager.create(new float[] {0.1f})) {
      assertThatThrownBy(() -> plain.step(
              List.of(new ParameterUpdate("w", w, g, 0.1, 0).withMomentum(0.9))))
          .hasMessageContaining("this SGD has momentum 0")
          .hasMessageContaining("cycle_momentum=False");
      plain.step(List.of(new ParameterUpdate("w", w, g, 0.1, 0).withMomentum(0)));
      assertThat((double) w.getFloat(0)).isCloseTo(0.99, within(TOLERANCE));
      assertThatThrownBy(() -> new ParameterUpdate("w", w, g, 0.1, 0).withMomentum(1.0))
          .hasMessageContaining("momentum (beta1) of parameter 'w' must be in [0, 1)");
    }
  }

  static void step(Optimizer optimizer, String name, NDArray w, float[] g, double lr, double wd) {
    try (NDArray gradient = w.getManager().create(g)) {
      optimizer.step(List.of(new ParameterUpdate(name, w, gradient, lr, wd)));
    }
  }

  static void assertClose(NDArray actual, double[] expected) {
    float[] values = actual.toFloatArray();
    assertThat(values).hasSize(expected.length);
    for (int i = 0; i < expected.length; i++) {
      assertThat((double) values[i]).as("element %d", i).isCloseTo(expected[i], within(TOLERANCE));
    }
  }

  private static double[] toDouble(float[] values) {
    double[] result = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      result[i] = values[i];
    }
    return result;
  }
}
