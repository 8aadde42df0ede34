package dev.finetune.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Metrics equal scikit-learn's definitions on hand-checked examples (tolerance 1e-12). */
class ClassificationMetricsTest {

  private static final double EPS = 1e-12;

  @Test
  void binaryPrecisionRecallF1AndAccuracy() {
    int[] labels = {1, 1, 0, 0, 1};
    int[] predictions = {1, 0, 0, 1, 1};
    // class 1: tp 2, fp 1, fn 1; class 0: tp 1, fp 1, fn 1
    assertThat(ClassificationMetrics.accuracy(labels, predictions)).isCloseTo(0.6, within(EPS));
    assertThat(ClassificationMetrics.precision(labels, predictions, 1)).isCloseTo(2.0 / 3, within(EPS));
    assertThat(ClassificationMetrics.recall(labels, predictions, 1)).isCloseTo(2.0 / 3, within(EPS));
    assertThat(ClassificationMetrics.f1(labels, predictions, 1)).isCloseTo(2.0 / 3, within(EPS));
    assertThat(ClassificationMetrics.f1(labels, predictions, 0)).isCloseTo(0.5, within(EPS));
    assertThat(ClassificationMetrics.macroF1(labels, predictions)).isCloseTo(7.0 / 12, within(EPS));
  }

  @Test
  void binaryMatthewsCorrelationMatchesSklearnDocsExample() {
    // sklearn: matthews_corrcoef([+1, +1, +1, -1], [+1, -1, +1, +1]) == -0.333...
    int[] labels = {1, 1, 1, 0};
    int[] predictions = {1, 0, 1, 1};
    assertThat(ClassificationMetrics.matthewsCorrelation(labels, predictions))
        .isCloseTo(-1.0 / 3, within(EPS));
    assertThat(ClassificationMetrics.matthewsCorrelation(labels, labels)).isCloseTo(1.0, within(EPS));
  }

  @Test
  void matthewsCorrelationIsZeroWhenAClassIsNeverPredicted() {
    assertThat(ClassificationMetrics.matthewsCorrelation(new int[] {0, 1, 0, 1}, new int[] {0, 0, 0, 0}))
        .isZero();
  }

  @Test
  void multiclassMatthewsCorrelationUsesSklearnsFormula() {
    // C = [[2,0,0],[0,1,1],[0,0,2]]: t = (2,2,2), p = (2,1,3), c = 5, s = 6
    // cov = 5*6 - (4+2+6) = 18; s^2 - p.p = 36 - 14 = 22; s^2 - t.t = 36 - 12 = 24
    int[] labels = {0, 0, 1, 1, 2, 2};
    int[] predictions = {0, 0, 1, 2, 2, 2};
    assertThat(ClassificationMetrics.matthewsCorrelation(labels, predictions))
        .isCloseTo(18 / Math.sqrt(24 * 22), within(EPS));
  }

  @Test
  void macroAveragesMatchSklearnDocsExample() {
    // sklearn f1_score docs: y_true = [0,1,2,0,1,2], y_pred = [0,2,1,0,0,1]
    // per-class F1 (0.8, 0, 0), macro 0.2667; precision macro 0.2222; recall macro 0.3333
    ConfusionMatrix matrix =
        ConfusionMatrix.of(3, new int[] {0, 1, 2, 0, 1, 2}, new int[] {0, 2, 1, 0, 0, 1});
    assertThat(matrix.f1(0)).isCloseTo(0.8, within(EPS));
    assertThat(matrix.macroF1()).isCloseTo(0.8 / 3, within(EPS));
    assertThat(matrix.macroPrecision()).isCloseTo(2.0 / 9, within(EPS));
    assertThat(matrix.macroRecall()).isCloseTo(1.0 / 3, within(EPS));
    assertThat(matrix.count(1, 0)).isEqualTo(1);
    assertThat(matrix.count(2, 1)).isEqualTo(2);
    assertThat(matrix.total()).isEqualTo(6);
  }

  @Test
  void macroAveragesSkipClassesAbsentFromLabelsAndPredictions() {
    // 4 declared classes, only 0 and 1 occur: macro over 2 classes, as sklearn's unique_labels
    ConfusionMatrix matrix = ConfusionMatrix.of(4, new int[] {0, 1, 1}, new int[] {0, 1, 0});
    // class 0: P 1/2, R 1, F1 2/3; class 1: P 1, R 1/2, F1 2/3
    assertThat(matrix.macroF1()).isCloseTo(2.0 / 3, within(EPS));
    assertThat(matrix.macroPrecision()).isCloseTo(0.75, within(EPS));
  }

  @Test
  void zeroDivisionGivesZeroAndEmptyGivesNaN() {
    ConfusionMatrix allNegative = ConfusionMatrix.of(2, new int[] {0, 0}, new int[] {0, 0});
    assertThat(allNegative.precision(1)).isZero();
    assertThat(allNegative.recall(1)).isZero();
    assertThat(allNegative.f1(1)).isZero();
    assertThat(ConfusionMatrix.empty(2).accuracy()).isNaN();
    assertThat(ConfusionMatrix.empty(2).matthewsCorrelation()).isNaN();
  }

  @Test
  void badInputIsRejectedWithItsPosition() {
    assertThatThrownBy(() -> ConfusionMatrix.of(2, new int[] {0, 2}, new int[] {0, 1}))
        .hasMessageContaining("label 2 at index 1");
    assertThatThrownBy(() -> ConfusionMatrix.of(2, new int[] {0}, new int[] {0, 1}))
        .hasMessageContaining("1 labels but 2 predictions");
    assertThatThrownBy(() -> ConfusionMatrix.empty(1)).hasMessageContaining("at least 2");
  }

  @Test
  void tablePrintsCountsByTrueRowAndPredictedColumn() {
    String table = ConfusionMatrix.of(2, new int[] {1, 1, 1, 0}, new int[] {1, 0, 1, 1}).table();
    assertThat(table.lines().skip(1))
        .containsExactly(
            String.format("%-12d%6d%6d", 0, 0, 1), String.format("%-12d%6d%6d", 1, 1, 2));
  }
}
