package dev.finetune.core.model;

import java.util.Objects;

/**
 * The layout of an architecture family's CLS sequence-classification head: the Hugging Face names
 * of its two projections and where dropout goes. With CLS pooling the head computes
 * {@code [dropout] -> poolerName dense + tanh -> dropout -> classifierName}, the first dropout
 * only when {@link #dropoutBeforePooler()}; with mean pooling it is always dropout then
 * {@value #MEAN_CLASSIFIER}.
 *
 * <pre>{@code
 * HeadLayout bert = new HeadLayout("pooler.dense", "classifier", false);
 * bert.outputName(Pooling.CLS_POOLER);   // "classifier"
 * }</pre>
 *
 * @param poolerName the dense layer on the first token, e.g. {@code pooler.dense}
 * @param classifierName the output projection after it, e.g. {@code classifier}
 * @param dropoutBeforePooler whether dropout is applied to the first token before the dense layer
 *     (RoBERTa) as well as after it
 */
public record HeadLayout(String poolerName, String classifierName, boolean dropoutBeforePooler) {

  /** The output projection of the mean-pooling head (this library's, for every family). */
  public static final String MEAN_CLASSIFIER = "classifier";

  /**
   * Checks the names.
   *
   * @param poolerName the dense layer on the first token
   * @param classifierName the output projection after it
   * @param dropoutBeforePooler whether dropout also comes before the dense layer
   * @throws IllegalArgumentException when a name is blank
   */
  public HeadLayout {
    Objects.requireNonNull(poolerName, "poolerName");
    Objects.requireNonNull(classifierName, "classifierName");
    if (poolerName.isBlank() || classifierName.isBlank()) {
      throw new IllegalArgumentException("HeadLayout needs a pooler name and a classifier name");
    }
  }

  /**
   * The name of the projection to the labels for a pooling.
   *
   * @param pooling {@link Pooling#CLS_POOLER} or {@link Pooling#MEAN}
   * @return {@link #classifierName()} for CLS pooling, else {@value #MEAN_CLASSIFIER}
   */
  public String outputName(Pooling pooling) {
    return pooling == Pooling.CLS_POOLER ? classifierName : MEAN_CLASSIFIER;
  }
}
