package dev.finetune.core.optim;

import static dev.finetune.core.optim.FloatAgreement.gaussian;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The device-generic updates (the path every non-CPU tensor takes: DJL's native {@code
 * adamUpdate}, its native SGD without momentum, in-place ops with momentum), forced on the CPU,
 * give the one-pass CPU updates' weights within 1e-6 over several steps of a small model's
 * worth of parameters: AdamW with weight decay and bias correction (and Adam with L2), SGD with
 * momentum, Nesterov and weight decay, each step's gradients clipped by global norm first as the
 * trainer does, with a changing learning rate. So CI runs the GPU's optimizer code.
 */
class DeviceGenericUpdateTest {

  /** Agreement of the two paths' weights (size ~0.05) after every step. */
  private static final double TOLERANCE = 1e-6;

  private static final int STEPS = 6;
  private static final double[] LRS = {1e-3, 2e-3, 3e-3, 2e-3, 0, 1e-3}; // warm-up, decay, lr 0
  private static final int[] SIZES = {3 * 64 * 64 + 5, 64, 1000}; // a weight, a bias, a head

  private final NDManager manager = NDManager.newBaseManager(); // JUnit: one instance per test

  @AfterEach
  void releaseArrays() {
    manager.close();
  }

  @Test
  void adamWAndAdamGiveTheOnePassWeights() {
    for (AdamSpec spec : List.of(Optimizers.adamW().weightDecay(0.01),
        Optimizers.adam().betas(0.8, 0.99).eps(1e-6).weightDecay(0.05))) {
      assertSameWeights(spec.toString(),
          (m, onePass) -> new AdamOptimizer(spec, m, onePass));
    }
  }

  @Test
  void sgdWithMomentumNesterovAndDecayGivesTheOnePassWeights() {
    for (SgdSpec spec : List.of(Optimizers.sgd().weightDecay(0.01),
        Optimizers.sgd().momentum(0.9).weightDecay(0.01),
        Optimizers.sgd().momentum(0.9).nesterov(true).weightDecay(0.01))) {
      assertSameWeights(spec.toString(), (m, onePass) -> new SgdOptimizer(spec, m, onePass));
    }
  }

  @Test
  void theGenericPathLeavesNoArrayOpenAfterAStep() {
    try (NDManager weights = manager.newSubManager();
        Optimizer adamW = new AdamOptimizer(Optimizers.adamW(), manager, false);
        Optimizer sgd = new SgdOptimizer(Optimizers.sgd().momentum(0.9).nesterov(true)
            .weightDecay(0.01), manager, false)) {
      Random random = new Random(3);
      NDArray a = weights.create(gaussian(random, 500, 0.05f));
      NDArray b = weights.create(gaussian(random, 500, 0.05f));
      NDArray g = weights.create(gaussian(random, 500, 0.01f));
      for (int step = 0; step < 3; step++) {
        adamW.step(List.of(new ParameterUpdate("a", a, g, 1e-3, 0.01)));
        sgd.step(List.of(new ParameterUpdate("b", b, g, 1e-2, 0.01)));
        assertThat(weights.getManagedArrays()).as("step %d", step).hasSize(3);
      }
    }
  }

  /**
   * Steps a one-pass and a generic optimizer from the same weights with the same gradients,
   * clipped to global norm 1.0 (their norms, about 0.6, 1.7 and 2.9 in turn, are clipped on some
   * steps only).
   */
  private void assertSameWeights(String what, BiFunction<NDManager, Boolean, Optimizer> factory) {
    Random random = new Random(17);
    List<NDArray> onePassWeights = new ArrayList<>();
    List<NDArray> genericWeights = new ArrayList<>();
    for (int size : SIZES) {
      float[] w0 = gaussian(random, size, 0.05f);
      onePassWeights.add(manager.create(w0.clone()));
      genericWeights.add(manager.create(w0.clone()));
    }
    float[] first = onePassWeights.get(0).toFloatArray();
    boolean clipped = false;
    boolean unclipped = false;
    try (Optimizer onePass = factory.apply(manager, true);
        Optimizer generic = factory.apply(manager, false)) {
      for (int t = 0; t < STEPS; t++) {
        try (NDManager step = manager.newSubManager()) {
          List<NDArray> g1 = new ArrayList<>();
          List<NDArray> g2 = new ArrayList<>();
          for (int size : SIZES) {
            float[] g = gaussian(random, size, (float) (0.01 * (t % 3 + 0.5)));
            g1.add(step.create(g.clone()));
            g2.add(step.create(g));
          }
          double norm = GradientClipping.clipByGlobalNorm(g1, 1.0);
          GradientClipping.clipByGlobalNorm(g2, 1.0);
          clipped |= norm > 1.0;
          unclipped |= norm < 1.0;
          onePass.step(updates(onePassWeights, g1, LRS[t]));
          generic.step(updates(genericWeights, g2, LRS[t]));
        }
        for (int p = 0; p < SIZES.length; p++) {
          float[] expected = onePassWeights.get(p).toFloatArray();
          float[] actual = genericWeights.get(p).toFloatArray();
          for (int i = 0; i < expected.length; i++) {
            if (Math.abs(actual[i] - expected[i]) > TOLERANCE) {
              assertThat((double) actual[i]).as("%s step %d parameter %d element %d", what, t, p, i)
                  .isCloseTo(expected[i], within(TOLERANCE));
            }
          }
        }
      }
    }
    assertThat(clipped && unclipped).as(what + ": some steps were clipped, some not").isTrue();
    assertThat(genericWeights.get(0).toFloatArray()).as(what + ": the weights moved")
        .isNotEqualTo(first);
  }

  private static List<ParameterUpdate> updates(List<NDArray> weights, List<NDArray> gradients,
      double lr) {
    List<ParameterUpdate> updates = new ArrayList<>();
    for (int p = 0; p < weights.size(); p++) {
      updates.add(new ParameterUpdate("p" + p, weights.get(p), gradients.get(p), lr, 0.01));
    }
    return updates;
  }
}
