package dev.finetune.core.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Random;

/**
 * What the one-pass and the device-generic updates are compared with. Both paths round in
 * float32, so they may differ in the last bits: relative 1e-5, plus an absolute 5e-8 where a step
 * cancels most of a weight (the generic Adam path is DJL's native call, eight separately rounded
 * libtorch ops with eps folded into the bias correction: up to about ten ulps of a weight of size
 * 0.02, ulp 1.9e-9, after four steps). A wrong term shows as an error near the step size (1e-3).
 */
final class FloatAgreement {

  static final double RELATIVE = 1e-5;
  static final double ABSOLUTE = 5e-8;

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
   * Steps a one-pass and a device-generic optimizer side by side from the same weights, step t with
   * learning rate {@code lrs[t]}, momentum (or beta1) {@code momenta[t]} and gradient
   * {@code grads[t]}, and checks after every step that the weights agree and at the end that they
   * moved.
   */
  static void assertOnePassMatchesGeneric(NDManager manager, Optimizer onePass, Optimizer generic,
      float[] w0, float[][] grads, double[] lrs, double[] momenta, double weightDecay,
      String what) {
    NDArray onePassWeight = manager.create(w0.clone());
    NDArray genericWeight = manager.create(w0.clone());
    for (int t = 0; t < grads.length; t++) {
      try (NDArray g = manager.create(grads[t])) {
        assertThat(CpuFloatPass.supports(onePassWeight, g)).isTrue();
        onePass.step(List.of(new ParameterUpdate("w", onePassWeight, g, lrs[t], weightDecay)
            .withMomentum(momenta[t])));
        generic.step(List.of(new ParameterUpdate("w", genericWeight, g, lrs[t], weightDecay)
            .withMomentum(momenta[t])));
      }
      assertAgree(onePassWeight.toFloatArray(), genericWeight.toFloatArray(), what + " step " + t);
    }
    assertThat(onePassWeight.toFloatArray()).as(what + ": the weights moved").isNotEqualTo(w0);
  }
}
