package dev.finetune.core.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/** {@code torch.optim.SGD} (dampening 0) over DJL arrays; see {@link SgdSpec}. */
final class SgdOptimizer extends AbstractOptimizer {

  private final SgdSpec spec;

  SgdOptimizer(SgdSpec spec, NDManager manager) {
    super(manager);
    this.spec = spec;
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
}
