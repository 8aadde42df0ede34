package dev.finetune.core.train.callbacks;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.finetune.core.data.TextDataset;
import dev.finetune.core.model.Encoders;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.model.TinyFixtures;
import dev.finetune.core.params.ModelParameter;
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
}
