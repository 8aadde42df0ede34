package dev.finetune.core.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * {@code torch.optim.Adam} / {@code AdamW} (no amsgrad) over DJL arrays; see {@link AdamSpec}.
 * Float32 CPU parameters are updated in one pass by {@link FusedAdamCpu}; any other PyTorch tensor
 * (a GPU's, a non-contiguous view) by the device-generic path: one native call per parameter
 * ({@link #deviceUpdate}), in place on the tensor's own device.
 */
final class AdamOptimizer extends AbstractOptimizer {

  private final AdamSpec spec;
  private final boolean onePass;

  AdamOptimizer(AdamSpec spec, NDManager manager) {
    this(spec, manager, true);
  }

  /**
   * With {@code onePass} false every update takes the device-generic path, as on a GPU, even for
   * float32 CPU tensors (tests run the GPU's code on the CPU so).
   */
  AdamOptimizer(AdamSpec spec, NDManager manager, boolean onePass) {
    super(manager);
    this.spec = spec;
    this.onePass = onePass;
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

    if (onePass && CpuFloatPass.supports(weight, update.gradient(), mean, variance)) {
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
    if (weight instanceof PtNDArray pt && update.gradient() instanceof PtNDArray g
        && mean instanceof PtNDArray m && variance instanceof PtNDArray v) {
      deviceUpdate(pt, g, m, v, lr, wd, beta1, beta2, stepSize, biasCorrection2Sqrt);
      return;
    }
    eagerUpdate(update, mean, variance, lr, wd, beta1, beta2, stepSize, biasCorrection2Sqrt);
  }

  /**
   * The whole update as one call into DJL's native {@code adamUpdate}, which runs libtorch's
   * in-place ops on the tensors' device: no Java-side array is created and the few temporaries
   * libtorch makes are freed before the call returns. Its formula puts {@code eps} outside the
   * bias correction, {@code w -= lrc * m / (sqrt(v) + eps')}; with {@code lrc = stepSize *
   * sqrt(1 - beta2^t)} and {@code eps' = eps * sqrt(1 - beta2^t)} that is torch's {@code
   * w -= stepSize * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)} exactly (up to float32 rounding).
   * Gradient rescaling (1) and clipping (negative: off) of the native call are not used: the
   * trainer clips by global norm before the step.
   */
  private void deviceUpdate(PtNDArray weight, PtNDArray gradient, PtNDArray mean,
      PtNDArray variance, double lr, double wd, double beta1, double beta2, double stepSize,
      double biasCorrection2Sqrt) {
    JniUtils.adamUpdate(weight, gradient, mean, variance,
        (float) lr,
        (float) (stepSize * biasCorrection2Sqrt),
        (float) wd,
        1f,
        -1f,
        (float) beta1,
        (float) beta2,
        (float) (spec.eps() * biasCorrection2Sqrt),
        spec.decoupled());
  }

  /** Eager DJL ops, for arrays of an engine other than PyTorch. */
  private void eagerUpdate(ParameterUpdate update, NDArray mean, NDArray variance, double lr,
      double wd, double beta1, double beta2, double stepSize, double biasCorrection2Sqrt) {
    NDArray weight = update.weight();
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
