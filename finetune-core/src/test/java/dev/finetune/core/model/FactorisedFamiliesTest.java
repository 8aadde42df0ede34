package dev.finetune.core.model;

import static dev.finetune.core.model.TinyFixtures.maxAbsDiff;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.finetune.core.checkpoint.CheckpointException;
import dev.finetune.core.params.ModelParameter;
import dev.finetune.core.params.ParameterAddresses;
import dev.finetune.core.train.FineTune;
import dev.finetune.core.train.TinySetup;
import dev.finetune.core.train.callbacks.Callbacks;
import dev.finetune.schedules.ParameterAddress;
import dev.finetune.schedules.ParameterRole;
import dev.finetune.schedules.ParameterSelector;
import dev.finetune.schedules.policy.LrPolicies;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What ELECTRA and ALBERT add to the BERT shape (factorised embeddings, ELECTRA's head, ALBERT's
 * one shared layer) and DistilBERT's fixed sinusoidal table. Parity with the reference forwards
 * is {@code FamilyParityTest}'s; the PEFT methods on them are finetune-peft's
 * {@code FamilyMethodsTest}.
 */
class FactorisedFamiliesTest {

  @TempDir Path dir;

  @Test
  void electraDeclaresItsFacts() {
    ModelType e = ModelType.fromHf("electra");
    assertThat(e).isInstanceOf(ElectraFamily.class);
    assertThat(e.checkpointPrefix()).isEqualTo("electra.");
    assertThat(e.sequenceClassificationArchitecture()).isEqualTo("ElectraForSequenceClassification");
    assertThat(e.tokenClassificationArchitecture()).isEqualTo("ElectraForTokenClassification");
    assertThat(e.headLayout()).isEqualTo(
        new HeadLayout("classifier.dense", "classifier.out_proj", true, HeadLayout.Activation.GELU));
    assertThat(e.encoderLayout()).isEqualTo(EncoderLayout.BERT);
    assertThat(e.defaultPooling(Set.of())).isEqualTo(Pooling.CLS_POOLER);
    assertThat(e.defaultLoraTargets()).containsExactly("query", "value");
    assertThat(e.pretrainingHeads())
        .containsExactly("discriminator_predictions.", "generator_predictions.", "generator_lm_head.");
    assertThat(e.embeddingProjection()).contains("embeddings_project");
    EncoderConfig defaults = EncoderConfig.fromJson("{\"model_type\": \"electra\"}");
    assertThat(List.of(defaults.embeddingSize(), defaults.hiddenSize(), defaults.numHeads(),
        defaults.intermediateSize())).as("ElectraConfig's defaults").containsExactly(128, 256, 4, 1024);
    assertThat(defaults.toJsonObject().get("embedding_size").getAsInt())
        .as("written back, so transformers does not fall back to its own default").isEqualTo(128);
    EncoderConfig same = EncoderConfig.fromJson(
        "{\"model_type\": \"electra\", \"embedding_size\": 256, \"hidden_size\": 256}");
    assertThat(e.hasEmbeddingProjection(same)).as("electra-base: no embeddings_project").isFalse();
    assertThat(e.hasEmbeddingProjection(defaults)).isTrue();
    assertThat(EncoderConfig.tiny().toJsonObject().has("embedding_size"))
        .as("BERT configs stay as they were").isFalse();
  }

  @Test
  void aBadEmbeddingSizeIsRefusedNamingTheKey() {
    assertThatThrownBy(() -> EncoderConfig.fromJson("{\"model_type\": \"electra\", \"embedding_size\": 0}"))
        .isInstanceOf(CheckpointException.class).hasMessageContaining("embedding_size must be between 1 and");
    assertThatThrownBy(() -> EncoderConfig.fromJson("{\"model_type\": \"albert\", \"embedding_size\": \"big\"}"))
        .isInstanceOf(CheckpointException.class).hasMessageContaining("embedding_size must be a whole number");
    assertThatThrownBy(() -> EncoderConfig.fromJson("{\"model_type\": \"electra\", \"vocab_size\": 9000000,"
            + " \"hidden_size\": 32, \"embedding_size\": 1000000}"))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("vocab_size x embedding_size (the word embeddings) would hold");
  }

