package dev.finetune.peft;

import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.train.ModelTransform;
import dev.finetune.schedules.ParameterSelector;

/**
 * BitFit (Ben Zaken et al. 2021): train only the biases of the base (all of them, LayerNorm
 * biases included, or a chosen subset) and the head. Combines with LoRA or adapters: the first
 * frozen-base method freezes the base, later ones add what they train.
 *
 * <pre>{@code
 * FineTune.of(model).peft(Peft.bitFit()).fit(train, dev);
 * FineTune.of(model).peft(Peft.bitFit().only(ParameterSelector.modules("query", "intermediate.dense")));
 * }</pre>
 */
public final class BitFit implements ModelTransform {

  private final ParameterSelector subset;
  private final boolean trainHead;

  private BitFit(ParameterSelector subset, boolean trainHead) {
    this.subset = subset;
    this.trainHead = trainHead;
  }

  /**
   * Every bias of the base.
   *
   * @return the configuration
   */
  public static BitFit allBiases() {
    return new BitFit(ParameterSelector.all(), true);
  }

  /**
   * Restricts to the biases a selector also picks.
   *
   * @param selector e.g. {@code ParameterSelector.modules("query")}
   * @return a copy
   */
  public BitFit only(ParameterSelector selector) {
    return new BitFit(java.util.Objects.requireNonNull(selector), trainHead);
  }

  /**
   * Chooses whether the head trains.
   *
   * @param value false to freeze the head
   * @return a copy
   */
  public BitFit trainHead(boolean value) {
    return new BitFit(subset, value);
  }

  ParameterSelector subset() {
    return subset;
  }

  @Override
  public void apply(SequenceClassifier model) {
    int numLayers = model.config().numLayers();
    PeftParameters.freezeBaseOnce(model);
    int n = model.parameters().unfreeze(
        a -> PeftParameters.isBase(a) && a.isBias() && subset.matches(a, numLayers));
    if (n == 0) {
      throw new IllegalArgumentException("BitFit selector " + subset + " matches no bias of the model");
    }
    PeftParameters.head(model, trainHead);
  }

  @Override
  public String describe() {
    return "bitfit(" + subset + ")";
  }
}
