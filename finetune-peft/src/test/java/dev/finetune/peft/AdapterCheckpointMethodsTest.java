package dev.finetune.peft;

import static dev.finetune.core.train.TinySetup.logits;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.finetune.core.checkpoint.HostTensor;
import dev.finetune.core.checkpoint.SafeTensors;
import dev.finetune.core.model.EncoderConfig;
import dev.finetune.core.model.HiddenActivation;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.params.ModelParameter;
import dev.finetune.core.train.ModelTransform;
import dev.finetune.core.train.TinySetup;
import dev.finetune.schedules.ParameterSelector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Adapter-only checkpoints of IA3, prompt and prefix tuning, bottleneck adapters, BitFit, named LoRA. */
class AdapterCheckpointMethodsTest {

  @TempDir Path dir;

  /** Moves every trainable parameter (as training would), by a value that differs per element. */
  private static void perturb(SequenceClassifier model) {
    for (ModelParameter p : model.parameters().trainable()) {
      var a = p.parameter().getArray();
      a.addi(a.getManager().arange(0f, (float) p.size(), 1f).reshape(a.getShape())
          .muli(0.37f).sin().muli(0.05f));
    }
  }

  private static JsonObject config(Path d) throws IOException {
    return JsonParser.parseString(Files.readString(d.resolve(AdapterCheckpoint.CONFIG)))
        .getAsJsonObject();
  }

  private static Map<String, HostTensor> weights(Path d) {
    return SafeTensors.read(d.resolve(AdapterCheckpoint.WEIGHTS));
  }

  /** Saves, loads onto a fresh base, compares logits bit for bit; returns the checkpoint folder. */
  private Path roundTrip(ModelTransform method, Class<?> reloaded) {
    Path d = dir.resolve(method.describe().replaceAll("[^a-z0-9]+", "_"));
    float[] adapted;
    try (SequenceClassifier model = TinySetup.model(0f, 5)) {
      float[] base = logits(model);
      method.apply(model);
      perturb(model);
      adapted = logits(model);
      assertThat(adapted).as(method.describe()).isNotEqualTo(base);
      AdapterCheckpoint.save(model, method, d);
    }
    try (SequenceClassifier fresh = TinySetup.model(0f, 5)) {
      ModelTransform loaded = AdapterCheckpoint.load(fresh, d);
      assertThat(loaded).isInstanceOf(reloaded);
      assertThat(logits(fresh)).as(method.describe()).containsExactly(adapted);
    }
    return d;
  }

  /** Variants beyond those the layout tests below round-trip (IA3, prompt, projected prefix, ...). */
  @Test
  void everyMethodRoundTripsBitIdentically() {
    roundTrip(Peft.prefixTuning(3), PrefixTuning.class);
    roundTrip(Adapters.houlsby().size(4).trainLayerNorms(true), Adapters.class);
    roundTrip(Adapters.pfeiffer().reduction(8), Adapters.class);
    roundTrip(Adapters.parallel().size(4).activation(HiddenActivation.GELU).scaling(2),
        Adapters.class);
    roundTrip(Peft.bitFit(), BitFit.class);
  }

  @Test
  void ia3ConfigAndKeysFollowPeft() throws IOException {
    Path d = roundTrip(Peft.ia3(), Ia3.class);
    JsonObject c = config(d);
    assertThat(c.get("peft_type").getAsString()).isEqualTo("IA3");
    assertThat(c.get("task_type").getAsString()).isEqualTo("SEQ_CLS");
    assertThat(c.get("init_ia3_weights").getAsBoolean()).isTrue();
    assertThat(c.get("inference_mode").getAsBoolean()).isTrue();
    assertThat(c.get("modules_to_save").toString()).isEqualTo("[\"classifier\",\"pooler\"]");
    String targets = c.get("target_modules").getAsString();
    String feedforward = c.get("feedforward_modules").getAsString();
    // PEFT full-matches a string target against module names such as these:
    assertThat("bert.encoder.layer.1.attention.self.key").matches(targets);
    assertThat("bert.encoder.layer.1.output.dense").matches(targets).matches(feedforward);
    assertThat("bert.encoder.layer.1.attention.output.dense").doesNotMatch(targets);
    assertThat("bert.encoder.layer.1.attention.self.value").doesNotMatch(feedforward);
    Map<String, HostTensor> w = weights(d);
    assertThat(w.get("base_model.model.bert.encoder.layer.0.attention.self.key.ia3_l").shape())
        .containsExactly(32, 1);
    assertThat(w.get("base_model.model.bert.encoder.layer.1.output.dense.ia3_l").shape())
        .containsExactly(1, 64);
    assertThat(w.keySet()).hasSize(2 * 3 + 4).contains(
        "base_model.model.classifier.weight", "base_model.model.bert.pooler.dense.weight");
  }