  @Test
  void electraProjectsItsEmbeddingsOnlyWhenTheSizesDiffer() {
    EncoderConfig.Builder b = EncoderConfig.builder().modelType(ModelType.fromHf("electra"))
        .vocabSize(40).hiddenSize(32).numLayers(1).numHeads(4).intermediateSize(64)
        .maxPositionEmbeddings(16);
    try (SequenceClassifier factorised = SequenceClassifier.randomInit(b.embeddingSize(16).build(), 2, 1, Device.cpu());
        SequenceClassifier plain = SequenceClassifier.randomInit(b.embeddingSize(null).build(), 2, 1, Device.cpu());
        NDManager m = factorised.manager().newSubManager()) {
      Projection projection = factorised.encoder().embeddingProjection().orElseThrow();
      assertThat(projection.name()).isEqualTo("embeddings_project");
      assertThat(factorised.encoder().embeddings().wordEmbeddings().getArray().getShape())
          .isEqualTo(new Shape(40, 16));
      ParameterAddress a = factorised.parameters().get("embeddings_project.weight").address();
      assertThat(a.layer()).as("counts with the embeddings").isEqualTo(ParameterAddress.EMBEDDINGS);
      assertThat(a.role()).isEqualTo(ParameterRole.EMBEDDING);
      assertThat(factorised.parameters().get("embeddings_project.weight").parameter().getArray()
          .getShape()).isEqualTo(new Shape(32, 16));
      NDArray ids = m.create(new long[][] {{1, 5, 7, 2}});
      assertThat(factorised.encode(new ai.djl.ndarray.NDList(ids)).lastHiddenState().getShape())
          .isEqualTo(new Shape(1, 4, 32));
      assertThat(plain.encoder().embeddingProjection()).isEmpty();
      assertThat(plain.parameters().find("embeddings_project.weight")).isEmpty();
    }
  }

  @Test
  void electrasTokenHeadIsClassifierOverEveryToken() throws IOException {
    Path folder = ParityFixtures.copy("electra", dir);
    ParityFixtures.Expected expected = ParityFixtures.expected(folder);
    Path saved = dir.resolve("ner");
    try (SequenceClassifier model = Encoders.load(folder).classifier().tokenClassification(5).build();
        NDManager m = model.manager().newSubManager()) {
      assertThat(model.head().classifier().name()).isEqualTo("classifier");
      assertThat(model.head().pooler()).isEmpty();
      assertThat(model.forward(expected.batch(m), false).singletonOrThrow().getShape())
          .isEqualTo(new Shape(2, 8, 5));
      model.save(saved);
    }
    JsonObject config = JsonParser.parseString(Files.readString(saved.resolve("config.json")))
        .getAsJsonObject();
    assertThat(config.getAsJsonArray("architectures").get(0).getAsString())
        .isEqualTo("ElectraForTokenClassification");
    assertThat(config.get("embedding_size").getAsInt()).isEqualTo(16);
    assertThat(dev.finetune.core.checkpoint.SafeTensors.read(saved.resolve("model.safetensors")))
        .containsKeys("classifier.weight", "electra.embeddings_project.weight");
  }

  @Test
  void albertDeclaresItsFacts() {
    ModelType a = ModelType.fromHf("albert");
    assertThat(a).isInstanceOf(AlbertFamily.class);
    assertThat(a.checkpointPrefix()).isEqualTo("albert.");
    assertThat(a.sequenceClassificationArchitecture()).isEqualTo("AlbertForSequenceClassification");
    assertThat(a.headLayout()).isEqualTo(new HeadLayout("pooler", "classifier", false));
    assertThat(a.headLayout().outsideBaseModel("pooler.weight"))
        .as("AlbertModel's pooler is saved under albert.").isFalse();
    assertThat(a.headLayout().outsideBaseModel("classifier.weight")).isTrue();
    assertThat(a.defaultLoraTargets()).containsExactly("query", "value");
    assertThat(a.defaultIa3Targets()).containsExactly("key", "value", "ffn_output");
    assertThat(a.pretrainingHeads()).containsExactly("predictions.", "sop_classifier.");
    EncoderLayout layout = a.encoderLayout();
    assertThat(layout.layer(0) + layout.query())
        .isEqualTo("encoder.albert_layer_groups.0.albert_layers.0.attention.query");
    assertThat(List.of(layout.attentionOutput(), layout.attentionNorm(), layout.intermediate(),
        layout.output(), layout.outputNorm())).containsExactly("albert_layers.0.attention.dense",
        "albert_layers.0.attention.LayerNorm", "albert_layers.0.ffn", "albert_layers.0.ffn_output",
        "albert_layers.0.full_layer_layer_norm");
    assertThat(layout.ffnOutputDropout()).as("AlbertLayer applies no dropout to ffn_output").isFalse();
    assertThat(EncoderLayout.BERT.ffnOutputDropout()).isTrue();
    EncoderConfig c = EncoderConfig.fromJson("{\"model_type\": \"albert\", \"vocab_size\": 50,"
        + " \"hidden_size\": 32, \"num_attention_heads\": 4, \"intermediate_size\": 64,"
        + " \"num_hidden_layers\": 12, \"num_hidden_groups\": 1, \"inner_group_num\": 1}");
    assertThat(c.hiddenAct()).as("AlbertConfig's default gelu_new").isEqualTo(HiddenActivation.GELU_NEW);
    assertThat(c.embeddingSize()).isEqualTo(128);
    assertThat(List.of(c.hiddenDropout(), c.classifierDropout())).containsExactly(0f, 0.1f);
    assertThat(List.of(c.numLayers(), c.distinctLayers())).containsExactly(12, 1);
    assertThat(c.toJsonObject().get("classifier_dropout_prob").getAsFloat()).isEqualTo(0.1f);
    assertThat(c.toJsonObject().has("classifier_dropout")).isFalse();
    assertThat(ParameterAddresses.roleOf(
        "encoder.albert_layer_groups.0.albert_layers.0.ffn_output.weight")).isEqualTo(ParameterRole.FFN);
  }

