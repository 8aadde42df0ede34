package dev.finetune.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Streaming batches gives the metrics of the whole set; logits are reduced by arg-max. */
class MetricAccumulatorTest {

  @Test
  void batchesAccumulateToTheWholeSetsMetrics() {
    int[] labels = {1, 1, 0, 0, 1, 0, 1};
    int[] predictions = {1, 0, 0, 1, 1, 0, 0};
    MetricAccumulator metrics = MetricAccumulator.forClasses(2);
    metrics.add(new int[] {1, 1, 0}, new int[] {1, 0, 0});
    metrics.add(new int[] {0, 1, 0, 1}, new int[] {1, 1, 0, 0});
    metrics.addLoss(0.5, 3);
    metrics.addLoss(1.0, 4);
    Map<String, Double> results = metrics.results();
    ConfusionMatrix whole = ConfusionMatrix.of(2, labels, predictions);
    assertThat(metrics.confusionMatrix()).isEqualTo(whole);
    assertThat(results)
        .containsKeys("accuracy", "precision", "recall", "f1", "macro_f1", "mcc", "loss");
    assertThat(results.get("accuracy")).isCloseTo(4.0 / 7, within(1e-12));
    assertThat(results.get("f1")).isEqualTo(whole.f1(1));
    assertThat(results.get("mcc")).isEqualTo(whole.matthewsCorrelation());
    // (0.5 * 3 + 1.0 * 4) / 7
    assertThat(results.get("loss")).isCloseTo(5.5 / 7, within(1e-12));
    metrics.reset();
    assertThat(metrics.confusionMatrix().total()).isZero();
    assertThat(metrics.results()).doesNotContainKey("loss");
  }

  @Test
  void multiclassUsesMacroAveragesAndBinaryHonoursThePositiveClass() {
    MetricAccumulator multi = MetricAccumulator.forClasses(3);
    multi.add(new int[] {0, 1, 2, 0, 1, 2}, new int[] {0, 2, 1, 0, 0, 1});
    assertThat(multi.results().get("f1")).isCloseTo(0.8 / 3, within(1e-12));

    MetricAccumulator negative = MetricAccumulator.binary(0);
    negative.add(new int[] {1, 1, 0, 0, 1}, new int[] {1, 0, 0, 1, 1});
    assertThat(negative.results().get("f1")).isCloseTo(0.5, within(1e-12));
  }

  @Test
  void rocAucIsThePairwiseOrderingWithTiesCountingHalf() {
    // scikit-learn's roc_auc_score example: 3 of 4 (positive, negative) pairs ordered right
    assertThat(MetricAccumulator.rocAuc(new double[] {0.1, 0.4, 0.35, 0.8},
        new boolean[] {false, false, true, true})).isCloseTo(0.75, within(1e-12));
    // pairs (0.5, 0.5) tie = 1/2, (0.5, 0.2), (0.9, 0.5), (0.9, 0.2) right: 3.5 / 4
    assertThat(MetricAccumulator.rocAuc(new double[] {0.5, 0.5, 0.2, 0.9},
        new boolean[] {false, true, false, true})).isCloseTo(0.875, within(1e-12));
    assertThat(MetricAccumulator.rocAuc(new double[] {0.3, 0.1}, new boolean[] {true, true})).isNaN();
    try (NDManager manager = NDManager.newBaseManager()) {
      // a classifier that predicts the majority class for every row still ranks them: its argmax
      // metrics are those of a constant, its AUC is not
      NDArray logits = manager.create(new float[] {2f, 0.1f, 2f, 1.0f, 2f, 0.4f, 2f, 0.3f}, new Shape(4, 2));
      NDArray labels = manager.create(new long[] {0, 1, 0, 1});
      MetricAccumulator metrics = MetricAccumulator.forClasses(2);
      metrics.add(logits, labels);
      assertThat(metrics.results().get("mcc")).isZero();
      // margins l1 - l0: -1.9, -1.0 (positive), -1.6, -1.7 (positive): 3 of 4 pairs right
      assertThat(metrics.results().get("auc")).isCloseTo(0.75, within(1e-12));
      MetricAccumulator negative = MetricAccumulator.binary(0);
      negative.add(logits, labels);
      assertThat(negative.results().get("auc")).isCloseTo(0.75, within(1e-12));
      metrics.add(manager.create(new float[] {0f, 3f, 0f, -3f}, new Shape(2, 2)),
          manager.create(new long[] {1, 0}));
      // positives -1.0, -1.7, 3 against negatives -1.9, -1.6, -3: 3 + 2 + 3 of 9 pairs right
      assertThat(metrics.results().get("auc")).isCloseTo(8 / 9.0, within(1e-12));
      metrics.reset();
      assertThat(metrics.results()).doesNotContainKey("auc");
      // from class predictions alone there is no score, so no AUC
      metrics.add(new int[] {0, 1}, new int[] {0, 1});
      assertThat(metrics.results()).doesNotContainKey("auc");
    }
  }

  @Test
  void logitsAreReducedByArgmaxAndLabelsOfAnyIntegerType() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray logits =
          manager.create(new float[] {0.1f, 2f, 3f, -1f, 0.5f, 0.4f}, new Shape(3, 2));
      NDArray labels = manager.create(new long[] {1, 1, 0});
      assertThat(Predictions.argmax(logits)).containsExactly(1, 0, 0);
      assertThat(Predictions.classes(labels)).containsExactly(1, 1, 0);
      MetricAccumulator metrics = MetricAccumulator.forClasses(2);
      metrics.add(logits, labels);
      assertThat(metrics.results().get("accuracy")).isCloseTo(2.0 / 3, within(1e-12));
      MetricAccumulator threeClasses = MetricAccumulator.forClasses(3);
      assertThatThrownBy(() -> threeClasses.add(logits, labels))
          .hasMessageContaining("2 columns but the metrics expect 3");
    }
  }

  @Test
  void meanAccumulatorWeightsByCount() {
    MeanAccumulator mean = new MeanAccumulator();
    assertThat(mean.mean()).isNaN();
    mean.add(2.0, 1);
    mean.add(5.0, 3);
    assertThat(mean.mean()).isCloseTo(17.0 / 4, within(1e-12));
    assertThat(mean.count()).isEqualTo(4);
  }
}
