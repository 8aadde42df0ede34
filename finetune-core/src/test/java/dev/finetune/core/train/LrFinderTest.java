package dev.finetune.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.finetune.core.data.TextDataset;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.params.ModelParameter;
import dev.finetune.core.report.TrainingReport;
import dev.finetune.schedules.ParameterSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The LR range test: suggestion and stop rules on a hand-made curve, and a real sweep on the tiny encoder. */
class LrFinderTest {

  @RegisterExtension static final TinyTokenizer TOKENIZER = new TinyTokenizer();

  private static List<Double> lrs(int n) {
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(1e-6 * Math.pow(10, i / 2.0));
    }
    return out;
  }

  @Test
  void suggestionsAndStopRuleOnAHandMadeCurve() {
    // No smoothing (beta 0), so the smoothed loss is the loss and the rules can be checked by hand:
    // steepest: the largest drop is 2.0 -> 1.2, between points 0 and 1 -> lr[0];
    // valley: the longest descent is points 0..8 (lds 9, ends at 8, start 8 - 9 = -1), a third of
    // its length is 3, so the point is -1 + 3 + 1 = 3 -> lr[3];
    // stop: the best is 0.5, 3.5 > 4 x 0.5 at point 10, so the sweep ends there and 0.1 is dropped
    // (kept, it would lengthen the descent and move the valley to point 5).
    List<Double> losses = List.of(2.0, 1.2, 1.1, 1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 1.2, 3.5, 0.1);
    LrFinderResult r = LrFinderResult.analyze(lrs(losses.size()), losses, 0.0, 4.0);
    assertThat(r.diverged()).isTrue();
    assertThat(r.losses()).hasSize(11);
    assertThat(r.steepestIndex()).isZero();
    assertThat(r.steepest()).isEqualTo(1e-6);
    assertThat(r.valleyIndex()).isEqualTo(3);
    assertThat(r.valley()).isCloseTo(1e-6 * Math.pow(10, 1.5), within(1e-12));
    assertThat(r.suggestion(LrFinder.Rule.VALLEY)).isEqualTo(r.valley());
    assertThat(r.describe()).contains("valley 3.16e-05", "steepest 1.00e-06", "stopped at divergence");
  }

  @Test
  void smoothingIsFastaisBiasCorrectedAverage() {
    LrFinderResult r = LrFinderResult.analyze(lrs(3), List.of(1.0, 2.0, 3.0), 0.98, 4.0);
    // avg1 = 0.02 -> 0.02 / (1 - 0.98) = 1; avg2 = 0.98 * 0.02 + 0.02 * 2 = 0.0596 -> / 0.0396
    assertThat(r.smoothedLosses().get(0)).isCloseTo(1.0, within(1e-12));
    assertThat(r.smoothedLosses().get(1)).isCloseTo(0.0596 / 0.0396, within(1e-12));
    assertThat(r.diverged()).isFalse();
    assertThatThrownBy(() -> LrFinderResult.analyze(lrs(3), List.of(1.0, Double.NaN, 1.0), 0.98, 4))
        .hasMessageContaining("at least 2 steps with a finite loss");
    assertThatThrownBy(() -> LrFinder.builder().minLr(1).maxLr(0.1).build())
        .hasMessageContaining("0 < min_lr < max_lr");
    assertThatThrownBy(() -> LrFinder.builder().steps(2).build()).hasMessageContaining("at least 5 steps");
  }

  @Test
  void theSweepLeavesTheModelUntouched() {
    TextDataset train = TinySetup.toyTask("toy", 64, 3);
    try (SequenceClassifier model = TinySetup.model(0.1f, 5)) {
      model.parameters().freeze(ParameterSelector.embeddings());
      Map<String, float[]> before = TinySetup.snapshot(model);
      List<String> trainableBefore = model.parameters().trainable().stream().map(ModelParameter::hfName).toList();
      LrFinder finder = LrFinder.builder().minLr(1e-5).maxLr(10).steps(16).build();
      LrFinderResult r = FineTune.of(model).tokenizer(TOKENIZER.get()).batchSize(8).findLearningRate(train, finder);

      Map<String, float[]> after = TinySetup.snapshot(model);
      before.forEach((name, values) -> assertThat(after.get(name)).as(name).containsExactly(values));
      assertThat(model.parameters().trainable()).extracting(ModelParameter::hfName)
          .containsExactlyElementsOf(trainableBefore);
      assertThat(r.losses()).hasSizeBetween(2, 16);
      assertThat(r.learningRates().get(0)).isEqualTo(1e-5);
      for (int i = 1; i < r.learningRates().size(); i++) {
        assertThat(r.learningRates().get(i)).isCloseTo(finder.learningRate(i), within(1e-15));
      }
      assertThat(r.valley()).isBetween(1e-5, 10.0);
      assertThat(r.steepest()).isBetween(1e-5, 10.0);
    }
  }

  @Test
  void theLrFinderSettingTrainsWithTheSuggestion() {
    TextDataset train = TinySetup.toyTask("toy", 32, 3);
    try (SequenceClassifier model = TinySetup.model(0f, 5)) {
      TrainingReport report = FineTune.of(model).tokenizer(TOKENIZER.get()).batchSize(8).epochs(1)
          .progressBar(false).lrFinder(LrFinder.builder().minLr(1e-4).maxLr(1).steps(8).build())
          .set("lr_finder", "valley").fit(train, TinySetup.toyTask("dev", 8, 4));
      double lr = Double.parseDouble(String.valueOf(report.settings().get("learning_rate")));
      assertThat(lr).isNotEqualTo(TrainingSettings.LEARNING_RATE.defaultValue()).isBetween(1e-4, 1.0);
      assertThat(String.valueOf(report.settings().get("lr_finder"))).isEqualTo("valley");
    }
    assertThatThrownBy(() -> TrainingSettings.LR_FINDER.convert("lowest", "--lr-finder"))
        .hasMessageContaining("--lr-finder");
  }
}
