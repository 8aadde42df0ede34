package dev.finetune.core.optim;

import ai.djl.ndarray.NDArray;

/**
 * Adam's and AdamW's whole update of one float32 CPU parameter in a single pass over memory,
 * computed in Java on every core straight in the tensors' memory.
 *
 * <p>Why: as a chain of eager ops the update reads and writes parameter-sized arrays ≈ 33 times
 * (DJL has no {@code lerp_}, {@code addcmul_} or {@code addcdiv_}) and allocates four temporaries;
 * here each element of the weight, gradient and both moments is read once and the weight and
 * moments written once: 7 passes. The arithmetic is torch's ({@code _single_tensor_adam}), in
 * float32 as torch's CPU kernels compute it:
 *
 * <pre>{@code
 * g = grad (+ weightDecay * w for Adam)
 * w = w * (1 - lr * weightDecay)                      // AdamW
 * m = m + (1 - beta1) * (g - m)                       // lerp
 * v = beta2 * v + (1 - beta2) * g * g
 * w = w - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * }</pre>
 *
 * <p>It applies only when all four arrays are contiguous float32 PyTorch CPU tensors (checked by
 * {@link CpuFloatPass#supports}); otherwise the caller uses eager ops. The pass itself (fixed
 * tasks, so the result does not depend on the number of cores) is {@link CpuFloatPass}'s.
 */
final class FusedAdamCpu {

  private static final boolean[] WRITTEN = {true, false, true, true};

  private FusedAdamCpu() {}

  /**
   * The step's scalars, computed by the caller in double as torch does and rounded once.
   *
   * @param l2 Adam's weight decay added to the gradient (0 for AdamW)
   * @param decay AdamW's {@code 1 - lr * weightDecay} (1 for Adam)
   * @param oneMinusBeta1 {@code 1 - beta1}
   * @param beta2 {@code beta2}
   * @param oneMinusBeta2 {@code 1 - beta2}
   * @param biasCorrection2Sqrt {@code sqrt(1 - beta2^t)}
   * @param eps {@code eps}
   * @param stepSize {@code lr / (1 - beta1^t)}; with {@code moveWeight} false only the moments move
   * @param moveWeight false when the learning rate is 0
   */
  record Step(
      float l2,
      float decay,
      float oneMinusBeta1,
      float beta2,
      float oneMinusBeta2,
      float biasCorrection2Sqrt,
      float eps,
      float stepSize,
      boolean moveWeight) {}

  /**
   * Updates weight and moments in place; {@link CpuFloatPass#supports} must hold for all four.
   *
   * @param weight the parameter
   * @param gradient its gradient (read only)
   * @param mean the first moment
   * @param variance the second moment
   * @param step the step's scalars
   */
  static void update(NDArray weight, NDArray gradient, NDArray mean, NDArray variance, Step step) {
    CpuFloatPass.run(new NDArray[] {weight, gradient, mean, variance}, WRITTEN,
        (tiles, len) -> tile(tiles[0], tiles[1], tiles[2], tiles[3], len, step));
  }

  private static void tile(float[] w, float[] g, float[] m, float[] v, int len, Step s) {
    float l2 = s.l2();
    float decay = s.decay();
    float a1 = s.oneMinusBeta1();
    float b2 = s.beta2();
    float a2 = s.oneMinusBeta2();
    if (l2 != 0f) {
      for (int i = 0; i < len; i++) {
        g[i] = g[i] + l2 * w[i];
      }
    }
    for (int i = 0; i < len; i++) {
      float grad = g[i];
      m[i] = m[i] + a1 * (grad - m[i]);
      v[i] = v[i] * b2 + a2 * grad * grad;
    }
    if (!s.moveWeight()) {
      return;
    }
    float bc2 = s.biasCorrection2Sqrt();
    float eps = s.eps();
    float stepSize = s.stepSize();
    for (int i = 0; i < len; i++) {
      float denominator = (float) Math.sqrt(v[i]) / bc2 + eps;
      w[i] = w[i] * decay - stepSize * (m[i] / denominator);
    }
  }
}
