package dev.finetune.core.train;

import ai.djl.ndarray.NDArray;
import dev.finetune.core.data.TextDataset;
import dev.finetune.core.model.ProblemType;
import java.util.Arrays;
import java.util.Locale;

/**
 * The training losses, with PyTorch's definitions and mean reductions: softmax cross-entropy (with
 * class weights and label smoothing) for single-label classification, sigmoid + binary
 * cross-entropy with logits for multi-label, mean squared error or Huber for regression. The
 * default by {@link ProblemType} is {@link #forProblem(ProblemType)}; another one is chosen in the
 * chain with {@link FineTune#loss(Loss)}.
 *
 * <pre>{@code
 * NDArray loss = Losses.crossEntropy(logits, labels);   // logits (B, C), labels (B) int64
 * FineTune.of(model).loss(Losses.crossEntropy().inverseFrequencyWeights().labelSmoothing(0.1));
 * FineTune.of(regressor).loss(Losses.huber(1.0));
 * }</pre>
 */
public final class Losses {

  private Losses() {}

  /**
   * The default loss of a problem type (Hugging Face's choice by {@code problem_type}).
   *
   * @param type the head's problem type
   * @return cross-entropy, binary cross-entropy with logits, MSE, or token cross-entropy
   */
  public static Loss forProblem(ProblemType type) {
    return switch (type) {
      case SINGLE_LABEL_CLASSIFICATION -> crossEntropy();
      case MULTI_LABEL_CLASSIFICATION -> bceWithLogits();
      case REGRESSION -> mse();
      case TOKEN_CLASSIFICATION -> tokenCrossEntropy();
    };
  }

  /**
   * Cross-entropy over tokens, as {@code BertForTokenClassification} computes it
   * ({@code CrossEntropyLoss()} on logits (B, T, C) flattened, {@code ignore_index=-100}): the mean
   * over the tokens whose label is not -100. A batch without any labelled token gives 0 (PyTorch
   * gives NaN), so a window of sub-word continuations cannot stop a run as diverged.
   *
   * <pre>{@code
   * FineTune.of(ner).loss(Losses.tokenCrossEntropy());   // the default of token heads
   * }</pre>
   *
   * @return the loss
   */
  public static Loss tokenCrossEntropy() {
    return new Named("token_cross_entropy", Losses::tokenCrossEntropy);
  }

  /**
   * The computation of {@link #tokenCrossEntropy()}.
   *
   * @param logits (B, T, C) or (N, C)
   * @param labels (B, T) or (N), int64, -100 where the token is not scored
   * @return a scalar: the mean over the labelled tokens, 0 when there is none
   * @throws IllegalArgumentException when the shapes do not match
   */
  public static NDArray tokenCrossEntropy(NDArray logits, NDArray labels) {
    long classes = logits.getShape().get(logits.getShape().dimension() - 1);
    if (logits.getShape().size() != labels.getShape().size() * classes) {
      throw new IllegalArgumentException("token cross-entropy needs logits (B, T, C) and labels"
          + " (B, T), got " + logits.getShape() + " and " + labels.getShape()
          + "; a token-classification head needs token data (TokenDataset)");
    }
    NDArray flat = logits.reshape(-1, classes);
    NDArray y = labels.reshape(-1).toType(ai.djl.ndarray.types.DataType.INT64, false);
    NDArray counted = y.gte(0);
    NDArray safe = y.mul(counted.toType(y.getDataType(), false));
    NDArray logP = flat.logSoftmax(1);
    NDArray weight = counted.toType(logP.getDataType(), false);
    NDArray picked = logP.mul(safe.oneHot(Math.toIntExact(classes), logP.getDataType()))
        .sum(new int[] {1});
    NDArray count = weight.sum().maximum(1f);
    return picked.mul(weight).sum().neg().div(count);
  }

