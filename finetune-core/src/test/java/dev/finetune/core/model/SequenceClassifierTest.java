package dev.finetune.core.model;

import static dev.finetune.core.model.TinyFixtures.batch;
import static dev.finetune.core.model.TinyFixtures.maxAbsDiff;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.finetune.core.checkpoint.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The classifier block: shapes, determinism, dropout, masking, save/reload, memory. */
class SequenceClassifierTest {

  @TempDir Path dir;

  private static float[] logits(SequenceClassifier model, boolean training) {
    try (NDManager m = model.manager().newSubManager()) {
      return model.forward(batch(m), training).singletonOrThrow().toFloatArray();
    }
  }

  @Test
  void forwardGivesFloatLogitsPerRow() {
    try (SequenceClassifier model = TinyFixtures.bert(3, 1);
        NDManager m = model.manager().newSubManager()) {
      NDArray out = model.forward(batch(m), false).singletonOrThrow();
      assertThat(out.getShape()).isEqualTo(new Shape(2, 3));
      assertThat(out.getDataType()).isEqualTo(DataType.FLOAT32);
      assertThat(model.numLabels()).isEqualTo(3);
      assertThat(model.getOutputShapes(new Shape[] {new Shape(2, 6)})[0]).isEqualTo(new Shape(2, 3));
    }
  }

  @Test
  void initialisationIsSeeded() {
    try (SequenceClassifier a = TinyFixtures.bert(2, 7);
        SequenceClassifier b = TinyFixtures.bert(2, 7);
        SequenceClassifier c = TinyFixtures.bert(2, 8)) {
      assertThat(logits(a, false)).containsExactly(logits(b, false));
      assertThat(maxAbsDiff(logits(a, false), logits(c, false))).isGreaterThan(1e-4);
    }
  }

  @Test
  void evalIsDeterministicAndTrainingAppliesDropout() {
    try (SequenceClassifier model = TinyFixtures.bert(2, 3)) {
      float[] eval1 = logits(model, false);
      Engine.getInstance().setRandomSeed(11);
      float[] train1 = logits(model, true);
      Engine.getInstance().setRandomSeed(11);
      float[] train2 = logits(model, true);
      assertThat(logits(model, false)).containsExactly(eval1);
      assertThat(train1).containsExactly(train2); // seeded dropout is reproducible
      assertThat(maxAbsDiff(eval1, train1)).isGreaterThan(1e-6);
    }
  }

  @Test
  void paddingDoesNotChangeRealTokens() {
    try (SequenceClassifier model = TinyFixtures.bert(2, 5);
        NDManager m = model.manager().newSubManager()) {
      NDArray padded = model.encode(batch(m)).lastHiddenState().get("1, 0:4, :");
      NDArray alone =
          model
              .encode(new NDList(m.create(new long[][] {{2, 6, 8, 3}})))
              .lastHiddenState()
              .get("0, :, :");
      assertThat(maxAbsDiff(padded.toFloatArray(), alone.toFloatArray())).isLessThan(1e-5);
    }
  }

