package dev.finetune.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.finetune.core.data.TextDataset;
import dev.finetune.core.data.TextExample;
import dev.finetune.core.model.ProblemType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The losses against their published formulas, computed independently in doubles. */
class LossesTest {

  private static final float[][] LOGITS = {{2.0f, -1.0f, 0.5f}, {0.1f, 0.3f, -2.0f}, {-0.5f, 1.5f, 1.0f}};
  private static final long[] LABELS = {0, 2, 1};

  private static double[] logSoftmax(float[] row) {
    double max = Double.NEGATIVE_INFINITY;
    for (float v : row) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (float v : row) {
      sum += Math.exp(v - max);
    }
    double[] out = new double[row.length];
    for (int c = 0; c < row.length; c++) {
      out[c] = row[c] - max - Math.log(sum);
    }
    return out;
  }

  /**
   * PyTorch's CrossEntropyLoss(weight=w, label_smoothing=e), reduction mean:
   * (1 - e) * sum_i w_yi nll_i / sum_i w_yi + e / C * sum_i sum_c w_c (-logp_ic) / sum_i w_yi.
   */
  private static double torchCrossEntropy(double[] w, double e) {
    int classes = LOGITS[0].length;
    double nll = 0;
    double smooth = 0;
    double norm = 0;
    for (int i = 0; i < LOGITS.length; i++) {
      double[] logp = logSoftmax(LOGITS[i]);
      int y = (int) LABELS[i];
      nll += w[y] * -logp[y];
      norm += w[y];
      for (int c = 0; c < classes; c++) {
        smooth += w[c] * -logp[c];
      }
    }
    return (1 - e) * nll / norm + e / classes * smooth / norm;
  }

  private static double value(Loss loss, float[][] logits, NDArray labels, NDManager m) {
    return loss.compute(m.create(logits), labels).getFloat();
  }

  @Test
  void weightedSmoothedCrossEntropyFollowsPyTorch() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray labels = m.create(LABELS);
      double[] ones = {1, 1, 1};
      double[] w = {0.5, 2.0, 3.0};
      assertThat(value(Losses.crossEntropy(), LOGITS, labels, m))
          .isCloseTo(torchCrossEntropy(ones, 0), within(1e-5));
      assertThat(value(Losses.crossEntropy().labelSmoothing(0.1), LOGITS, labels, m))
          .isCloseTo(torchCrossEntropy(ones, 0.1), within(1e-5));
      assertThat(value(Losses.crossEntropy().weights(w), LOGITS, labels, m))
          .isCloseTo(torchCrossEntropy(w, 0), within(1e-5));
      double both = value(Losses.crossEntropy().weights(w).labelSmoothing(0.2), LOGITS, labels, m);
      assertThat(both).isCloseTo(torchCrossEntropy(w, 0.2), within(1e-5));
      // the weighted mean divides by the true classes' weights (0.5 + 3 + 2), not by the batch size
      double byBatch = torchCrossEntropy(w, 0.2) * (0.5 + 3 + 2) / 3;
      assertThat(Math.abs(both - byBatch)).isGreaterThan(0.1);
      // the static form is the unweighted one
      assertThat(Losses.crossEntropy(m.create(LOGITS), labels).getFloat())
          .isCloseTo((float) torchCrossEntropy(ones, 0), within(1e-5f));
    }
  }

  @Test
  void inverseFrequencyWeightsAreBalancedOverTheTrainingSet() {
    TextDataset train = TextDataset.of("t", List.of(TextExample.of("a", 0), TextExample.of("b", 0),
        TextExample.of("c", 0), TextExample.of("d", 1)), List.of("x", "y", "z"));
    Losses.CrossEntropy fitted =
        (Losses.CrossEntropy) Losses.crossEntropy().inverseFrequencyWeights().prepare(train);
    // n / (C * count): 4 / (3 * 3), 4 / (3 * 1), and 0 for the absent class
    assertThat(fitted.classWeights()).containsExactly(new double[] {4 / 9.0, 4 / 3.0, 0}, within(1e-12));
    assertThat(fitted.describe()).isEqualTo("cross_entropy(weight=inverse_frequency)");
    assertThat(Losses.crossEntropy().classWeights()).isNull();
  }

  @Test
  void bceWithLogitsMatchesItsFormulaAndStaysFiniteForLargeLogits() {
    float[][] logits = {{0.5f, -1.0f, 30f}, {2.0f, 0.0f, -30f}};
    float[][] targets = {{1, 0, 0}, {0, 1, 1}};
    double expected = 0;
    for (int i = 0; i < 2; i++) {
      for (int c = 0; c < 3; c++) {
        double x = logits[i][c];
        double logSigmoid = -Math.log1p(Math.exp(-x));        // log sigma(x)
        double logOneMinus = -x - Math.log1p(Math.exp(-x));    // log (1 - sigma(x))
        expected += -(targets[i][c] * logSigmoid + (1 - targets[i][c]) * logOneMinus);
      }
    }
    expected /= 6;
    try (NDManager m = NDManager.newBaseManager()) {
      double got = Losses.bceWithLogits().compute(m.create(logits), m.create(targets)).getFloat();
      assertThat(got).isCloseTo(expected, within(1e-5));
      assertThat(got).isGreaterThan(10); // the two confident mistakes cost about 30 each
      assertThatThrownBy(() -> Losses.bceWithLogits().compute(m.create(logits), m.create(new long[] {0, 1})))
          .hasMessageContaining("a multi-label head needs a multi-label data set");
    }
  }

  @Test
  void regressionLossesFollowTheirDefinitions() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray predictions = m.create(new float[] {0.0f, 1.0f, 4.0f, -2.0f}).reshape(4, 1);
      NDArray targets = m.create(new float[] {0.5f, 1.0f, 1.0f, 0.0f});
      // differences -0.5, 0, 3, -2
      assertThat(Losses.mse().compute(predictions, targets).getFloat())
          .isCloseTo((0.25f + 0 + 9 + 4) / 4, within(1e-6f));
      // HuberLoss(delta=1): 0.5 d^2 for |d| < 1, else |d| - 0.5
      assertThat(Losses.huber(1.0).compute(predictions, targets).getFloat())
          .isCloseTo((0.125f + 0 + 2.5f + 1.5f) / 4, within(1e-6f));
      assertThatThrownBy(() -> Losses.huber(0)).hasMessageContaining("Huber delta must be");
      assertThatThrownBy(() -> Losses.crossEntropy().labelSmoothing(1.0))
          .hasMessageContaining("label smoothing must be in [0, 1)");
      assertThatThrownBy(() -> Losses.crossEntropy().weights(1, -1))
          .hasMessageContaining("class weight 1 must be a finite number >= 0");
    }
  }

  @Test
  void eachProblemTypeHasItsDefault() {
    assertThat(Losses.forProblem(ProblemType.SINGLE_LABEL_CLASSIFICATION).describe()).isEqualTo("cross_entropy");
    assertThat(Losses.forProblem(ProblemType.MULTI_LABEL_CLASSIFICATION).describe()).isEqualTo("bce_with_logits");
    assertThat(Losses.forProblem(ProblemType.REGRESSION).describe()).isEqualTo("mse");
    Loss custom = (logits, labels) -> logits.sum();
    assertThat(custom.describe()).isEqualTo("custom");
  }
}