  /**
   * Softmax cross-entropy, unweighted, no smoothing ({@code torch.nn.CrossEntropyLoss()}).
   *
   * @return the loss; configure it with {@link CrossEntropy#weights(double...)},
   *     {@link CrossEntropy#inverseFrequencyWeights()} and {@link CrossEntropy#labelSmoothing(double)}
   */
  public static CrossEntropy crossEntropy() {
    return new CrossEntropy(null, false, 0);
  }

  /**
   * Mean squared error ({@code torch.nn.MSELoss()}).
   *
   * @return the loss
   */
  public static Loss mse() {
    return new Named("mse", Losses::meanSquaredError);
  }

  /**
   * Huber loss ({@code torch.nn.HuberLoss(delta=delta)}): {@code 0.5 d^2} where {@code |d| < delta},
   * else {@code delta (|d| - 0.5 delta)}, mean over the batch.
   *
   * @param delta the switch point, {@code > 0}
   * @return the loss
   */
  public static Loss huber(double delta) {
    if (!(delta > 0) || !Double.isFinite(delta)) {
      throw new IllegalArgumentException("Huber delta must be a finite number > 0, got " + delta);
    }
    return new Named(String.format(Locale.ROOT, "huber(delta=%s)", delta), (predictions, targets) -> {
      NDArray flat = predictions.reshape(-1);
      NDArray a = flat.sub(targets.toType(flat.getDataType(), false)).abs();
      NDArray q = a.minimum(delta);
      return q.square().mul(0.5).add(a.sub(q).mul(delta)).mean();
    });
  }

