package dev.finetune.core.model;

import java.util.Objects;

/**
 * The layout of an architecture family's CLS sequence-classification head: the Hugging Face names
 * of its two projections, the pooler's activation and where dropout goes. With CLS pooling the
 * head computes {@code [dropout] -> poolerName dense + activation -> dropout -> classifierName},
 * the first dropout only when {@link #dropoutBeforePooler()}; with mean pooling it is always
 * dropout then {@value #MEAN_CLASSIFIER}.
 *
 * <pre>{@code
 * HeadLayout bert = new HeadLayout("pooler.dense", "classifier", false);
 * bert.outputName(Pooling.CLS_POOLER);   // "classifier"
 * HeadLayout distilbert =
 *     new HeadLayout("pre_classifier", "classifier", false, HeadLayout.Activation.RELU);
 * }</pre>
 *
 * @param poolerName the dense layer on the first token, e.g. {@code pooler.dense}
 * @param classifierName the output projection after it, e.g. {@code classifier}
 * @param dropoutBeforePooler whether dropout is applied to the first token before the dense layer
 *     (RoBERTa) as well as after it
 * @param poolerActivation the activation after the dense layer (tanh for BERT and RoBERTa, ReLU
 *     for DistilBERT's {@code pre_classifier}, GELU for DeBERTa's {@code ContextPooler})
 * @param poolerInBaseModel whether the pooler belongs to the base model, so task checkpoints
 *     store it under the family's prefix (BERT's {@code bert.pooler.dense}); DeBERTa's
 *     {@code pooler.dense} belongs to the task model and is stored without a prefix
 */
public record HeadLayout(
    String poolerName,
    String classifierName,
    boolean dropoutBeforePooler,
    Activation poolerActivation,
    boolean poolerInBaseModel) {

  /** The output projection of the mean-pooling head (this library's, for every family). */
  public static final String MEAN_CLASSIFIER = "classifier";

  /** The activation after the pooler's dense layer. */
  public enum Activation {
    /** tanh (BERT's pooler, RoBERTa's classification head). */
    TANH,
    /** ReLU (DistilBERT's {@code pre_classifier}). */
    RELU,
    /** Exact erf GELU (DeBERTa's {@code ContextPooler}, {@code pooler_hidden_act: gelu}). */
    GELU;

    /**
     * Applies the activation.
     *
     * @param x the pooler's dense output
     * @return the activated values
     */
    public ai.djl.ndarray.NDArray apply(ai.djl.ndarray.NDArray x) {
      return switch (this) {
        case TANH -> x.tanh();
        case RELU -> ai.djl.nn.Activation.relu(x);
        case GELU -> HiddenActivation.GELU.apply(x);
      };
    }
  }

  /**
   * Checks the names.
   *
   * @param poolerName the dense layer on the first token
   * @param classifierName the output projection after it
   * @param dropoutBeforePooler whether dropout also comes before the dense layer
   * @param poolerActivation the activation after the dense layer
   * @param poolerInBaseModel whether the pooler is stored under the family's prefix
   * @throws IllegalArgumentException when a name is blank
   */
  public HeadLayout {
    Objects.requireNonNull(poolerName, "poolerName");
    Objects.requireNonNull(classifierName, "classifierName");
    Objects.requireNonNull(poolerActivation, "poolerActivation");
    if (poolerName.isBlank() || classifierName.isBlank()) {
      throw new IllegalArgumentException("HeadLayout needs a pooler name and a classifier name");
    }
  }

  /**
   * A head whose pooler is part of the base model exactly when it is named {@code pooler.*}
   * (BERT's; RoBERTa's and DistilBERT's heads are not).
   *
   * @param poolerName the dense layer on the first token
   * @param classifierName the output projection after it
   * @param dropoutBeforePooler whether dropout also comes before the dense layer
   * @param poolerActivation the activation after the dense layer
   */
  public HeadLayout(
      String poolerName,
      String classifierName,
      boolean dropoutBeforePooler,
      Activation poolerActivation) {
    this(poolerName, classifierName, dropoutBeforePooler, poolerActivation,
        poolerName.startsWith("pooler."));
  }

  /**
   * A head with a tanh pooler (BERT, RoBERTa).
   *
   * @param poolerName the dense layer on the first token
   * @param classifierName the output projection after it
   * @param dropoutBeforePooler whether dropout also comes before the dense layer
   */
  public HeadLayout(String poolerName, String classifierName, boolean dropoutBeforePooler) {
    this(poolerName, classifierName, dropoutBeforePooler, Activation.TANH);
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

  /**
   * Tells whether a head parameter belongs to the task model rather than the base model, so a
   * checkpoint stores it without the family's prefix: everything of the head except a pooler
   * that is part of the base model ({@link #poolerInBaseModel()}: BERT's pooler is part of
   * {@code BertModel}; RoBERTa's {@code classifier.dense}, DistilBERT's {@code pre_classifier} and
   * DeBERTa's {@code pooler.dense} are not).
   *
   * @param hfName a parameter name
   * @return true for the classifier and a pooler outside the base model
   */
  public boolean outsideBaseModel(String hfName) {
    return hfName.startsWith(MEAN_CLASSIFIER + ".")
        || hfName.startsWith(classifierName + ".")
        || (!poolerInBaseModel && hfName.startsWith(poolerName + "."));
  }
}
