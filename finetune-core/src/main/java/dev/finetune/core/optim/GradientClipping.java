package dev.finetune.core.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import java.util.List;

/**
 * Gradient clipping by global L2 norm with the semantics of PyTorch's {@code
 * torch.nn.utils.clip_grad_norm_}: the norm is taken over all gradients together, and when it
 * exceeds {@code maxNorm} every gradient is scaled in place by {@code maxNorm / (norm + 1e-6)}.
 *
 * <pre>{@code
 * double norm = GradientClipping.clipByGlobalNorm(gradients, 1.0);
 * }</pre>
 */
public final class GradientClipping {

  private GradientClipping() {}

  /**
   * The global L2 norm of the gradients, {@code sqrt(sum_i ||g_i||^2)}.
   *
   * @param gradients the gradients (not modified)
   * @return the norm, 0 for an empty list
   */
  public static double globalNorm(List<NDArray> gradients) {
    if (gradients.isEmpty()) {
      return 0;
    }
    NDList norms = new NDList(gradients.size());
    NoGradScope scope = NoGradScope.enter();
    try {
      for (int i = 0; i < gradients.size(); i++) {
        NDArray gradient = gradients.get(i);
        if (gradient == null) {
          throw new IllegalArgumentException(
              "gradient " + i + " is null: pass only parameters that received gradients");
        }
        norms.add(gradient.norm());
      }
      try (NDArray stacked = NDArrays.stack(norms);
          NDArray total = stacked.norm();
          NDArray asDouble = total.toType(DataType.FLOAT64, true)) {
        return asDouble.getDouble();
      }
    } finally {
      norms.close();
      scope.close();
    }
  }

  /**
   * Scales the gradients in place so that their global L2 norm is at most {@code maxNorm}.
   * When the norm is not finite the gradients are left unchanged and the norm is returned, so
   * that the caller can skip the step or stop the run.
   *
   * @param gradients the gradients, modified in place
   * @param maxNorm the largest allowed global norm, {@code > 0}
   * @return the global norm before clipping
   */
  public static double clipByGlobalNorm(List<NDArray> gradients, double maxNorm) {
    if (!(maxNorm > 0) || Double.isInfinite(maxNorm)) {
      throw new IllegalArgumentException("maxNorm must be finite and > 0, was " + maxNorm);
    }
    double norm = globalNorm(gradients);
    // torch computes the coefficient in the gradients' precision (float32)
    float coefficient = (float) maxNorm / ((float) norm + 1e-6f);
    if (Double.isFinite(norm) && coefficient < 1f) {
      NoGradScope.run(
          () -> {
            for (NDArray gradient : gradients) {
              gradient.muli(coefficient);
            }
          });
    }
    return norm;
  }
}
