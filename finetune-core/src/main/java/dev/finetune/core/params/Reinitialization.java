package dev.finetune.core.params;

import ai.djl.ndarray.NDArray;
import dev.finetune.schedules.ParameterAddress;
import dev.finetune.schedules.ParameterRole;
import dev.finetune.schedules.ParameterSelector;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-initialises the top encoder layers and the pooler (Zhang et al. 2021, "Revisiting
 * Few-sample BERT Fine-tuning"): weights N(0, initializer_range²), LayerNorm weight 1 and bias 0,
 * biases 0, seeded. Values are written in place, so optimizers and parameter stores keep working.
 *
 * <pre>{@code
 * Reinitialization.topLayers(model.parameters(), 2, true, 0.02, 42);
 * }</pre>
 */
public final class Reinitialization {

  private static final Logger LOG = LoggerFactory.getLogger(Reinitialization.class);

  private Reinitialization() {}

  /**
   * Re-initialises the top {@code n} encoder layers, and the pooler when asked.
   *
   * @param parameters the model's parameters
   * @param n how many layers from the top (0 re-initialises none)
   * @param pooler whether {@code pooler.*} is re-initialised too
   * @param initializerRange the weights' standard deviation (config {@code initializer_range})
   * @param seed the seed
   * @return the re-initialised parameters
   * @throws IllegalArgumentException when n is negative or exceeds the number of layers
   */
  public static List<ModelParameter> topLayers(
      ModelParameters parameters, int n, boolean pooler, double initializerRange, long seed) {
    int layers = parameters.numLayers();
    if (n < 0 || n > layers) {
      throw new IllegalArgumentException(
          "cannot re-initialise the top " + n + " layers of a model with " + layers + " layers");
    }
    int first = layers - n;
    ParameterSelector chosen =
        (n > 0 ? ParameterSelector.layers(first, layers - 1) : ParameterSelector.none())
            .or(pooler ? ParameterSelector.glob("pooler.*") : ParameterSelector.none())
            .and(ParameterSelector.role(ParameterRole.PEFT).negate());
    List<ModelParameter> selected = parameters.select(chosen);
    for (ModelParameter p : selected) {
      NDArray array = p.parameter().getArray();
      array.set(SeededInit.bertStyle(seed, p.hfName(), (int) p.size(), initializerRange));
    }
    LOG.info(
        "re-initialised {} tensors: layers {}..{}{} (N(0, {}), seed {})",
        selected.size(),
        first,
        layers - 1,
        pooler ? " and the pooler" : "",
        initializerRange,
        seed);
    return selected;
  }
}
