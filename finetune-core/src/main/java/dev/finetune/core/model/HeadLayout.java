package dev.finetune.core.model;

import ai.djl.ndarray.NDArray;
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
 * @param poolerActivation the activation after the dense layer (tanh for BERT, RoBERTa and
 *     ALBERT, ReLU for DistilBERT's {@code pre_classifier}, GELU for ELECTRA's classification
 *     head, DeBERTa's {@code ContextPooler} and ModernBERT's {@code head.dense})
 * @param poolerNorm a LayerNorm after the activation (ModernBERT's {@code head.norm}), or empty
 *     for none
 * @param poolerOnEveryHead whether the dense layer (with activation and norm) also runs for mean
 *     pooling (on the mean) and token heads (on every token), before dropout and the classifier
 *     ({@code ModernBertPredictionHead}); otherwise those heads have no dense layer
 * @param poolerInBaseModel whether the pooler belongs to the base model, so task checkpoints
 *     store it under the family's prefix (BERT's {@code bert.pooler.dense}, ALBERT's
 *     {@code albert.pooler}); DeBERTa's {@code pooler.dense} belongs to the task model and is
 *     stored without a prefix
 */
public record HeadLayout(
    String poolerName,
    String classifierName,
    boolean dropoutBeforePooler,
    Activation poolerActivation,
    String poolerNorm,
    boolean poolerOnEveryHead,
    boolean poolerInBaseModel) {

  /** The output projection of the mean-pooling head (this library's, for every family). */
  public static final String MEAN_CLASSIFIER = "classifier";

  /** The activation after the pooler's dense layer. */
  public enum Activation {
    /** tanh (BERT's pooler, RoBERTa's classification head). */
    TANH,
    /** ReLU (DistilBERT's {@code pre_classifier}). */
    RELU,
    /**
     * Exact (erf) GELU (ELECTRA's {@code ElectraClassificationHead}, DeBERTa's
     * {@code ContextPooler}, ModernBERT's {@code classifier_activation}, default {@code gelu}).
     */
    GELU;

    /**
     * Applies the activation.
     *
     * @param x the dense layer's output
     * @return a new array
     */
    public NDArray apply(NDArray x) {
      return switch (this) {
        case TANH -> x.tanh();
        case RELU -> ai.djl.nn.Activation.relu(x);
        case GELU -> ai.djl.nn.Activation.gelu(x);
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
   * @param poolerNorm the norm after the activation, or empty
   * @param poolerOnEveryHead whether mean-pooling and token heads run the dense layer too
   * @param poolerInBaseModel whether the pooler is stored under the family's prefix
   * @throws IllegalArgumentException when a name is blank
   */
  public HeadLayout {
    Objects.requireNonNull(poolerName, "poolerName");
    Objects.requireNonNull(classifierName, "classifierName");
    Objects.requireNonNull(poolerActivation, "poolerActivation");
    Objects.requireNonNull(poolerNorm, "poolerNorm (empty for none)");
    if (poolerName.isBlank() || classifierName.isBlank()) {
      throw new IllegalArgumentException("HeadLayout needs a pooler name and a classifier name");
    }
  }

  /**
   * A head whose dense layer runs for CLS pooling only, without a norm, and whose pooler is part
   * of the base model exactly when it is named {@code pooler} or {@code pooler.*} (BERT's and
   * ALBERT's; RoBERTa's, DistilBERT's and ELECTRA's heads are not).
   *
   * @param poolerName the dense layer on the first token
   * @param classifierName the output projection after it
   * @param dropoutBeforePooler whether dropout also comes before the dense layer
   * @param poolerActivation the activation after the dense layer
   */
  public HeadLayout(String poolerName, String classifierName, boolean dropoutBeforePooler,
      Activation poolerActivation) {
    this(poolerName, classifierName, dropoutBeforePooler, poolerActivation, "", false);
  }

  /**
   * A head whose dense layer runs for CLS pooling only, without a norm, with the pooler's place
   * said explicitly (DeBERTa's {@code pooler.dense} is the task model's).
   *
   * @param poolerName the dense layer on the first token
   * @param classifierName the output projection after it
   * @param dropoutBeforePooler whether dropout also comes before the dense layer
   * @param poolerActivation the activation after the dense layer
   * @param poolerInBaseModel whether the pooler is stored under the family's prefix
   */
  public HeadLayout(String poolerName, String classifierName, boolean dropoutBeforePooler,
      Activation poolerActivation, boolean poolerInBaseModel) {
    this(poolerName, classifierName, dropoutBeforePooler, poolerActivation, "", false,
        poolerInBaseModel);
  }

  /**
   * A head with a norm or a dense layer on every head kind (ModernBERT), its pooler outside the
   * base model unless it is named {@code pooler} or {@code pooler.*}.
   *
   * @param poolerName the dense layer
   * @param classifierName the output projection after it
   * @param dropoutBeforePooler whether dropout also comes before the dense layer
   * @param poolerActivation the activation after the dense layer
   * @param poolerNorm the norm after the activation, or empty
   * @param poolerOnEveryHead whether mean-pooling and token heads run the dense layer too
   */
  public HeadLayout(String poolerName, String classifierName, boolean dropoutBeforePooler,
      Activation poolerActivation, String poolerNorm, boolean poolerOnEveryHead) {
    this(poolerName, classifierName, dropoutBeforePooler, poolerActivation, poolerNorm,
        poolerOnEveryHead, poolerName.equals("pooler") || poolerName.startsWith("pooler."));
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
   * The modules of the head's dense block: the dense layer and, when there is one, its norm.
   *
   * @return e.g. {@code [pooler.dense]}, {@code [head.dense, head.norm]}
   */
  public java.util.List<String> poolerModules() {
    return poolerNorm.isEmpty() ? java.util.List.of(poolerName)
        : java.util.List.of(poolerName, poolerNorm);
  }

  /**
   * Tells whether a head parameter belongs to the task model rather than the base model, so a
   * checkpoint stores it without the family's prefix: everything of the head except a pooler
   * that is part of the base model ({@link #poolerInBaseModel()}: BERT's {@code pooler.dense} is
   * part of {@code BertModel}, ALBERT's {@code pooler} of {@code AlbertModel}; RoBERTa's
   * {@code classifier.dense}, DistilBERT's {@code pre_classifier} and DeBERTa's
   * {@code pooler.dense} are not).
   *
   * @param hfName a parameter name
   * @return true for the classifier and a pooler outside the base model
   */
  public boolean outsideBaseModel(String hfName) {
    return hfName.startsWith(MEAN_CLASSIFIER + ".")
        || hfName.startsWith(classifierName + ".")
        || (!poolerInBaseModel && hfName.startsWith(poolerName + "."))
        || (!poolerNorm.isEmpty() && hfName.startsWith(poolerNorm + "."));
  }
}
