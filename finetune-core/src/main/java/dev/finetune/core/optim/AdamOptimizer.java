package dev.finetune.core.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * {@code torch.optim.Adam} / {@code AdamW} (no amsgrad) over DJL arrays; see {@link AdamSpec}.
 * Float32 CPU parameters are updated in one pass by {@link FusedAdamCpu}, others with eager ops.
 */
final class AdamOptimizer extends AbstractOptimizer {

  private final AdamSpec spec;
  private final boolean fused;

  AdamOptimizer(AdamSpec spec, NDManager manager) {
    this(spec, manager, true);
  }

  /** With {@code fused} false every update runs as eager ops (tests compare the two paths). */
  AdamOptimizer(AdamSpec spec, NDManager manager, boolean fused) {
    super(manager);
    this.spec = spec;
    this.fused = fused;
  }

  @Override
  public AdamSpec spec() {
    return spec;
  }

  @Override
  int bufferCount() {
    return 2;
  }

  @Override
  void initialise(ParameterState state, ParameterUpdate update) {
    state.buffers[0] = zerosLike(update.weight());
    state.buffers[1] = zerosLike(update.weight());
  }

  @Override
  void update(ParameterUpdate update, ParameterState state) {
    NDArray weight = update.weight();
    NDArray mean = state.buffers[0];
    NDArray variance = state.buffers[1];
    double lr = update.learningRate();
    double wd = update.weightDecay();
    double beta1 = update.momentumOr(spec.beta1()); // a cycled beta1, as PyTorch's schedulers set
    double beta2 = spec.beta2();
    long t = state.steps;
    double biasCorrection1 = 1 - Math.pow(beta1, t);
    double biasCorrection2Sqrt = Math.sqrt(1 - Math.pow(beta2, t));
    double stepSize = lr / biasCorrection1;

    if (fused && CpuFloatPass.supports(weight, update.gradient(), mean, variance)) {
      FusedAdamCpu.update(weight, update.gradient(), mean, variance, new FusedAdamCpu.Step(
          spec.decoupled() ? 0f : (float) wd,
          spec.decoupled() ? (float) (1 - lr * wd) : 1f,
          (float) (1 - beta1),
          (float) beta2,
          (float) (1 - beta2),
          (float) biasCorrection2Sqrt,
          (float) spec.eps(),
          (float) stepSize,
          lr != 0));
      return;
    }
    if (spec.decoupled() && lr * wd != 0) {
      weight.muli(1 - lr * wd);
    }
    NDArray regularised = null;
    try {
      NDArray gradient = update.gradient();
      if (!spec.decoupled() && wd != 0) {
        try (NDArray decay = weight.mul(wd)) {
          regularised = gradient.add(decay);
        }
        gradient = regularised;
      }
      // m = lerp(m, g, 1 - beta1) = m + (1 - beta1) (g - m), as torch computes it
      try (NDArray towards = gradient.sub(mean)) {
        mean.addi(towards.muli(1 - beta1));
      }
      // v = beta2 v + (1 - beta2) g^2
      try (NDArray squared = gradient.square()) {
        variance.muli(beta2).addi(squared.muli(1 - beta2));
      }
    } finally {
      if (regularised != null) {
        regularised.close();
      }
    }
    if (lr == 0) {
      return;
    }
    try (NDArray denominator = variance.sqrt()) {
      denominator.divi(biasCorrection2Sqrt).addi(spec.eps());
      try (NDArray step = mean.div(denominator)) {
        weight.subi(step.muli(stepSize));
      }
    }
  }
}
