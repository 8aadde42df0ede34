package dev.finetune.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import dev.finetune.core.model.ProblemType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Regression and multi-label metrics against hand computations, and the user-metric hook. */
class RegressionAndMultiLabelMetricsTest {

  private static final double[] X = {1, 2, 3, 4, 5};
  private static final double[] Y = {2, 4, 5, 4, 5};

  @Test
  void pearsonMatchesTheHandComputation() {
    // dx = -2..2, dy = -2, 0, 1, 0, 1: sxy = 6, sxx = 10, syy = 6, r = 6 / sqrt(60)
    assertThat(RegressionMetrics.pearson(X, Y)).isCloseTo(6 / Math.sqrt(60), within(1e-12));
    assertThat(RegressionMetrics.pearson(X, new double[] {10, 8, 6, 4, 2})).isCloseTo(-1, within(1e-12));
    assertThat(RegressionMetrics.pearson(X, new double[] {3, 3, 3, 3, 3})).isNaN();
  }

  @Test
  void spearmanGivesTiesTheirAverageRank() {
    // Y's ranks: 2 -> 1, the two 4s share 2 and 3 -> 2.5, the two 5s share 4 and 5 -> 4.5
    assertThat(RegressionMetrics.averageRanks(Y)).containsExactly(1, 2.5, 4.5, 2.5, 4.5);
    // Pearson of ranks: sxy = 7, sxx = 10, syy = 9 (scipy.stats.spearmanr gives 0.7378647873726218)
    assertThat(RegressionMetrics.spearman(X, Y)).isCloseTo(7 / Math.sqrt(90), within(1e-12));
    assertThat(RegressionMetrics.spearman(X, Y)).isCloseTo(0.7378647873726218, within(1e-12));
    // monotone but not linear: Spearman 1, Pearson below 1
    double[] cubes = {1, 8, 27, 64, 125};
    assertThat(RegressionMetrics.spearman(X, cubes)).isCloseTo(1, within(1e-12));
    assertThat(RegressionMetrics.pearson(X, cubes)).isLessThan(0.99);
    assertThat(RegressionMetrics.meanSquaredError(X, Y)).isCloseTo((1 + 4 + 4 + 0 + 0) / 5.0, within(1e-12));
    assertThatThrownBy(() -> RegressionMetrics.pearson(X, new double[2]))
        .hasMessageContaining("differ in length: 5 vs 2");
  }

  // three labels, the last one empty (never true, never predicted)
  private static final float[][] PROBS = {{0.9f, 0.2f, 0.1f}, {0.6f, 0.7f, 0.3f}, {0.4f, 0.8f, 0.2f}};
  private static final boolean[][] TRUTH = {
      {true, false, false}, {false, true, false}, {true, true, false}};

  @Test
  void multiLabelMetricsAtAGlobalThreshold() {
    // predicted at 0.5: {0}, {0, 1}, {1}
    // label 0: tp 1, fp 1, fn 1 -> F1 0.5; label 1: tp 2 -> 1; label 2: nothing -> 0 (sklearn)
    Map<String, Double> m = MultiLabelMetrics.results(PROBS, TRUTH, MultiLabelMetrics.global(0.5, 3));
    assertThat(m.get(MultiLabelMetrics.MICRO_F1)).isCloseTo(2.0 * 3 / (2 * 3 + 1 + 1), within(1e-12));
    assertThat(m.get(MultiLabelMetrics.MACRO_F1)).isCloseTo((0.5 + 1 + 0) / 3, within(1e-12));
    assertThat(m.get(MultiLabelMetrics.SUBSET_ACCURACY)).isCloseTo(1 / 3.0, within(1e-12));
    assertThat(m.get(MultiLabelMetrics.HAMMING_LOSS)).isCloseTo(2 / 9.0, within(1e-12));
    // a threshold of 0.35 also predicts label 0 for the third example: label 0 F1 = 4/5
    Map<String, Double> low = MultiLabelMetrics.results(PROBS, TRUTH, new double[] {0.35, 0.5, 0.5});
    assertThat(low.get(MultiLabelMetrics.MACRO_F1)).isCloseTo((0.8 + 1 + 0) / 3, within(1e-12));
  }