  @Test
  void albertRefusesLayerGroupsItCannotShareAsOne() {
    for (String key : List.of("num_hidden_groups", "inner_group_num")) {
      assertThatThrownBy(() -> EncoderConfig.fromJson("{\"model_type\": \"albert\", \"vocab_size\": 50,"
              + " \"hidden_size\": 32, \"num_attention_heads\": 4, \"num_hidden_layers\": 4, \""
              + key + "\": 2}"))
          .isInstanceOf(CheckpointException.class)
          .hasMessageContaining(key + " 2 is not supported")
          .hasMessageContaining("num_hidden_groups 1 and inner_group_num 1");
    }
  }

  @Test
  void albertHasOneLayerOfWeightsAppliedNumHiddenLayersTimes() {
    Path folder = ParityFixtures.copy("albert", dir);
    try (SequenceClassifier model = Encoders.loader().strict(true).load(folder).classifier().build();
        SequenceClassifier once = Encoders.loader().strict(true).keepLayers(1).load(folder)
            .classifier().build();
        NDManager m = model.manager().newSubManager()) {
      assertThat(model.config().numLayers()).isEqualTo(2);
      assertThat(model.encoder().layers()).hasSize(1);
      assertThat(model.parameters().all().stream().map(ModelParameter::hfName)
          .filter(n -> n.endsWith("attention.query.weight")))
          .containsExactly("encoder.albert_layer_groups.0.albert_layers.0.attention.query.weight");
      assertThat(model.parameters().numLayers()).as("layers with weights").isEqualTo(1);
      ParityFixtures.Expected expected = ParityFixtures.expected(folder);
      float[] twice = model.encode(expected.batch(m)).lastHiddenState().toFloatArray();
      float[] one = once.encode(expected.batch(m)).lastHiddenState().toFloatArray();
      assertThat(maxAbsDiff(twice, expected.hidden())).isLessThanOrEqualTo(1e-4);
      assertThat(maxAbsDiff(twice, one)).as("the shared layer runs twice").isGreaterThan(1e-2);
      assertThat(once.parameters().size()).isEqualTo(model.parameters().size());

      // "layer k" counts layers with weights: the shared layer is layer 0 of 1, the top layer
      List<ModelParameter> top = model.parameters().select(ParameterSelector.topLayers(1));
      assertThat(top).hasSize(16).allMatch(p -> p.hfName().startsWith("encoder.albert_layer_groups.0."));
      int layers = model.config().distinctLayers();
      var llrd = LrPolicies.layerwiseDecay(0.5);
      assertThat(llrd.multiplier(model.parameters().get("pooler.weight").address(), layers)).isEqualTo(1.0);
      assertThat(llrd.multiplier(top.get(0).address(), layers)).isEqualTo(0.5);
      assertThat(llrd.multiplier(model.parameters()
          .get("encoder.embedding_hidden_mapping_in.weight").address(), layers)).isEqualTo(0.25);
    }
  }

