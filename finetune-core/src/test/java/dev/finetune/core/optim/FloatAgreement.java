package dev.finetune.core.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Random;

/**
 * What the one-pass and eager-op updates are compared with. Both paths round in float32, so they
 * may differ in the last bits: relative 1e-5, plus an absolute 1e-8 (a few ulps of weights of size
 * 0.02) where a step cancels most of a weight. A wrong term shows as an error near the step size.
 */
final class FloatAgreement {

  static final double RELATIVE = 1e-5;
  static final double ABSOLUTE = 1e-8;

  private FloatAgreement() {}

  /** Fails at the element that is furthest outside the tolerance, naming it. */
  static void assertAgree(float[] actual, float[] expected, String what) {
    assertThat(actual).hasSameSizeAs(expected);
    int worst = 0;
    double worstError = -1;
    for (int i = 0; i < actual.length; i++) {
      double error =
          Math.abs(actual[i] - expected[i]) / (RELATIVE * Math.abs(expected[i]) + ABSOLUTE);
      if (error > worstError) {
        worstError = error;
        worst = i;
      }
    }
    assertThat((double) actual[worst]).as("%s, element %d", what, worst)
        .isCloseTo(expected[worst], within(RELATIVE * Math.abs(expected[worst]) + ABSOLUTE));
  }

  /** n seeded normal values of standard deviation std. */
  static float[] gaussian(Random random, int n, float std) {
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = (float) random.nextGaussian() * std;
    }
    return values;
  }

  /** 2.5 parallel tasks plus a tail that is not a multiple of the tile. */
  static int severalTasksAndAPartialTile() {
    return CpuFloatPass.TASK * 2 + CpuFloatPass.TASK / 2 + 77;
  }

  /**
   * Steps a one-pass and an eager-op optimizer side by side from the same weights, step t with
   * learning rate {@code lrs[t]}, momentum (or beta1) {@code momenta[t]} and gradient
   * {@code grads[t]}, and checks after every step that the weights agree and at the end that they
   * moved.
   */
  static void assertOnePassMatchesEager(NDManager manager, Optimizer onePass, Optimizer eager,
      float[] w0, float[][] grads, double[] lrs, double[] momenta, double weightDecay,
      String what) {
    NDArray onePassWeight = manager.create(w0.clone());
    NDArray eagerWeight = manager.create(w0.clone());
    for (int t = 0; t < grads.length; t++) {
      try (NDArray g = manager.create(grads[t])) {
        assertThat(CpuFloatPass.supports(onePassWeight, g)).isTrue();
        onePass.step(List.of(new ParameterUpdate("w", onePassWeight, g, lrs[t], weightDecay)
            .withMomentum(momenta[t])));
        eager.step(List.of(new ParameterUpdate("w", eagerWeight, g, lrs[t], weightDecay)
            .withMomentum(momenta[t])));
      }
      assertAgree(onePassWeight.toFloatArray(), eagerWeight.toFloatArray(), what + " step " + t);
    }
    assertThat(onePassWeight.toFloatArray()).as(what + ": the weights moved").isNotEqualTo(w0);
  }
}
