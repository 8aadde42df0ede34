package dev.finetune.core.optim;

import ai.djl.ndarray.NDArray;

/**
 * SGD's whole update of one float32 CPU parameter (weight decay, momentum, Nesterov) in a single
 * pass over memory on every core, by {@link CpuFloatPass}.
 *
 * <p>Why: as eager ops the update reads and writes parameter-sized arrays ≈ 20 times and allocates
 * up to three temporaries; here weight, gradient and momentum buffer are read once and weight and
 * buffer written once. The arithmetic is torch's ({@code _single_tensor_sgd}, dampening 0), in
 * float32:
 *
 * <pre>{@code
 * d = grad (+ weightDecay * w)
 * buf = momentum * buf + d                 // with momentum; the first step's buffer is d itself
 * d = d + momentum * buf  (Nesterov)  or  d = buf
 * w = w - lr * d
 * }</pre>
 *
 * <p>The first step with momentum, which creates the buffer, stays with the caller's eager ops.
 */
final class FusedSgdCpu {

  private static final boolean[] PLAIN_WRITTEN = {true, false};
  private static final boolean[] MOMENTUM_WRITTEN = {true, false, true};

  private FusedSgdCpu() {}

  /**
   * The step's scalars.
   *
   * @param weightDecay L2 weight decay added to the gradient
   * @param momentum the momentum factor (0: no buffer)
   * @param nesterov true for Nesterov momentum
   * @param lr the learning rate
   */
  record Step(float weightDecay, float momentum, boolean nesterov, float lr) {}

  /**
   * Updates the weight without momentum; {@link CpuFloatPass#supports} must hold for both.
   *
   * @param weight the parameter
   * @param gradient its gradient (read only)
   * @param step the step's scalars (momentum 0)
   */
  static void update(NDArray weight, NDArray gradient, Step step) {
    float wd = step.weightDecay();
    float lr = step.lr();
    CpuFloatPass.run(new NDArray[] {weight, gradient}, PLAIN_WRITTEN, (tiles, len) -> {
      float[] w = tiles[0];
      float[] g = tiles[1];
      for (int i = 0; i < len; i++) {
        float d = g[i] + wd * w[i];
        w[i] = w[i] - lr * d;
      }
    });
  }

  /**
   * Updates weight and momentum buffer; {@link CpuFloatPass#supports} must hold for all three.
   *
   * @param weight the parameter
   * @param gradient its gradient (read only)
   * @param buffer the momentum buffer of earlier steps
   * @param step the step's scalars
   */
  static void update(NDArray weight, NDArray gradient, NDArray buffer, Step step) {
    float wd = step.weightDecay();
    float mu = step.momentum();
    float lr = step.lr();
    boolean nesterov = step.nesterov();
    CpuFloatPass.run(new NDArray[] {weight, gradient, buffer}, MOMENTUM_WRITTEN, (tiles, len) -> {
      float[] w = tiles[0];
      float[] g = tiles[1];
      float[] b = tiles[2];
      for (int i = 0; i < len; i++) {
        float d = g[i] + wd * w[i];
        float moved = b[i] * mu + d;
        b[i] = moved;
        w[i] = w[i] - lr * (nesterov ? d + mu * moved : moved);
      }
    });
  }
}
