package dev.finetune.core.train;

import dev.finetune.core.model.SequenceClassifier;

/**
 * Changes a model before training: a parameter-efficient method (adapters, LoRA, BitFit, ...)
 * that inserts or wraps blocks and sets which parameters train. {@code finetune-peft} implements
 * it as {@link dev.finetune.core.method.FineTuningMethod}s, which a registry names and adapter
 * checkpoints save; {@link FineTune#peft(ModelTransform...)} applies transforms in order, once,
 * before the optimizer sees the parameters, through {@link SequenceClassifier#apply}.
 *
 * <pre>{@code
 * ModelTransform headOnly = model -> model.parameters().trainOnly(a -> a.isHead());
 * FineTune.of(model).peft(headOnly).fit(train, validation);
 * }</pre>
 */
@FunctionalInterface
public interface ModelTransform {

  /**
   * Applies the transform to the model in place.
   *
   * @param model the model to change
   */
  void apply(SequenceClassifier model);

  /**
   * A short name for reports (e.g. {@code lora(r=8)}).
   *
   * @return the name; by default the class's simple name
   */
  default String describe() {
    String name = getClass().getSimpleName();
    return name.isEmpty() || name.contains("$$Lambda") ? "custom" : name;
  }
}
