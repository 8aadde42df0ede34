package dev.finetune.core.optim;

import ai.djl.ndarray.NDManager;

/**
 * An immutable description of an optimizer (kind and hyper-parameters, not the learning rate,
 * which comes with every {@link ParameterUpdate}). Value semantics: equal specs build optimizers
 * that behave identically.
 *
 * <pre>{@code
 * OptimizerSpec spec = Optimizers.adamW().weightDecay(0.01);
 * try (Optimizer optimizer = spec.create(manager)) {
 *   optimizer.step(updates);
 * }
 * }</pre>
 */
public sealed interface OptimizerSpec permits SgdSpec, AdamSpec {

  /**
   * The default weight decay of this spec; a trainer's parameter-group policy may override it per
   * parameter (for example no decay for biases and LayerNorm weights).
   *
   * @return the default weight decay, {@code >= 0}
   */
  double weightDecay();

  /**
   * A short stable name of the algorithm: {@code sgd}, {@code nesterov}, {@code adam} or {@code
   * adamw}.
   *
   * @return the algorithm's name
   */
  String algorithm();

  /**
   * Builds an optimizer whose state (momentum buffers, moment estimates) lives in a sub-manager
   * of {@code manager}; closing the optimizer frees it.
   *
   * @param manager the manager whose device holds the optimizer state
   * @return a new optimizer with empty state
   * @throws IllegalStateException if the hyper-parameters are inconsistent (e.g. Nesterov
   *     without momentum)
   */
  Optimizer create(NDManager manager);
}
