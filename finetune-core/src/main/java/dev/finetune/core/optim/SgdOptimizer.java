package dev.finetune.core.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * {@code torch.optim.SGD} (dampening 0) over DJL arrays; see {@link SgdSpec}. Float32 CPU
 * parameters are updated in one pass by {@link FusedSgdCpu} (after the first step with momentum,
 * which creates the buffer); any other tensor (a GPU's, a non-contiguous view) by the
 * device-generic path, in place on its device with the fewest ops: one native call without
 * momentum, and with momentum two in-place ops on the buffer plus one scaled subtraction per term
 * of the step, each temporary closed at once.
 */
final class SgdOptimizer extends AbstractOptimizer {

  private final SgdSpec spec;
  private final boolean onePass;

  SgdOptimizer(SgdSpec spec, NDManager manager) {
    this(spec, manager, true);
  }

  /**
   * With {@code onePass} false every update takes the device-generic path, as on a GPU, even for
   * float32 CPU tensors (tests run the GPU's code on the CPU so).
   */
  SgdOptimizer(SgdSpec spec, NDManager manager, boolean onePass) {
    super(manager);
    this.spec = spec;
    this.onePass = onePass;
  }

  @Override
  public SgdSpec spec() {
    return spec;
  }

  @Override
  int bufferCount() {
    return spec.momentum() == 0 ? 0 : 1;
  }

  @Override
  void initialise(ParameterState state, ParameterUpdate update) {
    // PyTorch creates the momentum buffer at the first step as a copy of the gradient.
  }

  @Override
  void update(ParameterUpdate update, ParameterState state) {
    NDArray weight = update.weight();
    NDArray gradient = update.gradient();
    double lr = update.learningRate();
    double wd = update.weightDecay();
    double momentum = update.momentumOr(spec.momentum());
    if (momentum != 0 && spec.momentum() == 0) {
      throw new IllegalArgumentException("parameter '" + update.name() + "': the step gives"
          + " momentum " + momentum + " (a schedule that cycles momentum, such as OneCycleLR) but"
          + " this SGD has momentum 0 and keeps no momentum buffer; configure it with momentum,"
          + " e.g. Optimizers.sgd().momentum(0.9), or set cycle_momentum=False in the schedule");
    }
    if (onePass && updatedInOnePass(update, state, momentum)) {
      return;
    }
    if (momentum == 0) {
      if (weight instanceof PtNDArray w && gradient instanceof PtNDArray g) {
        // DJL's native sgdUpdate without momentum is torch's: w -= lr * (g + wd * w)
        JniUtils.sgdUpdate(w, g, null, (float) lr, (float) wd, 1f, -1f, 0f);
      } else {
        subtractScaled(weight, gradient, lr, wd);
      }
      return;
    }
    // buf = momentum * buf + (g + wd * w); the first step's buffer is g + wd * w itself.
    // (DJL's native sgdUpdate keeps lr * buf instead, which differs once the LR changes.)
    NDArray buffer = state.buffers[0];
    if (buffer == null) {
      buffer = copyOf(gradient);
      state.buffers[0] = buffer;
    } else {
      buffer.muli(momentum).addi(gradient);
    }
    if (wd != 0) {
      try (NDArray decay = weight.mul(wd)) {
        buffer.addi(decay);
      }
    }
    if (lr == 0) {
      return;
    }
    if (spec.nesterov()) {
      // w -= lr * (g + wd * w + momentum * buf)
      subtractScaled(weight, gradient, lr, wd);
      try (NDArray step = buffer.mul(lr * momentum)) {
        weight.subi(step);
      }
    } else {
      try (NDArray step = buffer.mul(lr)) {
        weight.subi(step);
      }
    }
  }

  /** {@code w -= lr * (d + wd * w)} as {@code w *= 1 - lr * wd; w -= lr * d}. */
  private static void subtractScaled(NDArray weight, NDArray direction, double lr, double wd) {
    if (lr == 0) {
      return;
    }
    if (wd != 0) {
      weight.muli(1 - lr * wd);
    }
    try (NDArray step = direction.mul(lr)) {
      weight.subi(step);
    }
  }

  private boolean updatedInOnePass(ParameterUpdate update, ParameterState state, double momentum) {
    NDArray weight = update.weight();
    NDArray gradient = update.gradient();
    FusedSgdCpu.Step step = new FusedSgdCpu.Step((float) update.weightDecay(), (float) momentum,
        spec.nesterov(), (float) update.learningRate());
    if (momentum == 0) {
      if (!CpuFloatPass.supports(weight, gradient)) {
        return false;
      }
      FusedSgdCpu.update(weight, gradient, step);
      return true;
    }
    NDArray buffer = state.buffers[0];
    if (buffer == null || !CpuFloatPass.supports(weight, gradient, buffer)) {
      return false;
    }
    FusedSgdCpu.update(weight, gradient, buffer, step);
    return true;
  }
}
