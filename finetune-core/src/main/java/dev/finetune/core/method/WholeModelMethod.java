package dev.finetune.core.method;

import dev.finetune.core.model.SequenceClassifier;
import java.util.Map;

/**
 * A method that adds no parameters and trains base weights (full fine-tuning, selective presets):
 * it owns nothing, expects no tensors on load, and its model is saved whole rather than as an
 * adapter folder.
 *
 * <pre>{@code
 * final class EvenLayers implements WholeModelMethod {
 *   public String kind() { return "even_layers"; }
 *   public void install(SequenceClassifier model) {
 *     model.parameters().trainOnly(a -> a.isHead() || a.layer() % 2 == 0);
 *   }
 * }
 * }</pre>
 */
public interface WholeModelMethod extends FineTuningMethod {

  /** @return true: base weights train, so the whole model is the checkpoint */
  @Override
  default boolean changesBaseWeights() {
    return true;
  }

  /** @return false: the method creates no parameter */
  @Override
  default boolean owns(String hfName) {
    return false;
  }

  /** @return no tensors: nothing of the method's own is saved */
  @Override
  default Map<String, long[]> expectedTensors(SequenceClassifier model) {
    return Map.of();
  }
}
