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
