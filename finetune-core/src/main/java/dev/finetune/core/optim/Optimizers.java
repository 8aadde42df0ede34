package dev.finetune.core.optim;

/**
 * Entry points for optimizer specs with PyTorch's defaults.
 *
 * <pre>{@code
 * OptimizerSpec sgd = Optimizers.sgd().momentum(0.9).nesterov(true);
 * OptimizerSpec adam = Optimizers.adam().betas(0.9, 0.999).eps(1e-8);
 * OptimizerSpec adamW = Optimizers.adamW().weightDecay(0.01);
 * }</pre>
 */
public final class Optimizers {

  private Optimizers() {}

  /**
   * Plain SGD: momentum 0, no Nesterov, weight decay 0 ({@code torch.optim.SGD} defaults).
   *
   * @return the spec
   */
  public static SgdSpec sgd() {
    return new SgdSpec(0, false, 0);
  }

  /**
   * Adam: betas (0.9, 0.999), eps 1e-8, weight decay 0 as L2 ({@code torch.optim.Adam} defaults).
   *
   * @return the spec
   */
  public static AdamSpec adam() {
    return new AdamSpec(0.9, 0.999, 1e-8, 0, false);
  }

  /**
   * AdamW: betas (0.9, 0.999), eps 1e-8, decoupled weight decay 0.01 ({@code torch.optim.AdamW}
   * defaults).
   *
   * @return the spec
   */
  public static AdamSpec adamW() {
    return new AdamSpec(0.9, 0.999, 1e-8, 0.01, true);
  }
}
