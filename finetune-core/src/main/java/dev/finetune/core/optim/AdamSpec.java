package dev.finetune.core.optim;

import ai.djl.ndarray.NDManager;

/**
 * Adam and AdamW exactly as PyTorch's {@code torch.optim.Adam} / {@code AdamW} (no amsgrad):
 * {@code m = b1 m + (1-b1) g}, {@code v = b2 v + (1-b2) g^2}, {@code w -= lr/(1-b1^t) * m /
 * (sqrt(v)/sqrt(1-b2^t) + eps)} with a step count {@code t} per parameter. Adam adds {@code wd *
 * w} to the gradient (L2); AdamW first decays {@code w *= 1 - lr * wd} (decoupled). Immutable.
 *
 * <pre>{@code
 * AdamSpec adamW = Optimizers.adamW().betas(0.9, 0.999).eps(1e-8).weightDecay(0.01);
 * }</pre>
 *
 * @param beta1 decay of the first moment, in {@code [0, 1)}
 * @param beta2 decay of the second moment, in {@code [0, 1)}
 * @param eps term added to the bias-corrected root of the second moment, {@code > 0}
 * @param weightDecay default weight decay, {@code >= 0}
 * @param decoupled {@code true} for AdamW, {@code false} for Adam with L2
 */
public record AdamSpec(double beta1, double beta2, double eps, double weightDecay, boolean decoupled)
    implements OptimizerSpec {

  /** Checks ranges. */
  public AdamSpec {
    if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
      throw new IllegalArgumentException(
          "Adam betas must be in [0, 1), were (" + beta1 + ", " + beta2 + ")");
    }
    if (!(eps > 0) || Double.isInfinite(eps)) {
      throw new IllegalArgumentException("Adam eps must be finite and > 0, was " + eps);
    }
    if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
      throw new IllegalArgumentException(
          "Adam weight decay must be finite and >= 0, was " + weightDecay);
    }
  }

  /**
   * Returns a copy with other moment decays.
   *
   * @param b1 decay of the first moment
   * @param b2 decay of the second moment
   * @return the new spec
   */
  public AdamSpec betas(double b1, double b2) {
    return new AdamSpec(b1, b2, eps, weightDecay, decoupled);
  }

  /**
   * Returns a copy with another epsilon.
   *
   * @param value the epsilon, {@code > 0}
   * @return the new spec
   */
  public AdamSpec eps(double value) {
    return new AdamSpec(beta1, beta2, value, weightDecay, decoupled);
  }

  /**
   * Returns a copy with another default weight decay.
   *
   * @param value the weight decay, {@code >= 0}
   * @return the new spec
   */
  public AdamSpec weightDecay(double value) {
    return new AdamSpec(beta1, beta2, eps, value, decoupled);
  }

  @Override
  public String algorithm() {
    return decoupled ? "adamw" : "adam";
  }

  @Override
  public Optimizer create(NDManager manager) {
    return new AdamOptimizer(this, manager);
  }
}
