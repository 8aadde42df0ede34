package dev.finetune.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.finetune.core.data.TextDataset;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.report.TrainingReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A resume checkpoint records its run's fingerprint (settings, methods, model, data); resuming
 * with another one fails before any step, naming each difference, unless the user allowed an
 * allowable change; a checkpoint without a fingerprint (older versions) resumes.
 */
class ResumeFingerprintTest {

  @RegisterExtension static final TinyTokenizer TOKENIZER = new TinyTokenizer();

  @TempDir Path dir;

  private static final TextDataset TRAIN = TinySetup.toyTask("toy", 24, 31);
  private static final TextDataset DEV = TinySetup.toyTask("dev", 8, 32);

  /** One epoch of 3 steps (24 examples, batch 8) at lr 2e-3, changed by {@code change}. */
  private TrainingReport fit(TextDataset train, UnaryOperator<FineTune> change) {
    try (SequenceClassifier model = TinySetup.model(0.1f, 23)) {
      FineTune chain = FineTune.of(model).tokenizer(TOKENIZER.get()).learningRate(2e-3).epochs(1)
          .batchSize(8).progressBar(false).checkpoints(dir.resolve("ckpt"), 0);
      return change.apply(chain).fit(train, DEV);
    }
  }

  private void firstRun() {
    fit(TRAIN, c -> c);
    assertThat(dir.resolve("ckpt/last/state.json")).exists();
  }

  @Test
  void aChangedSettingIsRefusedNamingCheckpointAndNewValue() {
    firstRun();
    assertThatThrownBy(() -> fit(TRAIN, c -> c.learningRate(1e-4).batchSize(4)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("batchSize: checkpoint 8, now 4")
        .hasMessageContaining("learningRate: checkpoint 0.002, now 1.0E-4")
        .hasMessageContaining("--resume-allow");
  }

  @Test
  void otherTrainingDataIsRefused() {
    firstRun();
    assertThatThrownBy(() -> fit(TinySetup.toyTask("toy", 24, 99), c -> c))
        .hasMessageContaining("trainData: checkpoint toy, 24 examples, crc32c ")
        .hasMessageNotContaining("learningRate:");
  }

  @Test
  void moreEpochsResumeWhenAllowedAndAreRefusedOtherwise() {
    firstRun();
    assertThatThrownBy(() -> fit(TRAIN, c -> c.epochs(2)))
        .hasMessageContaining("epochs: checkpoint 1, now 2");
    TrainingReport report = fit(TRAIN, c -> c.epochs(2).resumeAllowing("epochs"));
    assertThat(report.epochs()).hasSize(2);
    assertThat(report.epochs().get(1).steps()).isEqualTo(6);
  }

  @Test
  void changesThatCanNeverBeSafeCannotBeAllowed() {
    assertThatThrownBy(() -> fit(TRAIN, c -> c.resumeAllowing("batch_size")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("batchSize cannot change on resume")
        .hasMessageContaining("epochs");
    assertThatThrownBy(() -> fit(TRAIN, c -> c.resumeAllowing("colour")))
        .hasMessageContaining("'colour' is not a setting");
  }

  @Test
  void theProgressBarAndSaveIntervalMayChange() {
    firstRun();
    TrainingReport report = fit(TRAIN, c -> c.progressBar(true).checkpoints(dir.resolve("ckpt"), 5));
    assertThat(report.epochs()).hasSize(1);
  }

  @Test
  void aCheckpointWithoutFingerprintResumesWithAWarning() throws Exception {
    firstRun();
    Path state = dir.resolve("ckpt/last/state.json");
    JsonObject json = JsonParser.parseString(Files.readString(state)).getAsJsonObject();
    json.remove("fingerprint");
    Files.writeString(state, json.toString());
    Files.deleteIfExists(dir.resolve("ckpt/last/" + Checkpoints.CHECKSUMS)); // older versions had none
    TrainingReport report = fit(TRAIN, c -> c.learningRate(1e-4));
    assertThat(report.epochs()).hasSize(1);
  }
}