  @Test
  void promptAndPrefixConfigsFollowPeft() throws IOException {
    JsonObject prompt = config(roundTrip(Peft.promptTuning(3), PromptTuning.class));
    assertThat(prompt.get("peft_type").getAsString()).isEqualTo("PROMPT_TUNING");
    assertThat(prompt.get("num_virtual_tokens").getAsInt()).isEqualTo(3);
    assertThat(prompt.get("token_dim").getAsInt()).isEqualTo(32);
    assertThat(prompt.get("num_layers").getAsInt()).isEqualTo(2);
    assertThat(prompt.get("num_attention_heads").getAsInt()).isEqualTo(4);
    assertThat(prompt.get("num_transformer_submodules").getAsInt()).isEqualTo(1);
    assertThat(prompt.get("prompt_tuning_init").getAsString()).isEqualTo("RANDOM");
    try (SequenceClassifier model = TinySetup.model(0f, 5)) {
      Peft.promptTuning(2).fromVocabulary().apply(model);
      AdapterCheckpoint.save(model, Peft.promptTuning(2).fromVocabulary(), dir.resolve("vocab"));
    }
    assertThat(config(dir.resolve("vocab")).get("prompt_tuning_init").getAsString())
        .isEqualTo("SAMPLE_VOCAB");

    Path d = roundTrip(Peft.prefixTuning(3).projection(8), PrefixTuning.class);
    JsonObject prefix = config(d);
    assertThat(prefix.get("peft_type").getAsString()).isEqualTo("PREFIX_TUNING");
    assertThat(prefix.get("num_virtual_tokens").getAsInt()).isEqualTo(3);
    assertThat(prefix.get("token_dim").getAsInt()).isEqualTo(32);
    assertThat(prefix.get("num_layers").getAsInt()).isEqualTo(2);
    assertThat(prefix.get("prefix_projection").getAsBoolean()).isTrue();
    assertThat(prefix.get("encoder_hidden_size").getAsInt()).isEqualTo(8);
    Map<String, HostTensor> w = weights(d);
    // PEFT saves the projected prefix (n, L*2*H) and the head under base_model. (prompt learning)
    assertThat(w.get(AdapterCheckpoint.PROMPT_EMBEDDINGS).shape()).containsExactly(3, 2 * 2 * 32);
    assertThat(w.keySet()).containsExactlyInAnyOrder("prompt_embeddings",
        "base_model.classifier.weight", "base_model.classifier.bias",
        "base_model.bert.pooler.dense.weight", "base_model.bert.pooler.dense.bias");
  }

  @Test
  void bottleneckAndBitFitUseOurDocumentedLayout() throws IOException {
    Path d = roundTrip(Adapters.houlsby().size(4), Adapters.class);
    JsonObject c = config(d);
    assertThat(c.get("peft_type").getAsString()).isEqualTo("BOTTLENECK");
    assertThat(c.get("placement").getAsString()).isEqualTo("houlsby");
    assertThat(c.get("bottleneck_size").getAsInt()).isEqualTo(4);
    assertThat(c.get("non_linearity").getAsString()).isEqualTo("relu");
    assertThat(weights(d)).containsKeys(
        "base_model.model.bert.encoder.layer.0.attention.output.adapter.down.weight",
        "base_model.model.bert.encoder.layer.1.output.adapter.up.bias");

    Path b = roundTrip(Peft.bitFit().only(ParameterSelector.modules("query")), BitFit.class);
    assertThat(config(b).get("biases").toString()).isEqualTo(
        "[\"encoder.layer.0.attention.self.query.bias\",\"encoder.layer.1.attention.self.query.bias\"]");
    assertThat(weights(b)).containsKey("base_model.model.bert.encoder.layer.1.attention.self.query.bias");
  }

