package dev.finetune.core.model;

import java.util.Arrays;
import java.util.Locale;

/**
 * What a head predicts, as Hugging Face's {@code problem_type} in {@code config.json} names it
 * for sequence heads; {@link #TOKEN_CLASSIFICATION} is the head of {@code *ForTokenClassification}
 * (one prediction per token), which Hugging Face records by its {@code architectures} entry rather
 * than a {@code problem_type}. It picks the default loss (cross-entropy, binary cross-entropy with
 * logits, mean squared error, cross-entropy over labelled tokens) and the validation metrics, and
 * is saved with the model and read back. Without an explicit choice it is inferred as Hugging Face
 * infers it: one output is regression, more are single-label classification.
 *
 * <pre>{@code
 * SequenceClassifier m = encoder.classifier().multiLabel(28).build();
 * m.problemType();                                           // MULTI_LABEL_CLASSIFICATION
 * ProblemType.fromHfName("regression").hfName();             // "regression"
 * }</pre>
 */
public enum ProblemType {
  /** One class per example: softmax cross-entropy, accuracy / F1 / MCC. */
  SINGLE_LABEL_CLASSIFICATION,
  /** Any set of classes per example: sigmoid + binary cross-entropy, micro/macro F1, Hamming. */
  MULTI_LABEL_CLASSIFICATION,
  /** One real-valued score per example: mean squared error, Pearson and Spearman. */
  REGRESSION,
  /**
   * One class per token (named entities, IOB2 tags): no pooling, the classifier on every hidden
   * state, cross-entropy over the labelled tokens (label -100 ignored), entity-level F1.
   */
  TOKEN_CLASSIFICATION;

  /** The suffix of Hugging Face's token-classification architectures. */
  public static final String TOKEN_ARCHITECTURE_SUFFIX = "ForTokenClassification";

  /**
   * Tells whether the head predicts one row of outputs per token rather than per text.
   *
   * @return true for {@link #TOKEN_CLASSIFICATION}
   */
  public boolean perToken() {
    return this == TOKEN_CLASSIFICATION;
  }

  /**
   * Whether Hugging Face accepts this value as {@code problem_type} in {@code config.json} (its
   * configuration refuses any other): false for token classification, which the architecture
   * records.
   *
   * @return true for the three sequence-head values
   */
  public boolean savedAsProblemType() {
    return this != TOKEN_CLASSIFICATION;
  }

  /**
   * Hugging Face's inference when {@code problem_type} is unset: 1 output is regression, more are
   * single-label classification.
   *
   * @param numLabels the head's outputs
   * @return the inferred problem type
   */
  public static ProblemType infer(int numLabels) {
    return numLabels == 1 ? REGRESSION : SINGLE_LABEL_CLASSIFICATION;
  }

  /**
   * The problem type named as in {@code config.json} (case-insensitive).
   *
   * @param name {@code single_label_classification}, {@code multi_label_classification} or
   *     {@code regression}
   * @return the problem type
   * @throws IllegalArgumentException naming the valid values for an unknown name
   */
  public static ProblemType fromHfName(String name) {
    for (ProblemType type : values()) {
      if (type.hfName().equalsIgnoreCase(name.strip())) {
        return type;
      }
    }
    throw new IllegalArgumentException("unknown problem_type '" + name + "': expected one of "
        + Arrays.stream(values()).map(ProblemType::hfName).toList());
  }

  /**
   * The name Hugging Face writes in {@code config.json}.
   *
   * @return e.g. {@code multi_label_classification}
   */
  public String hfName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Checks that a head with {@code numLabels} outputs can solve this problem.
   *
   * @param numLabels the outputs
   * @throws IllegalArgumentException naming both when they do not fit
   */
  public void checkOutputs(int numLabels) {
    if (this == REGRESSION && numLabels != 1) {
      throw new IllegalArgumentException("a regression head has 1 output, got numLabels " + numLabels);
    }
    if (this == TOKEN_CLASSIFICATION && numLabels < 2) {
      throw new IllegalArgumentException("token classification needs at least 2 tags (O and one"
          + " entity tag), got numLabels " + numLabels);
    }
    if (this == SINGLE_LABEL_CLASSIFICATION && numLabels < 2) {
      throw new IllegalArgumentException("single-label classification needs at least 2 labels, got "
          + numLabels + "; use regression() for one real-valued output");
    }
    if (numLabels < 1) {
      throw new IllegalArgumentException("numLabels must be at least 1, got " + numLabels);
    }
  }

  @Override
  public String toString() {
    return hfName();
  }

  /**
   * Turns one row of logits into scores.
   *
   * @param logits the model's outputs for one text (for token classification: for one token)
   * @return probabilities (or the value for regression), a new array
   */
  public float[] scores(float[] logits) {
    float[] out = new float[logits.length];
    switch (this) {
      case SINGLE_LABEL_CLASSIFICATION, TOKEN_CLASSIFICATION -> {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
          max = Math.max(max, v);
        }
        double sum = 0;
        double[] e = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
          e[i] = Math.exp(logits[i] - max);
          sum += e[i];
        }
        for (int i = 0; i < logits.length; i++) {
          out[i] = (float) (e[i] / sum);
        }
      }
      case MULTI_LABEL_CLASSIFICATION -> {
        for (int i = 0; i < logits.length; i++) {
          out[i] = (float) (1 / (1 + Math.exp(-logits[i])));
        }
      }
      case REGRESSION -> System.arraycopy(logits, 0, out, 0, logits.length);
    }
    return out;
  }
}
