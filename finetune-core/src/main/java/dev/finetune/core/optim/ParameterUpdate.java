package dev.finetune.core.optim;

import ai.djl.ndarray.NDArray;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * One parameter's share of an optimizer step: the weight to update in place, its gradient, and the
 * learning rate and weight decay that apply to it on this step (the trainer computes them from a
 * parameter-group policy times a schedule), and optionally the momentum a schedule cycles
 * ({@code OneCycleLR}, {@code CyclicLR}): SGD's momentum or Adam's and AdamW's {@code beta1} for
 * this step, as PyTorch's schedulers set them in the optimizer's parameter groups.
 *
 * <pre>{@code
 * var update = new ParameterUpdate("classifier.weight", weight, weight.getGradient(), 2e-5, 0.01);
 * optimizer.step(List.of(update));
 * var cycled = update.withMomentum(0.85);   // beta1 / momentum 0.85 for this step only
 * }</pre>
 *
 * @param name the parameter's stable name (Hugging Face name); the optimizer keys its state by it
 * @param weight the parameter, updated in place
 * @param gradient the gradient of the loss with respect to {@code weight}, same shape
 * @param learningRate the learning rate for this parameter on this step, finite and {@code >= 0}
 * @param weightDecay the weight decay for this parameter on this step, finite and {@code >= 0};
 *     L2 added to the gradient for SGD and Adam, decoupled for AdamW
 * @param momentum the momentum (SGD) or {@code beta1} (Adam, AdamW) for this step, in [0, 1);
 *     empty for the optimizer's own
 */
public record ParameterUpdate(
    String name,
    NDArray weight,
    NDArray gradient,
    double learningRate,
    double weightDecay,
    OptionalDouble momentum) {

  /**
   * An update with the optimizer's own momentum.
   *
   * @param name the parameter's stable name
   * @param weight the parameter, updated in place
   * @param gradient its gradient
   * @param learningRate the learning rate for this step
   * @param weightDecay the weight decay for this step
   */
  public ParameterUpdate(
      String name, NDArray weight, NDArray gradient, double learningRate, double weightDecay) {
    this(name, weight, gradient, learningRate, weightDecay, OptionalDouble.empty());
  }

  /**
   * A copy with a momentum (or {@code beta1}) for this step.
   *
   * @param value in [0, 1), e.g. 0.85
   * @return the copy
   */
  public ParameterUpdate withMomentum(double value) {
    return new ParameterUpdate(name, weight, gradient, learningRate, weightDecay,
        OptionalDouble.of(value));
  }

  /**
   * The momentum in force for this step.
   *
   * @param configured the optimizer's own momentum or {@code beta1}
   * @return {@link #momentum()} when given, else {@code configured}
   */
  public double momentumOr(double configured) {
    return momentum.orElse(configured);
  }

  /** Checks the arguments and names the offending parameter when one is wrong. */
  public ParameterUpdate {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("ParameterUpdate needs a non-blank parameter name");
    }
    Objects.requireNonNull(weight, () -> "weight of parameter '" + name + "' is null");
    if (gradient == null) {
      throw new IllegalArgumentException(
          "parameter '"
              + name
              + "' has no gradient: leave frozen or unused parameters out of the step");
    }
    if (!weight.getShape().equals(gradient.getShape())) {
      throw new IllegalArgumentException(
          "gradient of parameter '"
              + name
              + "' has shape "
              + gradient.getShape()
              + " but the weight has shape "
              + weight.getShape());
    }
    if (!Double.isFinite(learningRate) || learningRate < 0) {
      throw new IllegalArgumentException(
          "learning rate of parameter '" + name + "' must be finite and >= 0, was " + learningRate);
    }
    if (!Double.isFinite(weightDecay) || weightDecay < 0) {
      throw new IllegalArgumentException(
          "weight decay of parameter '" + name + "' must be finite and >= 0, was " + weightDecay);
    }
    Objects.requireNonNull(momentum, () -> "momentum of parameter '" + name + "' is null; use"
        + " OptionalDouble.empty() for the optimizer's own");
    if (momentum.isPresent() && !(momentum.getAsDouble() >= 0 && momentum.getAsDouble() < 1)) {
      throw new IllegalArgumentException("momentum (beta1) of parameter '" + name
          + "' must be in [0, 1), was " + momentum.getAsDouble()
          + "; check the schedule's base_momentum and max_momentum");
    }
  }
}
