package dev.finetune.core.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * {@code torch.optim.SGD} (dampening 0) over DJL arrays; see {@link SgdSpec}. Float32 CPU
 * parameters are updated in one pass by {@link FusedSgdCpu} (after the first step with momentum,
 * which creates the buffer), others with eager ops.
 */
final class SgdOptimizer extends AbstractOptimizer {

  private final SgdSpec spec;
  private final boolean fused;

  SgdOptimizer(SgdSpec spec, NDManager manager) {
    this(spec, manager, true);
  }

  /** With {@code fused} false every update runs as eager ops (tests compare the two paths). */
  SgdOptimizer(SgdSpec spec, NDManager manager, boolean fused) {
    super(manager);
    this.spec = spec;
    this.fused = fused;
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
    double lr = update.learningRate();
    double wd = update.weightDecay();
    double momentum = update.momentumOr(spec.momentum());
    if (momentum != 0 && spec.momentum() == 0) {
      throw new IllegalArgumentException("parameter '" + update.name() + "': the step gives"
          + " momentum " + momentum + " (a schedule that cycles momentum, such as OneCycleLR) but"
          + " this SGD has momentum 0 and keeps no momentum buffer; configure it with momentum,"
          + " e.g. Optimizers.sgd().momentum(0.9), or set cycle_momentum=False in the schedule");
    }
    if (fused && updatedInOnePass(update, state, momentum)) {
      return;
    }
    NDArray regularised = null;
    NDArray nesterov = null;
    try {
      NDArray direction = update.gradient();
      if (wd != 0) {
        try (NDArray decay = weight.mul(wd)) {
          regularised = direction.add(decay);
        }
        direction = regularised;
      }
      if (momentum != 0) {
        NDArray buffer = state.buffers[0];
        if (buffer == null) {
          state.buffers[0] = copyOf(direction);
          buffer = state.buffers[0];
        } else {
          buffer.muli(momentum).addi(direction);
        }
        if (spec.nesterov()) {
          try (NDArray scaled = buffer.mul(momentum)) {
            nesterov = direction.add(scaled);
          }
          direction = nesterov;
        } else {
          direction = buffer;
        }
      }
      if (lr != 0) {
        try (NDArray step = direction.mul(lr)) {
          weight.subi(step);
        }
      }
    } finally {
      if (regularised != null) {
        regularised.close();
      }
      if (nesterov != null) {
        nesterov.close();
      }
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
