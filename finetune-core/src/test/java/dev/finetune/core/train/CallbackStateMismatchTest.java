package dev.finetune.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.report.TrainingReport;
import dev.finetune.core.train.callbacks.BestCheckpoint;
import dev.finetune.core.train.callbacks.EarlyStopping;
import dev.finetune.core.train.callbacks.Ema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resuming with other stateful callbacks than the checkpoint was written with fails, naming the
 * keys; a format 1 checkpoint (before callback state was saved) resumes only without stateful
 * callbacks; repeated keys are numbered.
 */
class CallbackStateMismatchTest {

  @RegisterExtension static final TinyTokenizer TOKENIZER = new TinyTokenizer();

  @TempDir Path dir;

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

  /** One epoch of 3 steps (24 examples, batch 8), a checkpoint every 2 steps. */
  private TrainingReport fit(Path checkpoints, List<TrainingListener> callbacks) {
    try (SequenceClassifier model = TinySetup.model(0.1f, 23)) {
      return FineTune.of(model).tokenizer(TOKENIZER.get()).learningRate(2e-3).epochs(1).batchSize(8)
          .progressBar(false).callbacks(callbacks.toArray(TrainingListener[]::new))
          .checkpoints(checkpoints, 2)
          .fit(TinySetup.toyTask("toy", 24, 31), TinySetup.toyTask("dev", 8, 32));
    }
  }

  @Test
  void aCheckpointWithStateForAMissingCallbackFailsClearly() {
    Path checkpoints = dir.resolve("ckpt");
    assertThatThrownBy(() -> fit(checkpoints, List.of(Ema.decay(0.9), crashAfter(3))))
        .hasMessageContaining("simulated crash");
    assertThatThrownBy(() -> fit(checkpoints, List.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("holds state for [ema]")
        .hasMessageContaining("Resume with the same stateful callbacks");
    assertThatThrownBy(() -> fit(checkpoints,
            List.of(Ema.decay(0.9), EarlyStopping.on("accuracy"))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no state for this run's callbacks [early-stopping/accuracy]");
  }

  @Test
  void aFormatOneCheckpointResumesOnlyWithoutStatefulCallbacks() throws Exception {
    Path checkpoints = dir.resolve("ckpt");
    assertThatThrownBy(() -> fit(checkpoints, List.of(crashAfter(3))))
        .hasMessageContaining("simulated crash");
    Path state = checkpoints.resolve("last/state.json");
    JsonObject json = JsonParser.parseString(Files.readString(state)).getAsJsonObject();
    json.addProperty("format", 1);
    json.remove("listeners");
    json.remove("epoch_loss_sum");
    json.remove("epoch_examples");
    json.remove("fingerprint"); // format 1 predates fingerprints and checksums too
    Files.writeString(state, json.toString());
    Files.delete(checkpoints.resolve("last/" + Checkpoints.CHECKSUMS));

    assertThatThrownBy(() -> fit(checkpoints, List.of(EarlyStopping.on("accuracy"))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("[early-stopping/accuracy]")
        .hasMessageContaining("format 1");
    assertThat(fit(checkpoints, List.of()).epochs()).hasSize(1);
  }

  @Test
  void aStateSavedBeforeTheFirstEvaluationResumes() {
    // The checkpoint of step 2 comes before any evaluation: best values are NaN in state.json.
    Path checkpoints = dir.resolve("ckpt");
    Path best = dir.resolve("best");
    assertThatThrownBy(() -> fit(checkpoints, List.of(EarlyStopping.on("loss"),
            BestCheckpoint.on("loss").saveTo(best), crashAfter(3))))
        .hasMessageContaining("simulated crash");
    assertThat(best).doesNotExist();
    TrainingReport report =
        fit(checkpoints, List.of(EarlyStopping.on("loss"), BestCheckpoint.on("loss").saveTo(best)));
    assertThat(report.epochs()).hasSize(1);
    assertThat(best.resolve(BestCheckpoint.BEST_JSON)).exists();
  }

  @Test
  void repeatedKeysAreNumberedInListenerOrder() {
    StatefulListener a = Ema.decay(0.9);
    StatefulListener b = Ema.decay(0.5);
    TrainingListener plain = new TrainingListener() {};
    assertThat(Checkpoints.keyed(Arrays.asList(a, plain, b)))
        .containsExactly(Map.entry("ema", a), Map.entry("ema#2", b));
  }
}
