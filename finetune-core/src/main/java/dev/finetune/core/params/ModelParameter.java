package dev.finetune.core.params;

import ai.djl.nn.Parameter;
import dev.finetune.schedules.ParameterAddress;
import java.util.Objects;

/**
 * One parameter of a model: its Hugging Face name, its address (layer and role) and the DJL
 * {@link Parameter} that holds its values.
 *
 * <pre>{@code
 * ModelParameter p = model.parameters().get("encoder.layer.0.attention.self.query.weight");
 * p.address().layer();   // 0
 * p.isTrainable();       // true unless frozen
 * }</pre>
 *
 * @param hfName the Hugging Face name, without any {@code bert.}/{@code roberta.} prefix
 * @param address layer index and role, used by selectors, LR policies and unfreeze schedules
 * @param parameter the DJL parameter (its array lives on the model's manager)
 */
public record ModelParameter(String hfName, ParameterAddress address, Parameter parameter) {

  /**
   * Validates that the name and the address agree.
   *
   * @throws IllegalArgumentException when the address carries another name
   */
  public ModelParameter {
    Objects.requireNonNull(hfName, "hfName");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(parameter, "parameter");
    if (!hfName.equals(address.name())) {
      throw new IllegalArgumentException(
          "address name " + address.name() + " differs from parameter name " + hfName);
    }
  }

  /**
   * Tells whether the parameter is trained (requires a gradient).
   *
   * @return false when frozen
   */
  public boolean isTrainable() {
    return parameter.requiresGradient();
  }

  /**
   * Number of scalar values in the parameter.
   *
   * @return the element count of its shape
   */
  public long size() {
    return parameter.getShape().size();
  }
}
