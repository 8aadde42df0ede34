package dev.finetune.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.report.EpochRecord;
import dev.finetune.core.report.EvaluationRecord;
import dev.finetune.core.report.TrainingReport;
import dev.finetune.core.train.callbacks.EarlyStopping;
import dev.finetune.core.train.callbacks.Ema;
import dev.finetune.core.train.callbacks.Freezing;
import dev.finetune.core.train.callbacks.GradualUnfreezing;
import dev.finetune.core.train.callbacks.ReinitTopLayers;
import dev.finetune.core.train.callbacks.Swa;
import dev.finetune.schedules.ParameterSelector;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs with stateful callbacks, interrupted by an exception after a checkpoint and resumed on the
 * same checkpoint directory with fresh callback objects and a fresh model, end with the weights
 * and report of an uninterrupted run: the SWA and EMA averages, EarlyStopping's patience, a
 * freeze's end and the re-initialisation (not repeated) survive the resume. {@link CallbackStateMismatchTest} covers
 * resuming with other callbacks.
 *
 * <p>40 examples in batches of 8: 5 steps per epoch; a checkpoint every 3 steps and at epoch
 * ends. A crash at step 13 resumes from the checkpoint of step 12 (mid-epoch 2).
 */
class CallbackStateResumeTest {

  private static final double TOLERANCE = 1e-6;

  @RegisterExtension static final TinyTokenizer TOKENIZER = new TinyTokenizer();

  @TempDir Path dir;

  private record Outcome(Map<String, float[]> weights, TrainingReport report) {}

  /** A callback that fails the run after a given step, as a crash would. */
  private static TrainingListener crashAfter(long step) {
    return new TrainingListener() {
      @Override
      public void onStepEnd(TrainingContext context, double loss) {
        if (context.globalStep() == step) {
          throw new IllegalStateException("simulated crash after step " + step);
        }
      }
    };
  }

  private Outcome fit(int epochs, Path checkpoints, List<TrainingListener> callbacks) {
    try (SequenceClassifier model = TinySetup.model(0.1f, 23)) {
      FineTune chain = FineTune.of(model).tokenizer(TOKENIZER.get()).learningRate(2e-3).epochs(epochs)
          .batchSize(8).progressBar(false).callbacks(callbacks.toArray(TrainingListener[]::new));
      if (checkpoints != null) {
        chain.checkpoints(checkpoints, 3);
      }
      TrainingReport report =
          chain.fit(TinySetup.toyTask("toy", 40, 31), TinySetup.toyTask("dev", 16, 32));
      return new Outcome(TinySetup.snapshot(model), report);
    }
  }

  private static List<TrainingListener> with(List<TrainingListener> callbacks, TrainingListener extra) {
    List<TrainingListener> out = new ArrayList<>(callbacks);
    out.add(extra);
    return out;
  }

  /** Crashes after {@code crashStep}, resumes, and compares with an uninterrupted run. */
  private Outcome assertResumeEqualsUninterrupted(int epochs, long crashStep,
      Supplier<List<TrainingListener>> callbacks) {
    Path checkpoints = dir.resolve("ckpt");
    assertThatThrownBy(() -> fit(epochs, checkpoints, with(callbacks.get(), crashAfter(crashStep))))
        .hasMessageContaining("simulated crash");
    assertThat(checkpoints.resolve("last/state.json")).exists();
    Outcome resumed = fit(epochs, checkpoints, callbacks.get());
    Outcome straight = fit(epochs, null, callbacks.get());

    assertThat(resumed.weights().keySet()).containsExactlyElementsOf(straight.weights().keySet());
    straight.weights().forEach((name, values) ->
        assertThat(TinySetup.maxAbsDiff(resumed.weights().get(name), values))
            .as("max |resumed - uninterrupted| of %s", name).isLessThanOrEqualTo(TOLERANCE));
    assertSameReport(resumed.report(), straight.report());
    return straight;
  }

  private static void assertSameReport(TrainingReport resumed, TrainingReport straight) {
    assertThat(resumed.epochs()).hasSameSizeAs(straight.epochs());
    for (int i = 0; i < straight.epochs().size(); i++) {
      EpochRecord a = resumed.epochs().get(i);
      EpochRecord b = straight.epochs().get(i);
      assertThat(a.epoch()).isEqualTo(b.epoch());
      assertThat(a.steps()).isEqualTo(b.steps());
      assertThat(a.trainLoss()).as("train loss of epoch %d", i).isCloseTo(b.trainLoss(), within(TOLERANCE));
      assertThat(a.learningRate()).isCloseTo(b.learningRate(), within(1e-12));
      assertSameMetrics(a.validationMetrics(), b.validationMetrics());
    }
    assertThat(resumed.extraRows()).hasSameSizeAs(straight.extraRows());
    for (int i = 0; i < straight.extraRows().size(); i++) {
      EvaluationRecord a = resumed.extraRows().get(i);
      EvaluationRecord b = straight.extraRows().get(i);
      assertThat(a.label()).isEqualTo(b.label());
      assertThat(a.epoch()).isEqualTo(b.epoch());
      assertSameMetrics(a.validationMetrics(), b.validationMetrics());
    }
    assertThat(resumed.settings().get("stopped")).isEqualTo(straight.settings().get("stopped"));
  }

  private static void assertSameMetrics(Map<String, Double> a, Map<String, Double> b) {
    assertThat(a.keySet()).isEqualTo(b.keySet());
    b.forEach((k, v) -> assertThat(a.get(k)).as(k).isCloseTo(v, within(TOLERANCE)));
  }

  @Test
  void swaAveragedWithinEpochsSurvivesAMidEpochResume() {
    // SWA phase from step 7, averaging every 2 steps: the snapshots of steps 9 and 11 are in the
    // checkpoint, those of 13 and 15 come after the resume.
    // Gradual unfreezing (stateless: it follows the position) thaws one more group every 4 steps.
    Outcome straight = assertResumeEqualsUninterrupted(3, 13,
        () -> List.of(GradualUnfreezing.everySteps(4), Swa.lastFraction(0.5).averageEverySteps(2)));
    assertThat(straight.report().extraRows()).extracting(EvaluationRecord::label).containsExactly("swa");
  }

  @Test
  void emaSurvivesAResumeAndReinitialisationIsNotRepeated() {
    assertResumeEqualsUninterrupted(3, 13, () -> List.of(ReinitTopLayers.of(1), Ema.decay(0.9)));
  }

  @Test
  void aFreezeEndingExactlyAtTheResumeStepIsStillReverted() {
    // The checkpoint of step 12 is written while the embeddings are frozen (steps 0-11); the
    // resumed run must unfreeze them before step 12 as the uninterrupted run does.
    assertResumeEqualsUninterrupted(3, 13,
        () -> List.of(Freezing.freeze(ParameterSelector.embeddings()).untilStep(12)));
  }

  @Test
  void earlyStoppingStopsAtTheSameEpochAfterAResume() {
    // No accuracy gain can exceed 0.5 after the first evaluation: patience 2 stops after epoch 2.
    // Restarted patience (the old behaviour) would run all 4 epochs.
    Outcome straight = assertResumeEqualsUninterrupted(4, 13,
        () -> List.of(EarlyStopping.on("accuracy").patience(2).minDelta(0.5)));
    assertThat(straight.report().epochs()).hasSize(3);
    assertThat(straight.report().settings().get("stopped")).contains("early stopping");
  }
}