  @Test
  void albertsSharedWeightsCollectTheGradientsOfEveryApplication() throws IOException {
    Path folder = ParityFixtures.copy("albert", dir);
    JsonObject config = JsonParser.parseString(Files.readString(folder.resolve("config.json")))
        .getAsJsonObject();
    for (String key : List.of("hidden_dropout_prob", "attention_probs_dropout_prob", "classifier_dropout_prob")) {
      config.addProperty(key, 0);
    }
    Files.writeString(folder.resolve("config.json"), config.toString());
    String name = "encoder.albert_layer_groups.0.albert_layers.0.ffn.weight";
    try (SequenceClassifier model = Encoders.load(folder).classifier().build()) {
      ParityFixtures.Expected expected = ParityFixtures.expected(folder);
      ai.djl.nn.Parameter w = model.parameters().get(name).parameter();
      model.parameters().trainOnly(a -> a.name().equals(name));
      float[] gradient;
      try (NDManager m = model.manager().newSubManager();
          GradientCollector c = Engine.getInstance().newGradientCollector()) {
        c.backward(model.forward(expected.batch(m), true).singletonOrThrow().sum());
        gradient = w.getArray().getGradient().toFloatArray();
      }
      // the directional derivative along a random direction, by central differences
      float[] base = w.getArray().toFloatArray();
      float[] direction = new float[base.length];
      SplittableRandom r = new SplittableRandom(7);
      double analytic = 0;
      for (int i = 0; i < base.length; i++) {
        direction[i] = (float) r.nextGaussian();
        analytic += direction[i] * gradient[i];
      }
      model.parameters().freeze(a -> true);
      double eps = 1e-3;
      double up = sumOfLogits(model, w, base, direction, eps, expected);
      double down = sumOfLogits(model, w, base, direction, -eps, expected);
      double numeric = (up - down) / (2 * eps);
      assertThat(Math.abs(analytic)).isGreaterThan(1e-2);
      assertThat(Math.abs(numeric - analytic)).as("numeric %s vs backward %s", numeric, analytic)
          .isLessThan(0.02 * Math.abs(analytic));
    }
  }

  private static double sumOfLogits(SequenceClassifier model, ai.djl.nn.Parameter w, float[] base,
      float[] direction, double eps, ParityFixtures.Expected expected) {
    float[] moved = new float[base.length];
    for (int i = 0; i < base.length; i++) {
      moved[i] = (float) (base[i] + eps * direction[i]);
    }
    w.getArray().set(FloatBuffer.wrap(moved));
    try (NDManager m = model.manager().newSubManager()) {
      double sum = 0;
      for (float v : model.forward(expected.batch(m), false).singletonOrThrow().toFloatArray()) {
        sum += v;
      }
      return sum;
    } finally {
      w.getArray().set(FloatBuffer.wrap(base));
    }
  }

  @Test
  void trainingCountsAlbertsSharedLayerAsOneLayer() {
    Path folder = ParityFixtures.copy("albert", dir);
    try (HuggingFaceTokenizer tokenizer = TinySetup.tokenizer(dir.resolve("tok"));
        SequenceClassifier model = Encoders.load(folder).classifier().build()) {
      assertThatThrownBy(() -> FineTune.of(model).tokenizer(tokenizer)
              .callbacks(Callbacks.reinitTopLayers(2)).epochs(1).batchSize(16).maxLength(16)
              .seed(3).progressBar(false).fit(TinySetup.toyTask("toy", 16, 1), null))
          .as("num_hidden_layers is 2, but only one layer has weights")
          .hasStackTraceContaining("the model has only 1 encoder layers");
    }
  }

  @Test
  void distilBertsSinusoidalTableIsNeverTrained() {
    String json = "{\"model_type\": \"distilbert\", \"vocab_size\": 48, \"dim\": 32, \"n_layers\": 1,"
        + " \"n_heads\": 4, \"hidden_dim\": 64, \"max_position_embeddings\": 24,"
        + " \"sinusoidal_pos_embds\": %s}";
    String positions = "embeddings.position_embeddings.weight";
    try (SequenceClassifier fixed = SequenceClassifier.randomInit(
            EncoderConfig.fromJson(String.format(json, "true")), 2, 1, Device.cpu());
        SequenceClassifier learned = SequenceClassifier.randomInit(
            EncoderConfig.fromJson(String.format(json, "false")), 2, 1, Device.cpu())) {
      for (SequenceClassifier model : List.of(fixed, learned)) {
        model.parameters().unfreeze(a -> true);
        model.parameters().trainOnly(a -> a.isEmbeddings());
      }
      assertThat(fixed.parameters().isFixed(positions)).isTrue();
      assertThat(fixed.parameters().get(positions).isTrainable()).isFalse();
      assertThat(fixed.parameters().get("embeddings.word_embeddings.weight").isTrainable()).isTrue();
      assertThat(learned.parameters().get(positions).isTrainable()).as("learned positions train").isTrue();
      float[] before = fixed.parameters().get(positions).parameter().getArray().toFloatArray();
      try (NDManager m = fixed.manager().newSubManager();
          GradientCollector c = Engine.getInstance().newGradientCollector()) {
        NDArray ids = m.create(new long[][] {{2, 5, 7, 3}});
        c.backward(fixed.forward(new ai.djl.ndarray.NDList(ids), true).singletonOrThrow().sum());
      }
      assertThat(fixed.parameters().get(positions).parameter().getArray().hasGradient())
          .as("no gradient is ever computed for it").isFalse();
      assertThat(fixed.parameters().get(positions).parameter().getArray().toFloatArray())
          .containsExactly(before);
    }
  }
}
