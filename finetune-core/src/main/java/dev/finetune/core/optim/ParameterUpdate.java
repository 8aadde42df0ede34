package dev.finetune.core.optim;

import ai.djl.ndarray.NDArray;
import java.util.Objects;

/**
 * One parameter's share of an optimizer step: the weight to update in place, its gradient, and the
 * learning rate and weight decay that apply to it on this step (the trainer computes them from a
 * parameter-group policy times a schedule).
 *
 * <pre>{@code
 * var update = new ParameterUpdate("classifier.weight", weight, weight.getGradient(), 2e-5, 0.01);
 * optimizer.step(List.of(update));
 * }</pre>
 *
 * @param name the parameter's stable name (Hugging Face name); the optimizer keys its state by it
 * @param weight the parameter, updated in place
 * @param gradient the gradient of the loss with respect to {@code weight}, same shape
 * @param learningRate the learning rate for this parameter on this step, finite and {@code >= 0}
 * @param weightDecay the weight decay for this parameter on this step, finite and {@code >= 0};
 *     L2 added to the gradient for SGD and Adam, decoupled for AdamW
 */
public record ParameterUpdate(
    String name, NDArray weight, NDArray gradient, double learningRate, double weightDecay) {

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
  }
}
