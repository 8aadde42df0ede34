package dev.finetune.peft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.finetune.core.checkpoint.SafeTensors;
import dev.finetune.core.method.FineTuningMethod;
import dev.finetune.core.method.FineTuningMethods;
import dev.finetune.core.method.MethodCheckpoint;
import dev.finetune.core.method.MethodType;
import dev.finetune.core.model.EncoderConfig;
import dev.finetune.core.model.Encoders;
import dev.finetune.core.model.ModelType;
import dev.finetune.core.model.Pooling;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.model.TinyFixtures;
import dev.finetune.core.params.ModelParameter;
import dev.finetune.core.predict.Prediction;
import dev.finetune.core.predict.Predictor;
import dev.finetune.core.train.TinySetup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Adapter folders, whole models and merged models: save, load, predict. */
class ExportTest {

  private static final List<String> TEXTS =
      List.of("good movie", "the film was not very good !", "bad", "", "a movie");

  @TempDir Path dir;

  /** A tiny BERT with a tokenizer, saved as a base model folder. */
  private Path base(long seed) {
    Path base = dir.resolve("base-" + seed);
    try (SequenceClassifier model = TinyFixtures.bert(2, seed)) {
      model.save(base);
    }
    return base;
  }

  /** Moves every trainable parameter, as training would. */
  private static void perturb(SequenceClassifier model) {
    for (ModelParameter p : model.parameters().trainable()) {
      var a = p.parameter().getArray();
      a.addi(a.getManager().arange(0f, (float) p.size(), 1f).reshape(a.getShape())
          .muli(0.37f).sin().muli(0.05f));
    }
  }

  private static float[] flat(List<Prediction> predictions) {
    float[] out = new float[predictions.size() * 2];
    for (int i = 0; i < predictions.size(); i++) {
      System.arraycopy(predictions.get(i).logits(), 0, out, 2 * i, 2);
    }
    return out;
  }

  private static JsonObject json(Path file) throws IOException {
    return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
  }

  @Test
  void everyMethodOfTheRegistrySavesLoadsAndPredictsBitIdentically() {
    Path base = base(5);
    for (MethodType type : FineTuningMethods.all()) {
      String spec = type.usage().replace("(K)", "(1)");
      Path out = dir.resolve(type.name());
      List<Prediction> before;
      boolean adapter;
      try (SequenceClassifier model = Encoders.load(base).forSequenceClassification(2)) {
        FineTuningMethod method = FineTuningMethods.parse(spec);
        model.apply(method);
        perturb(model);
        model.labelNames(List.of("neg", "pos"));
        before = Predictor.of(model).predict(TEXTS);
        adapter = type.adapterType().isPresent() && !method.changesBaseWeights();
        if (adapter) {
          MethodCheckpoint.save(model, out);
        } else {
          model.save(out);
        }
      }
      try (Predictor loaded = Predictor.load(out)) {
        assertThat(loaded.predict(TEXTS)).as(spec).isEqualTo(before);
        assertThat(loaded.labelNames()).as(spec).containsExactly("neg", "pos");
      }
      if (adapter) {
        assertThat(MethodCheckpoint.baseModel(out)).as(spec)
            .contains(base.toAbsolutePath().normalize().toString());
      }
    }
  }

  @Test
  void loraIa3AndBitFitMergeIntoAPlainBertModel() throws IOException {
    Path base = base(5);
    for (String spec : List.of("lora(r=4,alpha=8,targets=query|value|dense)", "ia3", "bitfit")) {
      Path merged = dir.resolve("merged-" + spec.replaceAll("[^a-z0-9]+", "_"));
      List<Prediction> adapted;
      try (SequenceClassifier model = Encoders.load(base).forSequenceClassification(2)) {
        model.apply(FineTuningMethods.parse(spec));
        perturb(model);
        adapted = Predictor.of(model).predict(TEXTS);
        model.saveMerged(merged);
        assertThat(Predictor.of(model).predict(TEXTS)).as("the model is unchanged")
            .isEqualTo(adapted);
      }
      Set<String> keys = SafeTensors.read(merged.resolve("model.safetensors")).keySet();
      assertThat(keys).as(spec)
          .contains("bert.pooler.dense.weight", "classifier.weight", "classifier.bias",
              "bert.encoder.layer.0.attention.self.query.weight",
              "bert.embeddings.word_embeddings.weight")
          .noneMatch(k -> k.contains("lora_") || k.contains("ia3_l"));
      JsonObject config = json(merged.resolve("config.json"));
      assertThat(config.getAsJsonArray("architectures").get(0).getAsString())
          .isEqualTo("BertForSequenceClassification");
      assertThat(config.get("model_type").getAsString()).isEqualTo("bert");
      List<Prediction> reloaded;
      try (Predictor loaded = Predictor.load(merged)) {
        reloaded = loaded.predict(TEXTS);
        assertThat(loaded.model().appliedMethods()).isEmpty();
        assertThat(flat(reloaded)).as(spec).containsExactly(flat(adapted), within(1e-5f));
        loaded.model().save(dir.resolve("again"));
      }
      try (Predictor again = Predictor.load(dir.resolve("again"))) {
        assertThat(again.predict(TEXTS)).as("merged models reload bit for bit").isEqualTo(reloaded);
      }
    }
  }

