package dev.finetune.core.train.callbacks;

import dev.finetune.core.params.ModelParameter;
import dev.finetune.core.params.Reinitialization;
import dev.finetune.core.train.TrainingContext;
import dev.finetune.core.train.TrainingListener;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-initialises the top {@code n} encoder layers (and by default the pooler) before the first
 * step, as Zhang et al. 2021 ("Revisiting few-sample BERT fine-tuning") recommend; their best
 * {@code n} was small (too many hurts). Weights are drawn BERT-style (normal with the config's
 * initializer range, biases zero, LayerNorm ones) from a seed, by default the run's seed. Nothing
 * happens when the fit resumes from a checkpoint: the layers were re-initialised and trained then.
 *
 * <pre>{@code
 * FineTune.of(model).callbacks(ReinitTopLayers.of(2).pooler(true)).fit(train, dev);
 * }</pre>
 */
public final class ReinitTopLayers implements TrainingListener {

  private static final Logger LOG = LoggerFactory.getLogger(ReinitTopLayers.class);

  private final int layers;
  private final boolean pooler;
  private final Long seed;

  private ReinitTopLayers(int layers, boolean pooler, Long seed) {
    this.layers = layers;
    this.pooler = pooler;
    this.seed = seed;
  }

  /**
   * Re-initialises the top {@code n} layers and the pooler.
   *
   * @param n layers from the top, {@code >= 1}
   * @return the callback
   */
  public static ReinitTopLayers of(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("ReinitTopLayers.of(" + n + "): n must be >= 1");
    }
    return new ReinitTopLayers(n, true, null);
  }

  /**
   * Sets whether the pooler is re-initialised too (default true).
   *
   * @param value true to re-initialise it
   * @return a new callback
   */
  public ReinitTopLayers pooler(boolean value) {
    return new ReinitTopLayers(layers, value, seed);
  }

  /**
   * Sets the seed of the new weights (default: the run's seed).
   *
   * @param value the seed
   * @return a new callback
   */
  public ReinitTopLayers seed(long value) {
    return new ReinitTopLayers(layers, pooler, value);
  }

  @Override
  public void onFitStart(TrainingContext context) {
    if (context.resumed()) {
      LOG.info("resumed run: the top {} layers are not re-initialised again", layers);
      return;
    }
    if (layers > context.numLayers()) {
      throw new IllegalArgumentException("ReinitTopLayers.of(" + layers + "): the model has only "
          + context.numLayers() + " encoder layers; use n <= " + context.numLayers());
    }
    List<ModelParameter> changed = Reinitialization.topLayers(context.parameters(), layers, pooler,
        context.model().config().initializerRange(), seed != null ? seed : context.config().seed());
    changed.forEach(p -> context.optimizer().resetState(p.hfName()));
    LOG.info("re-initialised the top {} layers{} ({} tensors)", layers,
        pooler ? " and the pooler" : "", changed.size());
  }

  @Override
  public String toString() {
    return "reinit top " + layers + (pooler ? " + pooler" : "");
  }
}
