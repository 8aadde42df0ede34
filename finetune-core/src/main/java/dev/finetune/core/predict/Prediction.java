package dev.finetune.core.predict;

import dev.finetune.core.model.ProblemType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The model's answer for one text: logits, scores (probabilities, or the value for regression),
 * the best label by name and id, and the top k.
 *
 * <pre>{@code
 * Prediction p = predictor.predict("a gripping film");
 * p.label();        // "positive"
 * p.score();        // 0.93
 * p.topK(2);        // [positive 0.93, negative 0.07]
 * }</pre>
 *
 * @param problemType how the scores were computed
 * @param labelNames the class names, index = class id
 * @param logits the raw outputs
 * @param scores the scores, one per output
 */
public record Prediction(
    ProblemType problemType, List<String> labelNames, float[] logits, float[] scores) {

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
    if (logits.length != scores.length || logits.length != labelNames.size()) {
      throw new IllegalArgumentException("logits, scores and label names differ in length: "
          + logits.length + ", " + scores.length + ", " + labelNames.size());
    }
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
  public boolean equals(Object o) {
    return o instanceof Prediction p && problemType == p.problemType
        && labelNames.equals(p.labelNames) && Arrays.equals(logits, p.logits)
        && Arrays.equals(scores, p.scores);
  }

  @Override
  public int hashCode() {
    return Objects.hash(problemType, labelNames, Arrays.hashCode(logits));
  }

  @Override
  public String toString() {
    return problemType == ProblemType.REGRESSION ? "Prediction(" + logits[0] + ")"
        : "Prediction(" + label() + " " + score() + ", logits " + Arrays.toString(logits) + ")";
  }
}
