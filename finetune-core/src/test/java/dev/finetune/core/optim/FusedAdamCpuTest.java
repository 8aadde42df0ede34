package dev.finetune.core.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The one-pass CPU update gives what the eager-op update gives (both follow torch's rule, checked
 * against doubles in {@link OptimizerFormulaTest}), across parallel tasks and partial tiles, and
 * never writes into a copy when a parameter is a non-contiguous view.
 */
class FusedAdamCpuTest {

  /**
   * Both paths round in float32, so they may differ in the last bits: relative 1e-5, plus an
   * absolute 1e-8 (a few ulps of weights of size 0.02) where the step cancels most of a weight.
   * A wrong term would show as an error near the step size (1e-3).
   */
  private static final double RELATIVE = 1e-5;
  private static final double ABSOLUTE = 1e-8;

  private final NDManager manager = NDManager.newBaseManager(); // JUnit: one instance per test

  @AfterEach
  void releaseArrays() {
    manager.close();
  }

  @Test
  void fusedAndEagerUpdatesAgreeOverSeveralTasksAndAPartialTile() {
    // 2.5 tasks of 65,536 plus a tail that is not a multiple of the tile
    int n = FusedAdamCpu.TASK * 2 + FusedAdamCpu.TASK / 2 + 77;
    Random random = new Random(11);
    float[] w0 = gaussian(random, n, 0.02f);
    float[][] grads = {gaussian(random, n, 1e-3f), gaussian(random, n, 5e-3f),
        gaussian(random, n, 2e-4f), gaussian(random, n, 1e-3f)};
    double[] lrs = {1e-3, 5e-4, 0, 2e-3}; // lr 0 moves the moments only
    double[] beta1s = {0.95, 0.9, 0.85, 0.9}; // as OneCycleLR cycles them
    for (AdamSpec spec : List.of(
        Optimizers.adamW().eps(1e-8), Optimizers.adam().betas(0.8, 0.99).eps(1e-6))) {
      NDArray fusedWeight = manager.create(w0.clone());
      NDArray eagerWeight = manager.create(w0.clone());
      try (AdamOptimizer fused = new AdamOptimizer(spec, manager, true);
          AdamOptimizer eager = new AdamOptimizer(spec, manager, false)) {
        for (int t = 0; t < grads.length; t++) {
          try (NDArray g = manager.create(grads[t])) {
            assertThat(FusedAdamCpu.supports(fusedWeight, g, fusedWeight, fusedWeight)).isTrue();
            fused.step(List.of(
                new ParameterUpdate("w", fusedWeight, g, lrs[t], 0.1).withMomentum(beta1s[t])));
            eager.step(List.of(
                new ParameterUpdate("w", eagerWeight, g, lrs[t], 0.1).withMomentum(beta1s[t])));
          }
          assertAgree(fusedWeight.toFloatArray(), eagerWeight.toFloatArray(), spec + " step " + t);
        }
      }
      assertThat(fusedWeight.toFloatArray()).isNotEqualTo(w0);
    }
  }

  @Test
  void aNonContiguousParameterIsUpdatedInPlaceThroughEagerOps() {
    float[] values = {1f, -2f, 0.5f, 3f, -1f, 0.25f};
    NDArray base = manager.create(values, new Shape(2, 3));
    NDArray view = base.transpose(); // a 3 x 2 view of base's memory, not contiguous
    float[] g = {0.1f, -0.3f, 0.2f, 0.4f, 0.05f, -0.1f};
    try (NDArray gradient = manager.create(g, new Shape(3, 2));
        Optimizer adamW = Optimizers.adamW().create(manager)) {
      assertThat(FusedAdamCpu.supports(view, gradient, gradient, gradient)).isFalse();
      adamW.step(List.of(new ParameterUpdate("w", view, gradient, 0.01, 0)));
    }
    // first Adam step: w -= lr * sign(g); the view's (i, j) is base's (j, i)
    float[] expectedView = {1f, 3f, -2f, -1f, 0.5f, 0.25f};
    float[] updated = view.toFloatArray();
    float[] baseAfter = base.toFloatArray();
    for (int i = 0; i < 6; i++) {
      double moved = expectedView[i] - 0.01 * Math.signum(g[i]);
      assertThat((double) updated[i]).as("view element %d", i).isCloseTo(moved, within(1e-6));
    }
    assertThat((double) baseAfter[1]).as("base (0, 1) = view (1, 0)")
        .isCloseTo(expectedView[2] - 0.01 * Math.signum(g[2]), within(1e-6));
  }

  @Test
  void otherTypesAreLeftToEagerOps() {
    NDArray doubles = manager.zeros(new Shape(4), DataType.FLOAT64);
    NDArray floats = manager.zeros(new Shape(4));
    NDArray longer = manager.zeros(new Shape(5));
    assertThat(FusedAdamCpu.supports(floats, floats, floats, floats)).isTrue();
    assertThat(FusedAdamCpu.supports(doubles, doubles, doubles, doubles)).isFalse();
    assertThat(FusedAdamCpu.supports(floats, longer, floats, floats)).isFalse();
  }

  private static void assertAgree(float[] actual, float[] expected, String what) {
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

  private static float[] gaussian(Random random, int n, float std) {
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = (float) random.nextGaussian() * std;
    }
    return values;
  }
}