  @Test
  void namedLoraAdapterSavesAndLoadsBesideAnother() {
    Path d = dir.resolve("b");
    float[] expected;
    try (SequenceClassifier model = TinySetup.model(0f, 5)) {
      Peft.lora().r(2).name("a").apply(model);
      Peft.lora().r(4).alpha(8).name("b").seed(9).apply(model);
      perturb(model);
      LoraLayers.of(model).activate("b");
      expected = logits(model);
      AdapterCheckpoint.save(model, Peft.lora().name("b"), d);
    }
    assertThat(weights(d).keySet())
        .contains("base_model.model.bert.encoder.layer.0.attention.self.query.lora_A.weight")
        .noneMatch(k -> k.contains(".b.") || k.contains(".a."));
    try (SequenceClassifier fresh = TinySetup.model(0f, 5)) {
      Peft.lora().r(2).name("a").apply(fresh);
      ModelTransform loaded = AdapterCheckpoint.load(fresh, d, "b");
      assertThat(((Lora) loaded).name()).isEqualTo("b");
      assertThat(((Lora) loaded).r()).isEqualTo(4);
      LoraLayers layers = LoraLayers.of(fresh);
      assertThat(layers.adapterNames()).containsExactly("a", "b");
      layers.activate("b");
      assertThat(logits(fresh)).containsExactly(expected);
      assertThat(fresh.parameters().find("encoder.layer.0.attention.self.query.lora_A.b.weight"))
          .isPresent();
    }
    try (SequenceClassifier model = TinySetup.model(0f, 5)) {
      assertThatThrownBy(() -> AdapterCheckpoint.save(model, Peft.lora().name("c"), d))
          .hasMessageContaining("no LoRA adapter named 'c'");
    }
  }

  @Test
  void mismatchedBasesAndUnsupportedInputsFailClearly() {
    Path prefix = dir.resolve("prefix");
    Path houlsby = dir.resolve("houlsby");
    try (SequenceClassifier model = TinySetup.model(0f, 5)) {
      Peft.prefixTuning(3).apply(model);
      AdapterCheckpoint.save(model, Peft.prefixTuning(3), prefix);
    }
    try (SequenceClassifier model = TinySetup.model(0f, 5)) {
      Adapters.houlsby().size(4).apply(model);
      AdapterCheckpoint.save(model, Adapters.houlsby().size(4), houlsby);
      assertThatThrownBy(() -> AdapterCheckpoint.save(model, Selective.headOnly(), dir.resolve("x")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("cannot save head-only");
      assertThatThrownBy(() -> AdapterCheckpoint.save(model, Peft.ia3(), dir.resolve("x")))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("no IA3 vectors");
      assertThatThrownBy(() -> AdapterCheckpoint.load(model, houlsby, "named"))
          .hasMessageContaining("only LoRA adapters can be named");
    }
    EncoderConfig deeper = EncoderConfig.builder().vocabSize(TinySetup.config(0f).vocabSize())
        .hiddenSize(32).numLayers(3).numHeads(4).intermediateSize(64).maxPositionEmbeddings(64)
        .build();
    try (SequenceClassifier other = SequenceClassifier.randomInit(deeper, 2, 1, Device.cpu())) {
      assertThatThrownBy(() -> AdapterCheckpoint.load(other, prefix))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("prompt_embeddings has shape [3, 128], the model expects [3, 192]");
      assertThatThrownBy(() -> AdapterCheckpoint.load(other, houlsby))
          .hasMessageContaining("encoder.layer.2.attention.output.adapter.down.weight is missing");
      assertThat(other.encoder().layer(0).keyValuePrefix()).isEmpty();
      assertThat(other.parameters().all().stream().map(ModelParameter::hfName).toList())
          .noneMatch(n -> n.contains("adapter") || n.contains("prompt"));
    }
    EncoderConfig wider = EncoderConfig.builder().vocabSize(TinySetup.config(0f).vocabSize())
        .hiddenSize(48).numLayers(2).numHeads(4).intermediateSize(64).maxPositionEmbeddings(64)
        .build();
    try (SequenceClassifier other = SequenceClassifier.randomInit(wider, 2, 1, Device.cpu())) {
      assertThatThrownBy(() -> AdapterCheckpoint.load(other, houlsby))
          .hasMessageContaining("base_model.model.bert.encoder.layer.0.attention.output.adapter"
              + ".down.weight has shape [4, 32], the model expects [4, 48]");
    }
    List.of(prefix, houlsby).forEach(p -> assertThat(Files.isDirectory(p)).isTrue());
  }
}
