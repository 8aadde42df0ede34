package dev.finetune.core.optim;

import static dev.finetune.core.optim.FloatAgreement.assertOnePassMatchesGeneric;
import static dev.finetune.core.optim.FloatAgreement.gaussian;
import static dev.finetune.core.optim.FloatAgreement.severalTasksAndAPartialTile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The one-pass CPU updates ({@link FusedAdamCpu}, {@link FusedSgdCpu}) give what the
 * device-generic updates (native and generic ops, the path of GPU tensors) give (both follow torch's rules, checked against hand-computed values in
 * {@link OptimizerFormulaTest}) across parallel tasks and partial tiles, with weight decay, a
 * cycled beta1 / momentum and a step at lr 0, and never write into a copy when a parameter is a
 * non-contiguous view.
 */
class OnePassUpdateTest {

  private static final double[] CYCLED = {0.95, 0.9, 0.85, 0.9}; // as OneCycleLR cycles them

  private final NDManager manager = NDManager.newBaseManager(); // JUnit: one instance per test

  @AfterEach
  void releaseArrays() {
    manager.close();
  }

  @Test
  void adamAndAdamWAgreeWithTheGenericPath() {
    Random random = new Random(11);
    float[] w0 = gaussian(random, severalTasksAndAPartialTile(), 0.02f);
    float[][] grads = gradients(random, w0.length, 1e-3f, 5e-3f, 2e-4f, 1e-3f);
    double[] lrs = {1e-3, 5e-4, 0, 2e-3}; // lr 0 moves the moments only
    for (AdamSpec spec : List.of(
        Optimizers.adamW().eps(1e-8), Optimizers.adam().betas(0.8, 0.99).eps(1e-6))) {
      try (AdamOptimizer fused = new AdamOptimizer(spec, manager, true);
          AdamOptimizer generic = new AdamOptimizer(spec, manager, false)) {
        assertOnePassMatchesGeneric(manager, fused, generic, w0, grads, lrs, CYCLED, 0.1, spec.toString());
      }
    }
  }

  @Test
  void sgdWithAndWithoutMomentumAgreesWithTheGenericPath() {
    Random random = new Random(5);
    float[] w0 = gaussian(random, severalTasksAndAPartialTile(), 0.02f);
    float[][] grads = gradients(random, w0.length, 1e-2f, 3e-2f, 5e-3f, 1e-2f);
    double[] lrs = {0.01, 0.02, 0, 0.005}; // lr 0 moves the buffer only
    for (SgdSpec spec : List.of(Optimizers.sgd(), Optimizers.sgd().momentum(0.9),
        Optimizers.sgd().momentum(0.9).nesterov(true))) {
      double[] momenta = spec.momentum() == 0 ? new double[grads.length] : CYCLED;
      try (SgdOptimizer fused = new SgdOptimizer(spec, manager, true);
          SgdOptimizer generic = new SgdOptimizer(spec, manager, false)) {
        assertOnePassMatchesGeneric(manager, fused, generic, w0, grads, lrs, momenta, 0.01, spec.toString());
      }
    }
  }

  @Test
  void adamUpdatesANonContiguousParameterInPlaceThroughTheGenericPath() {
    float[] values = {1f, -2f, 0.5f, 3f, -1f, 0.25f};
    NDArray base = manager.create(values, new Shape(2, 3));
    NDArray view = base.transpose(); // a 3 x 2 view of base's memory, not contiguous
    float[] g = {0.1f, -0.3f, 0.2f, 0.4f, 0.05f, -0.1f};
    try (NDArray gradient = manager.create(g, new Shape(3, 2));
        Optimizer adamW = Optimizers.adamW().create(manager)) {
      assertThat(CpuFloatPass.supports(view, gradient, gradient, gradient)).isFalse();
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
  void sgdUpdatesANonContiguousParameterInPlaceThroughTheGenericPath() {
    NDArray base = manager.create(new float[] {1f, -2f, 0.5f, 3f, -1f, 0.25f}, new Shape(2, 3));
    NDArray view = base.transpose(); // 3 x 2, view (i, j) = base (j, i)
    float[] g = {0.1f, -0.3f, 0.2f, 0.4f, 0.05f, -0.1f};
    float[] before = view.toFloatArray();
    try (NDArray gradient = manager.create(g, new Shape(3, 2));
        Optimizer sgd = Optimizers.sgd().momentum(0.9).nesterov(true).create(manager)) {
      // two steps, so the second runs with a momentum buffer: where the one-pass path would apply
      sgd.step(List.of(new ParameterUpdate("w", view, gradient, 0.1, 0)));
      sgd.step(List.of(new ParameterUpdate("w", view, gradient, 0.1, 0)));
    }
    float[] after = view.toFloatArray();
    for (int i = 0; i < 6; i++) {
      // step 1: buf = g, w -= 0.1 (g + 0.9 g); step 2: buf = 1.9 g, w -= 0.1 (g + 0.9 * 1.9 g)
      double expected = before[i] - 0.1 * (1.9 * g[i]) - 0.1 * (g[i] + 0.9 * 1.9 * g[i]);
      assertThat((double) after[i]).as("view element %d", i).isCloseTo(expected, within(1e-6));
    }
    assertThat((double) base.toFloatArray()[1]).as("base (0, 1) = view (1, 0)")
        .isCloseTo(after[2], within(0.0));
  }

  private static float[][] gradients(Random random, int n, float... stds) {
    float[][] grads = new float[stds.length][];
    for (int t = 0; t < stds.length; t++) {
      grads[t] = gaussian(random, n, stds[t]);
    }
    return grads;
  }
}
