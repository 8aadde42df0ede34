package dev.finetune.core.families;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.finetune.core.checkpoint.HostTensor;
import dev.finetune.core.checkpoint.SafeTensors;
import dev.finetune.core.model.EncoderConfig;
import dev.finetune.core.model.Encoders;
import dev.finetune.core.model.ModelType;
import dev.finetune.core.model.ModelTypes;
import dev.finetune.core.model.Pooling;
import dev.finetune.core.model.PretrainedEncoder;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.model.WordPieceVocabulary;
import dev.finetune.core.params.ModelParameter;
import dev.finetune.core.train.FineTune;
import dev.finetune.core.train.TinySetup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adding an architecture family takes one class and no change to main code: {@link MiniBertFamily}
 * (test code, listed in this test jar's {@code META-INF/services}) loads a checkpoint of its own
 * {@code model_type} and prefix, fine-tunes, saves and reloads.
 */
class NewFamilyTest {

  @TempDir Path temp;

  /**
   * A "minibert" task checkpoint: the tensors of a tiny BERT under the {@code minibert.} prefix
   * (head unprefixed), and a config.json without type_vocab_size and max_position_embeddings
   * (the family's defaults: 1 and 128).
   */
  private static float[] writeMiniBertCheckpoint(Path dir) throws IOException {
    EncoderConfig bertShape =
        TinySetup.config(0f).toBuilder().typeVocabSize(1).maxPositionEmbeddings(128).build();
    Map<String, HostTensor> tensors = new LinkedHashMap<>();
    float[] logits;
    try (SequenceClassifier bert =
        SequenceClassifier.randomInit(bertShape, 2, Pooling.CLS_POOLER, 5, Device.cpu(), null)) {
      logits = TinySetup.logits(bert);
      for (ModelParameter p : bert.parameters().all()) {
        String name = p.hfName().startsWith("classifier.") ? p.hfName() : "minibert." + p.hfName();
        tensors.put(name, HostTensor.of(p.parameter().getArray()));
      }
    }
    Files.createDirectories(dir);
    SafeTensors.write(dir.resolve("model.safetensors"), tensors);
    Files.writeString(
        dir.resolve("config.json"),
        "{\"model_type\": \"minibert\", \"vocab_size\": " + bertShape.vocabSize()
            + ", \"hidden_size\": 32, \"num_hidden_layers\": 2, \"num_attention_heads\": 4,"
            + " \"intermediate_size\": 64, \"hidden_dropout_prob\": 0.0,"
            + " \"attention_probs_dropout_prob\": 0.0}");
    Files.write(dir.resolve("tokenizer.json"), WordPieceVocabulary.tokenizerJson(TinySetup.WORDS));
    return logits;
  }

  @Test
  void theServiceFileRegistersTheFamily() {
    ModelType family = ModelType.fromHf("MiniBERT");
    assertThat(family).isInstanceOf(MiniBertFamily.class).isSameAs(ModelTypes.fromHf("minibert"));
    assertThat(ModelTypes.all()).contains(ModelType.BERT, ModelType.ROBERTA, family);
    assertThat(ModelTypes.checkpointPrefixes()).contains("bert.", "roberta.", "minibert.");
  }

  @Test
  void loadsFineTunesSavesAndReloadsACheckpointOfTheNewFamily() throws IOException {
    Path original = temp.resolve("original");
    float[] bertLogits = writeMiniBertCheckpoint(original);

    PretrainedEncoder encoder = Encoders.loader().strict(true).load(original);
    EncoderConfig config = encoder.config();
    assertThat(config.modelType()).isInstanceOf(MiniBertFamily.class);
    assertThat(config.typeVocabSize()).as("family default").isEqualTo(1);
    assertThat(config.maxPositionEmbeddings()).as("family default").isEqualTo(128);
    assertThat(encoder.weights()).containsKey("embeddings.word_embeddings.weight");
    assertThat(encoder.loadReport().isClean()).isTrue();

    Path saved = temp.resolve("saved");
    float[] tunedLogits;
    try (SequenceClassifier model = encoder.forSequenceClassification(2)) {
      assertThat(model.freshParameters()).as("pooler and classifier from the checkpoint").isEmpty();
      assertThat(model.head().pooling()).isEqualTo(Pooling.CLS_POOLER);
      assertThat(TinySetup.logits(model)).as("same weights, same network as BERT")
          .containsExactly(bertLogits);
      FineTune.of(model).learningRate(1e-2).epochs(1).batchSize(16).progressBar(false)
          .fit(TinySetup.toyTask("toy", 32, 3), null);
      tunedLogits = TinySetup.logits(model);
      assertThat(TinySetup.maxAbsDiff(tunedLogits, bertLogits)).isGreaterThan(1e-4);
      model.save(saved);
    }

    assertThat(SafeTensors.read(saved.resolve("model.safetensors")))
        .containsKeys("minibert.embeddings.word_embeddings.weight", "minibert.pooler.dense.weight",
            "classifier.weight")
        .doesNotContainKeys("bert.embeddings.word_embeddings.weight", "minibert.classifier.weight");
    JsonObject savedConfig =
        JsonParser.parseString(Files.readString(saved.resolve("config.json"))).getAsJsonObject();
    assertThat(savedConfig.get("model_type").getAsString()).isEqualTo("minibert");
    assertThat(savedConfig.getAsJsonArray("architectures").get(0).getAsString())
        .isEqualTo("MiniBertForSequenceClassification");

    try (SequenceClassifier reloaded =
        Encoders.loader().strict(true).load(saved).forSequenceClassification(2)) {
      assertThat(reloaded.config().modelType()).isSameAs(config.modelType());
      assertThat(TinySetup.logits(reloaded)).containsExactly(tunedLogits);
    }
  }
}
