package dev.finetune.core.method;

import dev.finetune.core.checkpoint.HostTensor;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.params.ModelParameter;
import dev.finetune.core.train.ModelTransform;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A configured fine-tuning method of the {@link FineTuningMethods registry}: it installs itself on
 * a model, says which parameters it created, and writes and reads its adapter checkpoint
 * ({@link MethodCheckpoint}). Its {@link MethodType} (found by {@link #kind()}) parses spec text
 * and reads the configuration back from {@code adapter_config.json}.
 *
 * <p>{@link #apply} goes through {@link SequenceClassifier#apply}, which calls {@link #install}
 * and records the method, so a checkpoint can save exactly what was applied. A method that trains
 * base weights (selective fine-tuning) says so with {@link #changesBaseWeights()}: its checkpoint
 * is the whole model.
 *
 * <pre>{@code
 * final class Scale implements FineTuningMethod {
 *   public String kind() { return "scale"; }
 *   public void install(SequenceClassifier model) {
 *     MethodParameters.add(model, "encoder.scale.weight", ones, h);   // role PEFT
 *     // ... wrap blocks, freeze the base
 *   }
 *   public boolean owns(String hfName) { return hfName.equals("encoder.scale.weight"); }
 *   public Map<String, long[]> expectedTensors(SequenceClassifier model) {
 *     return Map.of("encoder.scale.weight", new long[] {model.config().hiddenSize()});
 *   }
 * }
 * }</pre>
 */
public interface FineTuningMethod extends ModelTransform {

  /**
   * The name of this method's entry in the registry.
   *
   * @return e.g. {@code lora}
   */
  String kind();

  /**
   * Installs the method: adds its parameters ({@link MethodParameters#add}), wraps blocks and
   * chooses what trains. Called by {@link SequenceClassifier#apply}; call {@link #apply} instead.
   *
   * @param model the model
   */
  void install(SequenceClassifier model);

  /**
   * Applies and records the method on the model ({@link SequenceClassifier#apply}).
   *
   * @param model the model
   */
  @Override
  default void apply(SequenceClassifier model) {
    model.apply(this);
  }

  /**
   * Tells whether the method trains base weights beyond what its adapter checkpoint holds (as
   * selective fine-tuning does); such a model is saved whole.
   *
   * @return false by default
   */
  default boolean changesBaseWeights() {
    return false;
  }

  /**
   * Tells whether a parameter was created by this method.
   *
   * @param hfName a parameter name of the model
   * @return true when it belongs to this method
   */
  boolean owns(String hfName);

  /**
   * What the adapter checkpoint holds: the method's configuration fields and its tensors. By
   * default every parameter it {@linkplain #owns owns}, under its own name, and no fields.
   *
   * @param model a model the method was applied to
   * @return the state to write
   * @throws IllegalStateException when the method is not installed on the model
   */
  default AdapterState adapterState(SequenceClassifier model) {
    Map<String, HostTensor> out = new LinkedHashMap<>();
    for (ModelParameter p : model.parameters().all()) {
      if (owns(p.hfName())) {
        out.put(p.hfName(), HostTensor.of(p.parameter().getArray()));
      }
    }
    if (out.isEmpty()) {
      throw new IllegalStateException("the model has no parameter of " + describe()
          + " to save; apply it to the model first");
    }
    return AdapterState.tuner(new com.google.gson.JsonObject(), out);
  }

  /**
   * The base weights with this method folded in, for a plain model folder (PEFT's
   * {@code merge_and_unload}, {@link SequenceClassifier#saveMerged}): the new values of the base
   * parameters it changes, by parameter name, computed without changing the model; the method's
   * own parameters are then left out of the folder. By default a method cannot be merged.
   *
   * @param model a model the method was applied to
   * @return the merged base weights (possibly none, when the trained values are base parameters
   *     already); empty when the method cannot be merged
   */
  default java.util.Optional<Map<String, HostTensor>> mergedWeights(SequenceClassifier model) {
    return java.util.Optional.empty();
  }

  /**
   * The tensors a checkpoint of this method must hold for this model, by parameter name (after
   * {@link #parameterName}), with their shapes; loading checks them before changing the model.
   *
   * @param model a model without the method
   * @return names and shapes
   */
  Map<String, long[]> expectedTensors(SequenceClassifier model);

  /**
   * Maps a saved tensor's name (its key without {@code base_model.model.} and the model prefix)
   * to the parameter it loads into.
   *
   * @param savedName e.g. {@code prompt_embeddings}
   * @return the parameter name; by default the same
   */
  default String parameterName(String savedName) {
    return savedName;
  }
}
