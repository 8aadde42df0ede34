package dev.finetune.core.train;

import ai.djl.ndarray.NDArray;
import dev.finetune.core.data.TextDataset;

/**
 * A training loss: the head's logits and the batch's labels to a scalar, differentiable with DJL's
 * NDArray operations. The built-in ones are in {@link Losses}; any lambda works as a user-supplied
 * loss and is chosen in the chain with {@link FineTune#loss(Loss)}. The same loss gives the
 * validation loss.
 *
 * <pre>{@code
 * Loss l1 = (logits, labels) -> logits.reshape(-1).sub(labels).abs().mean();  // regression MAE
 * FineTune.of(model).loss(l1).fit(train, dev);
 * }</pre>
 */
@FunctionalInterface
public interface Loss {

  /**
   * The loss of one batch.
   *
   * @param logits the head's output, (B, numLabels) float
   * @param labels the batch's labels: (B) int64 class ids for single-label classification, (B)
   *     float targets for regression, (B, numLabels) float multi-hot for multi-label
   * @return a scalar NDArray (the batch mean, or the reduction the loss defines)
   */
  NDArray compute(NDArray logits, NDArray labels);

  /**
   * The loss fitted to the training set before training starts, e.g. class weights from label
   * frequencies; most losses return themselves.
   *
   * @param train the training set
   * @return the loss to train with
   */
  default Loss prepare(TextDataset train) {
    return this;
  }

  /**
   * The loss as the report's settings line shows it.
   *
   * @return e.g. {@code cross_entropy(label_smoothing=0.1)}; {@code custom} for a lambda
   */
  default String describe() {
    return "custom";
  }
}
