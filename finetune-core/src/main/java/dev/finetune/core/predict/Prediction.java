package dev.finetune.core.predict;

import dev.finetune.core.model.ProblemType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The model's answer for one text: logits, scores (softmax probabilities, sigmoid probabilities
 * for multi-label heads, or the value for regression), the best label by name and id, the top k,
 * and for multi-label heads the {@link #labels() labels over their decision thresholds}.
 *
 * <pre>{@code
 * Prediction p = predictor.predict("a gripping film");
 * p.label();        // "positive"
 * p.score();        // 0.93
 * p.topK(2);        // [positive 0.93, negative 0.07]
 * emotions.predict("thanks, I love it").labels();   // [gratitude 0.91, love 0.62]
 * stsb.predictPair("A man eats.", "Someone eats.").value();   // 4.2
 * }</pre>
 *
 * @param problemType how the scores were computed
 * @param labelNames the class names, index = class id
 * @param logits the raw outputs
 * @param scores the scores, one per output
 * @param thresholds a multi-label head's decision thresholds, one per label (empty for other heads)
 */
public record Prediction(ProblemType problemType, List<String> labelNames, float[] logits,
    float[] scores, double[] thresholds) {

  /**
   * A class name with its id and score.
   *
   * <pre>{@code
   * Prediction.LabelScore best = prediction.topK(1).get(0);
   * best.label();   // "positive"
   * }</pre>
   *
   * @param label the class name
   * @param id the class id
   * @param score its score
   */
  public record LabelScore(String label, int id, float score) {
    @Override
    public String toString() {
      return label + " " + score;
    }
  }

  /** Checks the sizes and copies the arrays. */
  public Prediction {
    Objects.requireNonNull(problemType, "problemType");
    labelNames = List.copyOf(labelNames);
    logits = logits.clone();
    scores = scores.clone();
    thresholds = thresholds.clone();
    if (logits.length != scores.length || logits.length != labelNames.size()) {
      throw new IllegalArgumentException("logits, scores and label names differ in length: "
          + logits.length + ", " + scores.length + ", " + labelNames.size());
    }
    int expected = problemType == ProblemType.MULTI_LABEL_CLASSIFICATION ? logits.length : 0;
    if (thresholds.length != expected) {
      throw new IllegalArgumentException("a " + problemType.hfName() + " prediction needs "
          + expected + " decision thresholds, got " + thresholds.length);
    }
  }

  /**
   * A prediction with the default decision threshold 0.5 for each label of a multi-label head.
   *
   * @param problemType how the scores were computed
   * @param labelNames the class names
   * @param logits the raw outputs
   * @param scores the scores
   */
  public Prediction(
      ProblemType problemType, List<String> labelNames, float[] logits, float[] scores) {
    this(problemType, labelNames, logits, scores,
        problemType == ProblemType.MULTI_LABEL_CLASSIFICATION ? half(logits.length) : new double[0]);
  }

  private static double[] half(int n) {
    double[] t = new double[n];
    Arrays.fill(t, 0.5);
    return t;
  }

  /**
   * The predicted labels: for a multi-label head every label whose probability reaches its decision
   * threshold (in id order; possibly none), for a single-label head the best one.
   *
   * @return the labels with their scores
   * @throws IllegalStateException for a regression head (use {@link #value()})
   */
  public List<LabelScore> labels() {
    switch (problemType) {
      case MULTI_LABEL_CLASSIFICATION -> {
        List<LabelScore> out = new ArrayList<>();
        for (int i = 0; i < scores.length; i++) {
          if (scores[i] >= thresholds[i]) {
            out.add(new LabelScore(labelNames.get(i), i, scores[i]));
          }
        }
        return List.copyOf(out);
      }
      case SINGLE_LABEL_CLASSIFICATION -> {
        return List.of(new LabelScore(label(), labelId(), score()));
      }
      default -> throw new IllegalStateException(
          "a regression head predicts a value, not labels: use value()");
    }
  }

  /**
   * Tells, per label, whether it is predicted ({@link #labels()} as a multi-hot row).
   *
   * @return one flag per label
   */
  public boolean[] multiHot() {
    boolean[] out = new boolean[scores.length];
    labels().forEach(l -> out[l.id()] = true);
    return out;
  }

  /**
   * The best class id: the largest logit, the first on ties (as {@code torch.argmax}).
   *
   * @return the class id (0 for regression)
   */
  public int labelId() {
    int best = 0;
    for (int i = 1; i < logits.length; i++) {
      if (logits[i] > logits[best]) {
        best = i;
      }
    }
    return best;
  }

  /**
   * The best class's name.
   *
   * @return e.g. {@code positive}
   */
  public String label() {
    return labelNames.get(labelId());
  }

  /**
   * The best class's score.
   *
   * @return its probability (the value for regression)
   */
  public float score() {
    return scores[labelId()];
  }

  /**
   * The predicted value of a regression head.
   *
   * @return the single output
   * @throws IllegalStateException for a classifier
   */
  public float value() {
    if (problemType != ProblemType.REGRESSION) {
      throw new IllegalStateException("value() is for regression heads; this is "
          + problemType.hfName() + ": use label() and score()");
    }
    return logits[0];
  }

  /**
   * The k best classes, best first (ties keep id order).
   *
   * @param k how many, at least 1 (more than the classes gives them all)
   * @return the classes with their scores
   */
  public List<LabelScore> topK(int k) {
    if (k < 1) {
      throw new IllegalArgumentException("topK needs k >= 1, got " + k);
    }
    List<LabelScore> all = new ArrayList<>();
    for (int i = 0; i < scores.length; i++) {
      all.add(new LabelScore(labelNames.get(i), i, scores[i]));
    }
    all.sort(Comparator.comparingDouble((LabelScore s) -> -logits[s.id()]));
    return List.copyOf(all.subList(0, Math.min(k, all.size())));
  }

  /**
   * The classes whose score reaches a threshold (for multi-label heads).
   *
   * @param threshold e.g. 0.5
   * @return the classes, in id order
   */
  public List<LabelScore> labelsAbove(float threshold) {
    List<LabelScore> out = new ArrayList<>();
    for (int i = 0; i < scores.length; i++) {
      if (scores[i] >= threshold) {
        out.add(new LabelScore(labelNames.get(i), i, scores[i]));
      }
    }
    return out;
  }

  @Override
  public float[] logits() {
    return logits.clone();
  }

  @Override
  public float[] scores() {
    return scores.clone();
  }

  @Override
  public double[] thresholds() {
    return thresholds.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Prediction p && problemType == p.problemType
        && labelNames.equals(p.labelNames) && Arrays.equals(logits, p.logits)
        && Arrays.equals(scores, p.scores) && Arrays.equals(thresholds, p.thresholds);
  }

  @Override
  public int hashCode() {
    return Objects.hash(problemType, labelNames, Arrays.hashCode(logits));
  }

  @Override
  public String toString() {
    return switch (problemType) {
      case REGRESSION -> "Prediction(" + logits[0] + ")";
      case MULTI_LABEL_CLASSIFICATION -> "Prediction(" + labels() + ", logits "
          + Arrays.toString(logits) + ")";
      default -> "Prediction(" + label() + " " + score() + ", logits " + Arrays.toString(logits)
          + ")";
    };
  }
}