  /**
   * Sigmoid + binary cross-entropy on logits ({@code torch.nn.BCEWithLogitsLoss()}), mean over
   * every (example, label) element, computed stably as {@code max(x, 0) - x y + log(1 + e^-|x|)}.
   *
   * @return the loss; labels are (B, C) multi-hot floats
   */
  public static Loss bceWithLogits() {
    return new Named("bce_with_logits", Losses::binaryCrossEntropyWithLogits);
  }

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
   * Binary cross-entropy with logits, mean over all elements.
   *
   * @param logits (B, C) float
   * @param targets (B, C) float in [0, 1]
   * @return a scalar
   */
  public static NDArray binaryCrossEntropyWithLogits(NDArray logits, NDArray targets) {
    if (!logits.getShape().equals(targets.getShape())) {
      throw new IllegalArgumentException("binary cross-entropy needs logits and multi-hot labels of"
          + " the same shape, got " + logits.getShape() + " and " + targets.getShape()
          + "; a multi-label head needs a multi-label data set");
    }
    NDArray y = targets.toType(logits.getDataType(), false);
    return logits.maximum(0f).sub(logits.mul(y)).add(logits.abs().neg().exp().add(1f).log()).mean();
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

  /** A built-in loss with its report name. */
  private record Named(String name, Loss loss) implements Loss {
    @Override
    public NDArray compute(NDArray logits, NDArray labels) {
      return loss.compute(logits, labels);
    }

    @Override
    public String describe() {
      return name;
    }
  }

  /**
   * Softmax cross-entropy with PyTorch's {@code CrossEntropyLoss(weight=w, label_smoothing=e)}
   * definition: the target distribution is {@code q = (1 - e) onehot(y) + e / C}, each class term
   * is weighted by {@code w_c}, and the mean divides by the weight of the true classes:
   * {@code sum_i sum_c w_c q_ic (-log p_ic) / sum_i w_{y_i}} (plain mean without weights).
   * Immutable.
   *
   * <pre>{@code
   * Loss l = Losses.crossEntropy().weights(1.0, 3.0).labelSmoothing(0.1);
   * Loss balanced = Losses.crossEntropy().inverseFrequencyWeights(); // n / (C * count_c)
   * }</pre>
   */
  public static final class CrossEntropy implements Loss {
    private final double[] weights;
    private final boolean inverseFrequency;
    private final double smoothing;

    private CrossEntropy(double[] weights, boolean inverseFrequency, double smoothing) {
      this.weights = weights;
      this.inverseFrequency = inverseFrequency;
      this.smoothing = smoothing;
    }

    /**
     * Gives each class a weight (PyTorch's {@code weight}).
     *
     * @param classWeights one finite weight {@code >= 0} per class
     * @return a new loss
     */
    public CrossEntropy weights(double... classWeights) {
      for (int c = 0; c < classWeights.length; c++) {
        if (!(classWeights[c] >= 0) || !Double.isFinite(classWeights[c])) {
          throw new IllegalArgumentException("class weight " + c + " must be a finite number >= 0,"
              + " got " + classWeights[c]);
        }
      }
      return new CrossEntropy(classWeights.clone(), false, smoothing);
    }

    /**
     * Weights each class by {@code n / (C * count_c)} over the training set (scikit-learn's
     * {@code class_weight="balanced"}); a class absent from the training set gets weight 0.
     *
     * @return a new loss, fitted to the data when training starts
     */
    public CrossEntropy inverseFrequencyWeights() {
      return new CrossEntropy(null, true, smoothing);
    }

    /**
     * Sets label smoothing (PyTorch's {@code label_smoothing}).
     *
     * @param epsilon in [0, 1)
     * @return a new loss
     */
    public CrossEntropy labelSmoothing(double epsilon) {
      if (!(epsilon >= 0 && epsilon < 1)) {
        throw new IllegalArgumentException("label smoothing must be in [0, 1), got " + epsilon);
      }
      return new CrossEntropy(weights, inverseFrequency, epsilon);
    }

    /**
     * The class weights in force.
     *
     * @return a copy, or null when unweighted (or not yet fitted to data)
     */
    public double[] classWeights() {
      return weights == null ? null : weights.clone();
    }

    @Override
    public Loss prepare(TextDataset train) {
      if (!inverseFrequency) {
        return this;
      }
      int[] counts = train.labelCounts();
      double[] w = new double[counts.length];
      for (int c = 0; c < counts.length; c++) {
        w[c] = counts[c] == 0 ? 0 : (double) train.size() / ((double) counts.length * counts[c]);
      }
      return new CrossEntropy(w, true, smoothing);
    }

    @Override
    public NDArray compute(NDArray logits, NDArray labels) {
      if (weights == null && smoothing == 0) {
        return crossEntropy(logits, labels);
      }
      int classes = Math.toIntExact(logits.getShape().get(1));
      if (weights != null && weights.length != classes) {
        throw new IllegalArgumentException("cross-entropy has " + weights.length
            + " class weights but the head has " + classes + " outputs; give one weight per class");
      }
      NDArray logP = logits.logSoftmax(1);
      NDArray oneHot = labels.oneHot(classes, logP.getDataType());
      NDArray target = smoothing == 0 ? oneHot
          : oneHot.mul(1 - smoothing).add(smoothing / classes);
      if (weights == null) {
        return logP.mul(target).sum(new int[] {1}).mean().neg();
      }
      float[] w = new float[classes];
      for (int c = 0; c < classes; c++) {
        w[c] = (float) weights[c];
      }
      NDArray weightRow = logits.getManager().create(w).toType(logP.getDataType(), false)
          .reshape(1, classes);
      NDArray total = logP.mul(target).mul(weightRow).sum().neg();
      NDArray norm = oneHot.mul(weightRow).sum();
      return total.div(norm);
    }

    @Override
    public String describe() {
      StringBuilder b = new StringBuilder("cross_entropy");
      String sep = "(";
      if (inverseFrequency) {
        b.append(sep).append("weight=inverse_frequency");
        sep = ", ";
      } else if (weights != null) {
        b.append(sep).append("weight=").append(Arrays.toString(weights));
        sep = ", ";
      }
      if (smoothing > 0) {
        b.append(sep).append("label_smoothing=").append(smoothing);
        sep = ", ";
      }
      return sep.equals("(") ? b.toString() : b.append(')').toString();
    }

    @Override
    public String toString() {
      return describe();
    }
  }
}