  @Test
  void aMergedRobertaSavesInRobertaForSequenceClassificationLayout() throws IOException {
    EncoderConfig roberta = EncoderConfig.builder().modelType(ModelType.ROBERTA).padTokenId(1)
        .typeVocabSize(1).vocabSize(100).hiddenSize(32).numLayers(2).numHeads(4)
        .intermediateSize(64).maxPositionEmbeddings(40).layerNormEps(1e-5).build();
    Path merged = dir.resolve("roberta");
    float[] adapted;
    try (SequenceClassifier model = SequenceClassifier.randomInit(roberta, 2, 3, Device.cpu())) {
      model.apply(Peft.lora().r(2));
      perturb(model);
      adapted = TinySetup.logits(model);
      model.saveMerged(merged);
    }
    assertThat(SafeTensors.read(merged.resolve("model.safetensors")).keySet())
        .contains("roberta.encoder.layer.0.attention.self.query.weight", "classifier.dense.weight",
            "classifier.out_proj.weight")
        .noneMatch(k -> k.contains("lora_") || k.contains("pooler"));
    JsonObject config = json(merged.resolve("config.json"));
    assertThat(config.getAsJsonArray("architectures").get(0).getAsString())
        .isEqualTo("RobertaForSequenceClassification");
    try (SequenceClassifier loaded =
        Encoders.loader().strict(true).load(merged).forSequenceClassification(2)) {
      assertThat(loaded.freshParameters()).isEmpty();
      assertThat(TinySetup.logits(loaded)).containsExactly(adapted, within(1e-5f));
    }
  }

  @Test
  void aMeanPoolingHeadKeepsItsDocumentedKey() throws IOException {
    Path base = base(5);
    Path merged = dir.resolve("mean");
    List<Prediction> adapted;
    try (SequenceClassifier model =
        Encoders.load(base).forSequenceClassification(2, Pooling.MEAN)) {
      model.apply(Peft.lora().r(2));
      perturb(model);
      adapted = Predictor.of(model).predict(TEXTS);
      model.saveMerged(merged);
    }
    assertThat(json(merged.resolve("config.json")).get("finetune_pooling").getAsString())
        .isEqualTo("mean");
    assertThat(SafeTensors.read(merged.resolve("model.safetensors")).keySet())
        .noneMatch(k -> k.contains("pooler"));
    try (Predictor loaded = Predictor.load(merged)) {
      assertThat(loaded.model().head().pooling()).isEqualTo(Pooling.MEAN);
      assertThat(flat(loaded.predict(TEXTS))).containsExactly(flat(adapted), within(1e-5f));
    }
  }

  @Test
  void methodsThatAddComputationCannotBeMerged() {
    try (SequenceClassifier model = TinyFixtures.bert(2, 5)) {
      model.apply(Peft.promptTuning(2));
      assertThatThrownBy(() -> model.saveMerged(dir.resolve("prompt")))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("prompt")
          .hasMessageContaining("cannot be merged")
          .hasMessageContaining("MethodCheckpoint.save");
    }
  }

  @Test
  void anAdapterForAnotherBaseOrPoolingFailsNamingBoth() {
    Path baseA = base(5);
    Path baseB = base(6);
    Path adapter = dir.resolve("adapter");
    Path meanAdapter = dir.resolve("mean-adapter");
    try (SequenceClassifier model = Encoders.load(baseA).forSequenceClassification(2)) {
      model.apply(Peft.lora().r(2));
      MethodCheckpoint.save(model, adapter);
    }
    try (SequenceClassifier model =
        Encoders.load(baseA).forSequenceClassification(2, Pooling.MEAN)) {
      model.apply(Peft.lora().r(2));
      MethodCheckpoint.save(model, meanAdapter);
    }
    try (SequenceClassifier other = Encoders.load(baseB).forSequenceClassification(2)) {
      assertThatThrownBy(() -> MethodCheckpoint.load(other, adapter))
          .hasMessageContaining(baseA.toAbsolutePath().normalize().toString())
          .hasMessageContaining(baseB.toAbsolutePath().normalize().toString())
          .hasMessageContaining("fingerprint");
      assertThat(other.appliedMethods()).as("the model is unchanged").isEmpty();
    }
    assertThatThrownBy(() -> Predictor.loader().base(baseB).load(adapter))
        .hasMessageContaining("weights differ");
    try (SequenceClassifier cls = Encoders.load(baseA).forSequenceClassification(2)) {
      assertThatThrownBy(() -> MethodCheckpoint.load(cls, meanAdapter))
          .hasMessageContaining("mean pooling")
          .hasMessageContaining("cls_pooler pooling")
          .hasMessageContaining(baseA.toAbsolutePath().normalize().toString());
    }
    try (Predictor p = Predictor.load(meanAdapter)) {
      assertThat(p.model().head().pooling()).as("built the way it was trained")
          .isEqualTo(Pooling.MEAN);
    }
  }
}
