package dev.finetune.core.predict;

import dev.finetune.core.model.SequenceClassifier;
import java.util.Locale;

/**
 * What a model's outputs mean, as Hugging Face's {@code problem_type} names it, and how they become
 * scores: softmax probabilities for one label per text, independent sigmoid probabilities for
 * multi-label heads, the value itself for regression. A new head kind adds a constant here and a
 * case in {@link #of(SequenceClassifier)}.
 *
 * <pre>{@code
 * ProblemType type = ProblemType.of(model);
 * float[] probabilities = type.scores(logits);
 * }</pre>
 */
public enum ProblemType {
  /** One class per text: softmax over the logits. */
  SINGLE_LABEL_CLASSIFICATION,
  /** Any number of classes per text: a sigmoid per logit. */
  MULTI_LABEL_CLASSIFICATION,
  /** One number per text: the output itself. */
  REGRESSION;

  /**
   * The problem type of a model's head.
   *
   * @param model the model
   * @return {@link #REGRESSION} for a regression head, else {@link #SINGLE_LABEL_CLASSIFICATION}
   */
  public static ProblemType of(SequenceClassifier model) {
    return model.isRegression() ? REGRESSION : SINGLE_LABEL_CLASSIFICATION;
  }

  /**
   * The Hugging Face name.
   *
   * @return e.g. {@code single_label_classification}
   */
  public String hfName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Turns one row of logits into scores.
   *
   * @param logits the model's outputs for one text
   * @return probabilities (or the value for regression), a new array
   */
  public float[] scores(float[] logits) {
    float[] out = new float[logits.length];
    switch (this) {
      case SINGLE_LABEL_CLASSIFICATION -> {
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
