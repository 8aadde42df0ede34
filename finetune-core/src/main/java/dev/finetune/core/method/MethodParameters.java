package dev.finetune.core.method;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.params.ModelParameter;
import dev.finetune.core.params.ParameterAddresses;

/**
 * Creates the parameters a fine-tuning method adds to a model: registered under their Hugging
 * Face style name with the role {@code PEFT} (so optimizers, freezing and checkpoints see them as
 * the method's), on the model's manager, trainable.
 *
 * <pre>{@code
 * Parameter scale = MethodParameters.add(model, "encoder.layer.0.output.scale.weight", ones, h);
 * }</pre>
 */
public final class MethodParameters {

  private MethodParameters() {}

  /**
   * Registers a new trainable parameter of role PEFT.
   *
   * @param model the model
   * @param name its name, e.g. {@code encoder.layer.0.attention.self.query.lora_A.weight}
   * @param values its initial values, row-major
   * @param shape its shape
   * @return the parameter
   * @throws IllegalStateException when the model has a parameter of that name (the method was
   *     applied twice)
   */
  public static Parameter add(SequenceClassifier model, String name, float[] values,
      long... shape) {
    if (model.parameters().find(name).isPresent()) {
      throw new IllegalStateException(
          "the model already has a parameter named " + name
              + "; the same method was applied twice to this target (give the second one another"
              + " adapter name, or remove the first)");
    }
    Parameter p = Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).build();
    p.setArray(model.manager().create(values, new Shape(shape)));
    p.freeze(false);
    model.parameters().add(new ModelParameter(name, ParameterAddresses.peft(name), p));
    return p;
  }
}
