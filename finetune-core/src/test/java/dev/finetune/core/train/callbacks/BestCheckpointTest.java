package dev.finetune.core.train.callbacks;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.finetune.core.data.TextDataset;
import dev.finetune.core.data.tokens.TokenDataset;
import dev.finetune.core.model.Encoders;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.model.TinyFixtures;
import dev.finetune.core.params.ModelParameter;
import dev.finetune.core.report.EvaluationRecord;
import dev.finetune.core.report.TrainingReport;
import dev.finetune.core.train.FineTune;
import dev.finetune.core.train.TinySetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The best model is saved in HF layout and reloads to identical weights and logits. */
class BestCheckpointTest {

  @TempDir Path dir;

  private static float[] logits(SequenceClassifier model) {
    try (NDManager m = model.manager().newSubManager()) {
      return model.forward(TinyFixtures.batch(m), false).singletonOrThrow().toFloatArray();
    }
  }

  @Test
  void savesTheBestEpochAndItReloadsIdentically() throws Exception {
    TextDataset train = TinySetup.toyTask("toy", 64, 1);
    TextDataset dev = TinySetup.toyTask("dev", 32, 2);
    Path best = dir.resolve("best");
    try (HuggingFaceTokenizer tokenizer = TinySetup.tokenizer(dir);
        SequenceClassifier model = TinySetup.model(0.1f, 7)) {
      Snapshots.Recorder rec = new Snapshots.Recorder();
      FineTune.of(model).tokenizer(tokenizer).learningRate(1e-3).epochs(3).batchSize(16)
          .progressBar(false).callbacks(BestCheckpoint.on("loss").saveTo(best), rec)
          .fit(train, dev);

      JsonObject json = JsonParser.parseString(Files.readString(best.resolve("best.json")))
          .getAsJsonObject();
      int bestEpoch = 0;
      for (int e = 1; e < 3; e++) {
        if (rec.evaluations.get(e).get("loss") < rec.evaluations.get(bestEpoch).get("loss")) {
          bestEpoch = e;
        }
      }
      assertThat(json.get("epoch").getAsInt()).isEqualTo(bestEpoch);
      assertThat(json.get("value").getAsDouble()).isEqualTo(rec.evaluations.get(bestEpoch).get("loss"));
      assertThat(json.getAsJsonObject("metrics").has("accuracy")).isTrue();
      assertThat(best.resolve("model.safetensors")).exists();
      try (var listing = Files.list(dir)) {
        assertThat(listing.map(p -> p.getFileName().toString()))
            .noneMatch(n -> n.contains("-tmp-") || n.endsWith("-old"));
      }

      Map<String, float[]> saved = rec.afterEpoch.get(bestEpoch);
      try (SequenceClassifier reloaded = Encoders.load(best).forSequenceClassification(2)) {
        for (ModelParameter p : reloaded.parameters().all()) {
          assertThat(Arrays.equals(p.parameter().getArray().toFloatArray(), saved.get(p.hfName())))
              .as(p.hfName()).isTrue();
        }
        if (bestEpoch == 2) {
          assertThat(logits(reloaded)).containsExactly(logits(model));
        } else {
          assertThat(logits(reloaded)).isNotEqualTo(logits(model));
        }
      }
    }
  }

  /**
   * With restoreAtEnd the test split is scored with the best epoch's weights (before, the row
   * said the last epoch even though the weights were the best's). The test set here is the
   * validation set, so the test row must repeat the best evaluation's metrics exactly, not the
   * last epoch's; the highest validation loss counts as best, so the best is an early epoch.
   */
  @Test
  void theTestRowIsScoredWithTheRestoredBestWeightsForTextAndTokenTasks() throws Exception {
    TextDataset train = TinySetup.toyTask("toy", 32, 1);
    TextDataset dev = TinySetup.toyTask("dev", 16, 2);
    try (HuggingFaceTokenizer tokenizer = TinySetup.tokenizer(dir.resolve("tok"));
        SequenceClassifier model = TinySetup.model(0.1f, 7)) {
      TrainingReport restored = chain(model, tokenizer, true).fit(train, dev, dev);
      assertScoredWithTheBest(restored);
    }
    try (HuggingFaceTokenizer tokenizer = TinySetup.tokenizer(dir.resolve("tok"));
        SequenceClassifier model = TinySetup.model(0.1f, 7)) {
      TrainingReport last = chain(model, tokenizer, false).fit(train, dev, dev);
      EvaluationRecord test = last.test().orElseThrow();
      assertThat(test.epoch()).isEqualTo(3);
      assertThat(test.validationMetrics()).isEqualTo(last.lastEpoch().validationMetrics());
      assertThat(last.settings()).containsEntry(TrainingReport.TEST_WEIGHTS, "last (epoch 3)");
    }
    TokenDataset tokens = TinySetup.tokenTask("tokens", 32, 1);
    TokenDataset tokenDev = TinySetup.tokenTask("token-dev", 16, 2);
    try (HuggingFaceTokenizer tokenizer = TinySetup.tokenizer(dir.resolve("tok"));
        SequenceClassifier model = TinySetup.tokenModel(0.1f, 7)) {
      TrainingReport restored = chain(model, tokenizer, true).fit(tokens, tokenDev, tokenDev);
      assertScoredWithTheBest(restored);
      assertThat(restored.test().orElseThrow().validationMetrics()).containsKey("f1");
    }
  }

  private FineTune chain(SequenceClassifier model, HuggingFaceTokenizer tokenizer, boolean restore) {
    BestCheckpoint best = BestCheckpoint.on("loss").mode(Mode.MAX).saveTo(dir.resolve("best"));
    return FineTune.of(model).tokenizer(tokenizer).learningRate(5e-3).epochs(3).batchSize(16)
        .maxLength(16).seed(3).progressBar(false).callbacks(restore ? best.restoreAtEnd() : best);
  }

  private static void assertScoredWithTheBest(TrainingReport report) {
    EvaluationRecord best = report.extraRows().stream()
        .filter(r -> r.label().equals(BestCheckpoint.RESTORED_LABEL)).findFirst().orElseThrow();
    EvaluationRecord test = report.test().orElseThrow();
    assertThat(best.epoch()).as("the best epoch is not the last").isLessThan(3);
    assertThat(test.epoch()).isEqualTo(best.epoch());
    assertThat(test.validationMetrics()).isEqualTo(best.validationMetrics())
        .isNotEqualTo(report.lastEpoch().validationMetrics());
    assertThat(report.settings()).containsEntry(TrainingReport.TEST_WEIGHTS,
        "best (epoch " + best.epoch() + ")");
  }
}
