package dev.finetune.core.train;

import ai.djl.ndarray.NDArray;

/**
 * The training losses, as mean over the batch: softmax cross-entropy for classification and mean
 * squared error for regression (Hugging Face's {@code *ForSequenceClassification} choice by
 * {@code num_labels}).
 *
 * <pre>{@code
 * NDArray loss = Losses.crossEntropy(logits, labels);   // logits (B, C), labels (B) int64
 * }</pre>
 */
public final class Losses {

  private Losses() {}

  /**
   * Softmax cross-entropy: {@code mean_i(-log softmax(logits_i)[label_i])}.
   *
   * @param logits (B, C) float
   * @param labels (B) integer class ids in {@code [0, C)}
   * @return a scalar
   */
  public static NDArray crossEntropy(NDArray logits, NDArray labels) {
    int classes = Math.toIntExact(logits.getShape().get(1));
    NDArray logProbabilities = logits.logSoftmax(1);
    NDArray oneHot = labels.oneHot(classes, logProbabilities.getDataType());
    return logProbabilities.mul(oneHot).sum(new int[] {1}).mean().neg();
  }

  /**
   * Mean squared error between a single-output head and float targets.
   *
   * @param predictions (B, 1) or (B) float
   * @param targets (B) float
   * @return a scalar
   */
  public static NDArray meanSquaredError(NDArray predictions, NDArray targets) {
    NDArray flat = predictions.reshape(-1);
    return flat.sub(targets.toType(flat.getDataType(), false)).square().mean();
  }

  /**
   * The loss that fits the head: MSE for one output, cross-entropy otherwise.
   *
   * @param logits (B, C) head output
   * @param labels (B) class ids, or float targets when {@code C == 1}
   * @return a scalar
   */
  public static NDArray forHead(NDArray logits, NDArray labels) {
    return logits.getShape().get(1) == 1
        ? meanSquaredError(logits, labels)
        : crossEntropy(logits, labels);
  }
}
