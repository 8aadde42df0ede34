package dev.finetune.core.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.finetune.core.model.ProblemType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The metrics of one validation pass, chosen by the head's {@link ProblemType}: accuracy, precision,
 * recall, F1, macro F1 and MCC for single-label ({@link MetricAccumulator}); MSE, Pearson and
 * Spearman for regression ({@link RegressionMetrics}); micro and macro F1, subset accuracy and
 * Hamming loss at a decision threshold for multi-label ({@link MultiLabelMetrics}); then the
 * user's {@link ComputeMetrics} and the mean loss. Mutable, not thread-safe.
 *
 * <pre>{@code
 * ValidationMetrics v = ValidationMetrics.builder(ProblemType.MULTI_LABEL_CLASSIFICATION, 28)
 *     .threshold(0.5).tuneThresholds(true).build();
 * v.add(logits, labels); v.addLoss(loss, batchSize);
 * Map<String, Double> results = v.results();
 * }</pre>
 */
public final class ValidationMetrics {

  /** Key of the mean of the tuned per-label thresholds, present when they are tuned. */
  public static final String MEAN_THRESHOLD = "mean_threshold";

  private final ProblemType type;
  private final int numLabels;
  private final double threshold;
  private final boolean tune;
  private final double[] fixedThresholds;
  private final List<ComputeMetrics> user;
  private final MetricAccumulator classes;
  private final MeanAccumulator loss = new MeanAccumulator();
  private final List<float[]> logits = new ArrayList<>();
  private final List<float[]> labels = new ArrayList<>();
  private double[] tunedThresholds;

  private ValidationMetrics(Builder b) {
    this.type = b.type;
    this.numLabels = b.numLabels;
    this.threshold = b.threshold;
    this.tune = b.tune;
    this.fixedThresholds = b.fixedThresholds;
    this.user = List.copyOf(b.user);
    this.classes = type != ProblemType.SINGLE_LABEL_CLASSIFICATION ? null
        : numLabels == 2 ? MetricAccumulator.binary(1) : MetricAccumulator.forClasses(numLabels);
  }

  /**
   * Starts the metrics of a head.
   *
   * @param type the head's problem type
   * @param numLabels its outputs
   * @return a builder (threshold 0.5, not tuned, no user metrics)
   */
  public static Builder builder(ProblemType type, int numLabels) {
    return new Builder(type, numLabels);
  }

  private boolean keepsArrays() {
    return type != ProblemType.SINGLE_LABEL_CLASSIFICATION || !user.isEmpty();
  }

  /**
   * Adds one batch.
   *
   * @param batchLogits (B, numLabels) head outputs
   * @param batchLabels the batch's labels as {@code TextBatch.labels()} holds them
   */
  public void add(NDArray batchLogits, NDArray batchLabels) {
    if (classes != null) {
      classes.add(batchLogits, batchLabels);
    }
    if (!keepsArrays()) {
      return;
    }
    int rows = Math.toIntExact(batchLogits.getShape().get(0));
    int width = Math.toIntExact(batchLogits.getShape().get(1));
    float[] flatLogits;
    float[] flatLabels;
    try (NDArray l = batchLogits.toType(DataType.FLOAT32, false);
        NDArray y = batchLabels.toType(DataType.FLOAT32, false)) {
      flatLogits = l.toFloatArray();
      flatLabels = y.toFloatArray();
    }
    int labelWidth = flatLabels.length / Math.max(1, rows);
    for (int r = 0; r < rows; r++) {
      float[] row = new float[width];
      System.arraycopy(flatLogits, r * width, row, 0, width);
      logits.add(row);
      float[] label = new float[labelWidth];
      System.arraycopy(flatLabels, r * labelWidth, label, 0, labelWidth);
      labels.add(label);
    }
  }

  /**
   * Adds one batch's mean loss, weighted by its number of examples.
   *
   * @param meanLoss the batch's mean loss
   * @param examples its examples
   */
  public void addLoss(double meanLoss, long examples) {
    loss.add(meanLoss, examples);
  }

  /**
   * The per-label thresholds tuned in the last {@link #results()}, when tuning is on.
   *
   * @return a copy, or null
   */
  public double[] tunedThresholds() {
    return tunedThresholds == null ? null : tunedThresholds.clone();
  }

