package dev.finetune.core.train.callbacks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.finetune.core.data.TextDataset;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.params.ModelParameter;
import dev.finetune.core.report.EvaluationRecord;
import dev.finetune.core.report.TrainingReport;
import dev.finetune.core.train.FineTune;
import dev.finetune.core.train.TinySetup;
import dev.finetune.schedules.Anneal;
import dev.finetune.schedules.SwaLr;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SWA and EMA against hand-computed averages of step snapshots; re-initialisation of top layers. */
class AveragingAndReinitTest {

  @TempDir static Path dir;
  static HuggingFaceTokenizer tokenizer;

  @BeforeAll
  static void tokenizer() {
    tokenizer = TinySetup.tokenizer(dir);
  }

  @AfterAll
  static void close() {
    tokenizer.close();
  }

  private static FineTune chain(SequenceClassifier model, int epochs) {
    return FineTune.of(model).tokenizer(tokenizer).learningRate(1e-3).epochs(epochs).batchSize(16)
        .progressBar(false);
  }

  private static void assertClose(float[] actual, double[] expected, String what) {
    for (int i = 0; i < expected.length; i++) {
      assertThat((double) actual[i]).as(what + "[" + i + "]")
          .isCloseTo(expected[i], within(1e-6 + 1e-5 * Math.abs(expected[i])));
    }
  }

  /**
   * 2 epochs x 4 steps, SWA over the last half (steps 4..7), averaging after every step: the LR of
   * steps 4..7 is SWALR's, counted from step 4 and starting at the run's LR there; the model ends
   * with the mean of the 4 snapshots; the report has the plain last epoch and a "swa" row.
   */
  @Test
  void swaAveragesTheSnapshotsOfItsPhaseUnderSwaLr() {
    TextDataset train = TinySetup.toyTask("toy", 64, 1);
    TextDataset dev = TinySetup.toyTask("dev", 32, 2);
    try (SequenceClassifier model = TinySetup.model(0.1f, 7)) {
      Snapshots.Recorder rec = new Snapshots.Recorder();
      Swa swa = Swa.lastFraction(0.5).lr(1e-4).anneal(2, Anneal.COS).averageEverySteps(1);
      FineTune chain = chain(model, 2).callbacks(swa, rec);
      double lrAtStart = chain.config().absoluteSchedule().lr(4, 8);
      TrainingReport report = chain.fit(train, dev);

      assertThat(swa.startStep(4, 8)).isEqualTo(4);
      SwaLr expected = new SwaLr(1e-4, 2, Anneal.COS, lrAtStart);
      assertThat(rec.lrBeforeStep).hasSize(8);
      for (int s = 4; s < 8; s++) {
        assertThat(rec.lrBeforeStep.get(s)).as("lr of step " + s)
            .isCloseTo(expected.lr(s - 4), within(1e-15));
      }
      assertThat(rec.lrBeforeStep.get(7)).isEqualTo(1e-4);
      assertThat(rec.lrBeforeStep.get(3)).isNotEqualTo(rec.lrBeforeStep.get(4));

      for (ModelParameter p : model.parameters().all()) {
        double[] mean = new double[(int) p.size()];
        for (int s = 4; s < 8; s++) {
          float[] w = rec.afterStep.get(s).get(p.hfName());
          for (int i = 0; i < mean.length; i++) {
            mean[i] += w[i] / 4.0;
          }
        }
        assertClose(p.parameter().getArray().toFloatArray(), mean, p.hfName());
      }
      assertThat(Arrays.equals(Snapshots.of(model).get("classifier.weight"),
          rec.afterStep.get(7).get("classifier.weight"))).isFalse();

      assertThat(report.epochs()).hasSize(2);
      assertThat(report.lastEpoch().validationMetrics()).isEqualTo(rec.evaluations.get(1));
      List<EvaluationRecord> extra = report.extraRows();
      assertThat(extra).extracting(EvaluationRecord::label).containsExactly("swa");
      assertThat(extra.get(0).validationMetrics()).containsKeys("accuracy", "loss");
    }
  }

  /** EMA with decay 0.5 over 4 steps: a1 = w1, a_k = 0.5 a_(k-1) + 0.5 w_k; an "ema" row. */
  @Test
  void emaFollowsItsRecurrence() {
    TextDataset train = TinySetup.toyTask("toy", 64, 3);
    TextDataset dev = TinySetup.toyTask("dev", 32, 4);
    try (SequenceClassifier model = TinySetup.model(0f, 9)) {
      Snapshots.Recorder rec = new Snapshots.Recorder();
      TrainingReport report = chain(model, 1).callbacks(Ema.decay(0.5), rec).fit(train, dev);
      for (ModelParameter p : model.parameters().all()) {
        double[] ema = new double[(int) p.size()];
        for (int s = 0; s < 4; s++) {
          float[] w = rec.afterStep.get(s).get(p.hfName());
          for (int i = 0; i < ema.length; i++) {
            ema[i] = s == 0 ? w[i] : 0.5 * ema[i] + 0.5 * w[i];
          }
        }
        assertClose(p.parameter().getArray().toFloatArray(), ema, p.hfName());
      }
      assertThat(report.extraRows()).extracting(EvaluationRecord::label).containsExactly("ema");
    }
  }

  /** Before step 1 the top layer and the pooler are new; layer 0, embeddings and head untouched. */
  @Test
  void reinitTopLayersChangesOnlyTheTopLayersBeforeTraining() {
    TextDataset train = TinySetup.toyTask("toy", 16, 5);
    try (SequenceClassifier model = TinySetup.model(0f, 11)) {
      Map<String, float[]> init = Snapshots.of(model);
      Snapshots.Recorder rec = new Snapshots.Recorder();
      chain(model, 1).callbacks(ReinitTopLayers.of(1).pooler(true).seed(3), rec).fit(train, null);
      int changed = 0;
      for (ModelParameter p : model.parameters().all()) {
        String n = p.hfName();
        boolean top = p.address().layer() == 1 || n.startsWith("pooler.");
        boolean same = Arrays.equals(init.get(n), rec.atFitStart.get(n));
        boolean isOnes = !n.contains("LayerNorm") && !n.endsWith("bias"); // reinit keeps LN=1, bias=0
        if (top && isOnes) {
          assertThat(same).as(n + " re-initialised").isFalse();
          changed++;
        } else if (!top) {
          assertThat(same).as(n + " untouched").isTrue();
        }
      }
      assertThat(changed).isGreaterThanOrEqualTo(6);
    }
  }

  @Test
  void reinitDoesNothingOnResume() {
    FakeContext resumed = new FakeContext();
    resumed.resumed = true;
    ReinitTopLayers.of(2).onFitStart(resumed); // would throw on parameters() if it acted
  }
}