  @Test
  void perLabelScoresAreTheOnesMacroF1Averages() {
    // at 0.5: label 0 tp 1 fp 1 fn 1; label 1 tp 2; label 2 empty
    List<MultiLabelMetrics.LabelScores> per =
        MultiLabelMetrics.perLabel(PROBS, TRUTH, MultiLabelMetrics.global(0.5, 3));
    assertThat(per).containsExactly(new MultiLabelMetrics.LabelScores(0.5, 0.5, 0.5, 2, 2),
        new MultiLabelMetrics.LabelScores(1, 1, 1, 2, 2),
        new MultiLabelMetrics.LabelScores(0, 0, 0, 0, 0));
    double macro = per.stream().mapToDouble(MultiLabelMetrics.LabelScores::f1).average().orElseThrow();
    assertThat(macro).isEqualTo(MultiLabelMetrics.results(PROBS, TRUTH,
        MultiLabelMetrics.global(0.5, 3)).get(MultiLabelMetrics.MACRO_F1));
    // |1-2| + |2-4| + |3-5| + 0 + 0 = 5
    assertThat(RegressionMetrics.meanAbsoluteError(X, Y)).isCloseTo(5 / 5.0, within(1e-12));
  }

  @Test
  void tunedThresholdsMaximisePerLabelF1NearestHalfOnTies() {
    double[] t = MultiLabelMetrics.tuneThresholds(PROBS, TRUTH);
    // label 0: any t <= 0.4 gives F1 0.8 (the best), nearest 0.5 is 0.4; labels 1, 2: 0.5 ties
    assertThat(t).containsExactly(new double[] {0.4, 0.5, 0.5}, within(1e-12));
  }

  @Test
  void validationMetricsPickTheHeadsMetricsAndAddUserMetricsByName() {
    try (NDManager m = NDManager.newBaseManager()) {
      ValidationMetrics regression = ValidationMetrics.builder(ProblemType.REGRESSION, 1)
          .user(List.of(p -> Map.of("mean_target", java.util.Arrays.stream(p.targets()).average().orElse(0))))
          .build();
      float[] predictions = {1, 2, 3, 4, 5};
      float[] targets = {2, 4, 5, 4, 5};
      regression.add(m.create(predictions).reshape(5, 1), m.create(targets));
      regression.addLoss(1.8, 5);
      Map<String, Double> r = regression.results();
      assertThat(r.keySet()).containsExactly("mse", "pearson", "spearman", "mean_target", "loss");
      assertThat(r.get("spearman")).isCloseTo(7 / Math.sqrt(90), within(1e-6));
      assertThat(r.get("mean_target")).isCloseTo(4.0, within(1e-6));

      ValidationMetrics multi = ValidationMetrics.builder(ProblemType.MULTI_LABEL_CLASSIFICATION, 3)
          .tuneThresholds(true).build();
      float[][] logits = new float[3][3];
      float[][] hot = new float[3][3];
      for (int i = 0; i < 3; i++) {
        for (int c = 0; c < 3; c++) {
          logits[i][c] = (float) Math.log(PROBS[i][c] / (1 - PROBS[i][c])); // sigmoid^-1
          hot[i][c] = TRUTH[i][c] ? 1 : 0;
        }
      }
      multi.add(m.create(logits), m.create(hot));
      Map<String, Double> ml = multi.results();
      assertThat(ml.get("macro_f1")).isCloseTo((0.8 + 1 + 0) / 3, within(1e-6));
      // float round trip through the logit: 0.4 may come back a hair below, then 0.35 is chosen
      assertThat(multi.tunedThresholds()[0]).isBetween(0.35 - 1e-9, 0.4 + 1e-9);
      assertThat(multi.tunedThresholds()[1]).isCloseTo(0.5, within(1e-9));
      assertThat(ml).containsKey(ValidationMetrics.MEAN_THRESHOLD);

      ValidationMetrics clash = ValidationMetrics.builder(ProblemType.SINGLE_LABEL_CLASSIFICATION, 2)
          .user(List.of(p -> Map.of("accuracy", 1.0))).build();
      clash.add(m.create(new float[][] {{0, 1}}), m.create(new long[] {1}));
      assertThatThrownBy(clash::results).hasMessageContaining("user metric 'accuracy'")
          .hasMessageContaining("give it another name");
    }
  }
}