  @Test
  void savedModelReloadsToIdenticalOutputs() throws IOException {
    float[] before;
    try (SequenceClassifier model = TinyFixtures.bert(2, 9)) {
      model.parameters().freeze(a -> true); // freezing must not affect what is saved
      before = logits(model, false);
      model.save(dir);
    }
    assertThat(SafeTensors.read(dir.resolve("model.safetensors")))
        .containsKeys("bert.embeddings.word_embeddings.weight", "bert.pooler.dense.weight", "classifier.weight");
    JsonObject config = JsonParser.parseString(Files.readString(dir.resolve("config.json"))).getAsJsonObject();
    assertThat(config.get("architectures").getAsJsonArray().get(0).getAsString())
        .isEqualTo("BertForSequenceClassification");
    assertThat(config.get("finetune_pooling").getAsString()).isEqualTo("cls_pooler");
    assertThat(config.getAsJsonObject("id2label").size()).isEqualTo(2);
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("config.json", "model.safetensors", "tokenizer.json");
    }
    try (SequenceClassifier reloaded = Encoders.loader().strict(true).load(dir).forSequenceClassification(2)) {
      assertThat(reloaded.freshParameters()).isEmpty();
      assertThat(logits(reloaded, false)).containsExactly(before);
      Encoding e = reloaded.tokenizer().encode("the good movies");
      assertThat(e.getIds()).containsExactly(2, 5, 7, 9, 15, 3);
    }
  }

  @Test
  void regressionHeadHasOneOutputAndIsSavedAsRegression() throws IOException {
    try (SequenceClassifier model = TinyFixtures.bert(2, 1)) {
      model.save(dir);
    }
    try (SequenceClassifier reg = Encoders.load(dir).classifier().regression().freshHead(true).build()) {
      assertThat(reg.isRegression()).isTrue();
      assertThat(reg.numLabels()).isEqualTo(1);
      assertThat(logits(reg, false)).hasSize(2);
      reg.save(dir);
    }
    String config = Files.readString(dir.resolve("config.json"));
    assertThat(config).contains("\"problem_type\": \"regression\"");
  }

  @Test
  void keepFirstLayersDropsTheRest() {
    try (SequenceClassifier model = TinyFixtures.bert(2, 4)) {
      model.save(dir);
    }
    PretrainedEncoder small = Encoders.loader().keepLayers(1).load(dir);
    assertThat(small.config().numLayers()).isEqualTo(1);
    assertThat(small.loadReport().dropped()).hasSize(16).allMatch(n -> n.startsWith("encoder.layer.1."));
    assertThat(small.loadReport().isClean()).isTrue();
    try (SequenceClassifier model = small.forSequenceClassification(2)) {
      assertThat(model.parameters().all()).noneMatch(p -> p.hfName().startsWith("encoder.layer.1."));
      assertThat(model.encoder().layers()).hasSize(1);
    }
  }

  @Test
  void theLoaderAndTheHeadBuilderCreateTheModelOnTheResolvedDevice() {
    try (SequenceClassifier model = TinyFixtures.bert(2, 1)) {
      model.save(dir);
    }
    Device expected = Devices.resolve(Device.gpu()); // the CPU on a machine without a GPU
    PretrainedEncoder encoder = Encoders.loader().device(Devices.parse("cuda:0")).load(dir);
    assertThat(encoder.device()).isEqualTo(expected);
    try (SequenceClassifier onLoaders = encoder.forSequenceClassification(2);
        SequenceClassifier onCpu = encoder.classifier().device(Device.cpu()).build()) {
      assertThat(onLoaders.device()).isEqualTo(expected);
      assertThat(onLoaders.parameters().all().get(0).parameter().getArray().getDevice()).isEqualTo(expected);
      assertThat(onCpu.device()).isEqualTo(Device.cpu());
      assertThat(onCpu.parameters().all().get(0).parameter().getArray().getDevice()).isEqualTo(Device.cpu());
    }
  }

  @Test
  void tokenizerDoesNotPadAndTruncatesAtMaxLength() {
    try (SequenceClassifier model = TinyFixtures.bert(2, 1)) {
      model.save(dir);
    }
    PretrainedEncoder encoder = Encoders.loader().maxLength(5).load(dir);
    try (var tokenizer = encoder.newTokenizer()) {
      assertThat(tokenizer.encode("good").getIds()).containsExactly(2, 7, 3);
      assertThat(tokenizer.encode("the good bad movie film is").getIds()).hasSize(5);
    }
  }

  @Test
  void forwardPassesLeaveNoArraysOnTheModelManager() {
    try (SequenceClassifier model = TinyFixtures.bert(2, 2)) {
      logits(model, true);
      int before = model.manager().getManagedArrays().size();
      for (int i = 0; i < 3; i++) {
        logits(model, i % 2 == 0);
      }
      assertThat(model.manager().getManagedArrays()).hasSize(before);
    }
  }

  @Test
  void randomModelWithoutTokenizerSaysSo() {
    try (SequenceClassifier model =
        SequenceClassifier.randomInit(EncoderConfig.tiny(), 2, 1, Device.cpu())) {
      assertThat(model.hasTokenizer()).isFalse();
      org.assertj.core.api.Assertions.assertThatThrownBy(model::tokenizer)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("no tokenizer");
    }
  }
}
