package dev.finetune.core.optim;

import ai.djl.ndarray.NDManager;

/**
 * Stochastic gradient descent with optional (Nesterov) momentum, exactly as PyTorch's {@code
 * torch.optim.SGD} with dampening 0: {@code g = grad + wd * w}; {@code buf = g} on the first step,
 * then {@code buf = momentum * buf + g}; {@code g = g + momentum * buf} with Nesterov, else {@code
 * g = buf}; {@code w -= lr * g}. Immutable: every {@code with}-style method returns a new spec.
 *
 * <pre>{@code
 * SgdSpec nesterov = Optimizers.sgd().momentum(0.9).nesterov(true);
 * }</pre>
 *
 * @param momentum momentum factor in {@code [0, 1)}; 0 disables momentum buffers
 * @param nesterov whether to use Nesterov momentum (requires {@code momentum > 0})
 * @param weightDecay default L2 penalty added to the gradient, {@code >= 0}
 */
public record SgdSpec(double momentum, boolean nesterov, double weightDecay)
    implements OptimizerSpec {

  /** Checks ranges; Nesterov without momentum is reported by {@link #create}. */
  public SgdSpec {
    if (!(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException("SGD momentum must be in [0, 1), was " + momentum);
    }
    if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
      throw new IllegalArgumentException(
          "SGD weight decay must be finite and >= 0, was " + weightDecay);
    }
  }

  /**
   * Returns a copy with another momentum.
   *
   * @param value the momentum factor in {@code [0, 1)}
   * @return the new spec
   */
  public SgdSpec momentum(double value) {
    return new SgdSpec(value, nesterov, weightDecay);
  }

  /**
   * Returns a copy with Nesterov momentum switched on or off.
   *
   * @param value whether to use Nesterov momentum
   * @return the new spec
   */
  public SgdSpec nesterov(boolean value) {
    return new SgdSpec(momentum, value, weightDecay);
  }

  /**
   * Returns a copy with another default weight decay.
   *
   * @param value the L2 penalty, {@code >= 0}
   * @return the new spec
   */
  public SgdSpec weightDecay(double value) {
    return new SgdSpec(momentum, nesterov, value);
  }

  @Override
  public String algorithm() {
    return nesterov ? "nesterov" : "sgd";
  }

  @Override
  public Optimizer create(NDManager manager) {
    if (nesterov && momentum == 0) {
      throw new IllegalStateException(
          "Nesterov momentum needs a momentum > 0: use Optimizers.sgd().momentum(0.9).nesterov(true)");
    }
    return new SgdOptimizer(this, manager);
  }
}
