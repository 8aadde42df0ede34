package dev.finetune.peft;

import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.train.ModelTransform;
import dev.finetune.schedules.ParameterRole;
import dev.finetune.schedules.ParameterSelector;

/**
 * Selective fine-tuning presets (Lee et al. 2019): exactly the chosen part of the base trains,
 * plus the head (unless told otherwise) and any PEFT parameters already added.
 *
 * <pre>{@code
 * FineTune.of(model).peft(Selective.topLayers(2)).fit(train, dev);
 * FineTune.of(model).peft(Selective.embeddingsOnly().trainHead(true)).fit(train, dev);
 * }</pre>
 */
public final class Selective implements ModelTransform {

  private final String label;
  private final ParameterSelector selector;
  private final boolean trainHead;
  private final int topK;

  private Selective(String label, ParameterSelector selector, boolean trainHead) {
    this(label, selector, trainHead, -1);
  }

  private Selective(String label, ParameterSelector selector, boolean trainHead, int topK) {
    this.topK = topK;
    this.label = label;
    this.selector = selector;
    this.trainHead = trainHead;
  }

  /**
   * The embedding layer (word, position, token-type embeddings and their LayerNorm).
   *
   * @return the preset
   */
  public static Selective embeddingsOnly() {
    return new Selective("embeddings-only", ParameterSelector.embeddings(), true);
  }

  /**
   * Every encoder layer; the embeddings stay frozen.
   *
   * @return the preset
   */
  public static Selective encoderOnly() {
    return new Selective("encoder-only", ParameterSelector.encoderLayers(), true);
  }

  /**
   * The top {@code k} encoder layers.
   *
   * @param k layers from the top, 0..L
   * @return the preset
   */
  public static Selective topLayers(int k) {
    return new Selective("top-" + k + "-layers", ParameterSelector.topLayers(k), true, k);
  }

  /**
   * Only the head (pooler and classifier).
   *
   * @return the preset
   */
  public static Selective headOnly() {
    return new Selective("head-only", ParameterSelector.none(), true);
  }

  /**
   * Any selection of base parameters.
   *
   * @param selector which parameters train
   * @return the preset
   */
  public static Selective of(ParameterSelector selector) {
    return new Selective(selector.toString(), selector, true);
  }

  /**
   * Chooses whether the head trains.
   *
   * @param value false to freeze the head
   * @return a copy
   */
  public Selective trainHead(boolean value) {
    return new Selective(label, selector, value, topK);
  }

  @Override
  public void apply(SequenceClassifier model) {
    int numLayers = model.config().numLayers();
    if (topK > numLayers) {
      throw new IllegalArgumentException(
          "topLayers(" + topK + ") but the model has only " + numLayers + " layers");
    }
    model.parameters().trainOnly(
        a -> (PeftParameters.isBase(a) && selector.matches(a, numLayers))
            || a.role() == ParameterRole.PEFT
            || (trainHead && a.isHead()));
  }

  @Override
  public String describe() {
    return label;
  }
}
