package dev.finetune.core.predict;

import ai.djl.modality.Classifications;
import java.util.ArrayList;
import java.util.List;

/**
 * DJL {@link Classifications} of a multi-label head: every label with its own sigmoid probability
 * (they do not sum to 1), and the model's decision thresholds, so that {@link #labels()} gives the
 * labels the model predicts. {@code best()} and {@code topK()} work as for any classifications.
 *
 * <pre>{@code
 * Classifications c = djlPredictor.predict("thanks, I love it");
 * if (c instanceof MultiLabelClassifications m) {
 *   m.labels();   // [gratitude: 0.91, love: 0.62]
 * }
 * }</pre>
 */
public final class MultiLabelClassifications extends Classifications {

  private static final long serialVersionUID = 1L;

  private final double[] thresholds;

  /**
   * Creates the classifications.
   *
   * @param names the label names, index = label id
   * @param probabilities the sigmoid probabilities, one per label
   * @param thresholds the decision thresholds, one per label
   */
  public MultiLabelClassifications(
      List<String> names, List<Double> probabilities, double[] thresholds) {
    super(names, probabilities);
    if (thresholds.length != names.size()) {
      throw new IllegalArgumentException("expected one threshold per label (" + names.size()
          + "), got " + thresholds.length);
    }
    this.thresholds = thresholds.clone();
  }

  /**
   * The predicted labels: those whose probability reaches their threshold, in label-id order.
   *
   * @return the labels with their probabilities (possibly none)
   */
  public List<Classification> labels() {
    List<Classification> out = new ArrayList<>();
    for (int i = 0; i < classNames.size(); i++) {
      if (probabilities.get(i) >= thresholds[i]) {
        out.add(item(i));
      }
    }
    return out;
  }

  /**
   * The decision thresholds.
   *
   * @return a copy, one per label
   */
  public double[] thresholds() {
    return thresholds.clone();
  }
}