  /**
   * The metrics of the pass, in report order, then the user's, then {@code loss}.
   *
   * @return an unmodifiable map
   * @throws IllegalArgumentException when a user metric repeats a built-in name
   */
  public Map<String, Double> results() {
    Map<String, Double> out = new LinkedHashMap<>();
    EvalPredictions predictions = keepsArrays()
        ? new EvalPredictions(type, logits.toArray(float[][]::new), labels.toArray(float[][]::new))
        : null;
    switch (type) {
      case SINGLE_LABEL_CLASSIFICATION -> {
        Map<String, Double> r = new LinkedHashMap<>(classes.results());
        r.remove(MetricAccumulator.LOSS);
        out.putAll(r);
      }
      case REGRESSION -> {
        double[] targets = predictions.targets();
        double[] scores = new double[targets.length];
        for (int i = 0; i < scores.length; i++) {
          scores[i] = predictions.logits()[i][0];
        }
        out.put(RegressionMetrics.MSE, RegressionMetrics.meanSquaredError(scores, targets));
        out.put(RegressionMetrics.PEARSON, RegressionMetrics.pearson(scores, targets));
        out.put(RegressionMetrics.SPEARMAN, RegressionMetrics.spearman(scores, targets));
      }
      case MULTI_LABEL_CLASSIFICATION -> {
        float[][] probabilities = predictions.probabilities();
        boolean[][] truth = predictions.multiHot();
        double[] thresholds = fixedThresholds != null ? fixedThresholds.clone()
            : tune ? MultiLabelMetrics.tuneThresholds(probabilities, truth)
            : MultiLabelMetrics.global(threshold, numLabels);
        out.putAll(MultiLabelMetrics.results(probabilities, truth, thresholds));
        if (tune && fixedThresholds == null) {
          tunedThresholds = thresholds;
          out.put(MEAN_THRESHOLD, java.util.Arrays.stream(thresholds).average().orElse(Double.NaN));
        }
      }
      default -> throw new IllegalStateException(type.name());
    }
    for (ComputeMetrics metric : user) {
      Map<String, Double> extra = Objects.requireNonNull(metric.compute(predictions),
          "a ComputeMetrics returned null instead of a map");
      extra.forEach((name, value) -> {
        if (out.containsKey(name) || name.equals(MetricAccumulator.LOSS)) {
          throw new IllegalArgumentException("the user metric '" + name + "' has the name of a"
              + " built-in metric " + out.keySet() + "; give it another name");
        }
        out.put(name, value);
      });
    }
    if (loss.count() > 0) {
      out.put(MetricAccumulator.LOSS, loss.mean());
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * Builder of {@link ValidationMetrics}.
   *
   * <pre>{@code
   * ValidationMetrics.builder(ProblemType.REGRESSION, 1).user(List.of(myMetric)).build();
   * }</pre>
   */
  public static final class Builder {
    private final ProblemType type;
    private final int numLabels;
    private double threshold = 0.5;
    private boolean tune;
    private double[] fixedThresholds;
    private List<ComputeMetrics> user = List.of();

    private Builder(ProblemType type, int numLabels) {
      this.type = Objects.requireNonNull(type, "type");
      type.checkOutputs(numLabels);
      this.numLabels = numLabels;
    }

    /** @param value the global decision threshold of multi-label heads, in (0, 1) @return this */
    public Builder threshold(double value) {
      if (!(value > 0 && value < 1)) {
        throw new IllegalArgumentException("the decision threshold must be in (0, 1), got " + value);
      }
      threshold = value;
      return this;
    }

    /** @param value tune one threshold per label on the pass (multi-label) @return this */
    public Builder tuneThresholds(boolean value) {
      tune = value;
      return this;
    }

    /**
     * Scores a multi-label head with these per-label thresholds (e.g. the ones tuned on the
     * validation set, applied to a test set); they take precedence over {@link #threshold} and
     * {@link #tuneThresholds}.
     *
     * @param perLabel one threshold in (0, 1) per label
     * @return this
     */
    public Builder thresholds(double[] perLabel) {
      if (perLabel.length != numLabels) {
        throw new IllegalArgumentException("expected " + numLabels + " thresholds, one per label,"
            + " got " + perLabel.length);
      }
      for (double t : perLabel) {
        if (!(t > 0 && t < 1)) {
          throw new IllegalArgumentException("a decision threshold must be in (0, 1), got " + t);
        }
      }
      fixedThresholds = perLabel.clone();
      return this;
    }

    /** @param value user metrics, computed in order @return this */
    public Builder user(List<ComputeMetrics> value) {
      user = List.copyOf(value);
      return this;
    }

    /** @return the metrics */
    public ValidationMetrics build() {
      return new ValidationMetrics(this);
    }
  }
}
