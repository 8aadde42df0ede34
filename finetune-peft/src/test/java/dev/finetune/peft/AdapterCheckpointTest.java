package dev.finetune.peft;

import dev.finetune.core.train.TinySetup;
import static dev.finetune.core.train.TinySetup.logits;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.finetune.core.checkpoint.HostTensor;
import dev.finetune.core.checkpoint.SafeTensors;
import dev.finetune.core.model.EncoderConfig;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.params.ModelParameter;
import dev.finetune.core.train.ModelTransform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdapterCheckpointTest {

  @TempDir Path dir;

  private static void perturb(SequenceClassifier model) {
    for (ModelParameter p : model.parameters().all()) {
      if (p.hfName().contains("lora_B") || p.address().isHead()) {
        p.parameter().getArray().addi(0.03f);
      }
    }
  }

  @Test
  void roundTripInPeftLayoutReproducesOutputs() throws Exception {
    float[] adapted;
    try (SequenceClassifier model = TinySetup.model(0f, 5)) {
      Peft.lora().r(4).alpha(16).rsLora(true).apply(model);
      perturb(model);
      adapted = logits(model);
      AdapterCheckpoint.save(model, dir);
    }
    JsonObject config =
        JsonParser.parseString(Files.readString(dir.resolve("adapter_config.json"))).getAsJsonObject();
    assertThat(config.get("peft_type").getAsString()).isEqualTo("LORA");
    assertThat(config.get("r").getAsInt()).isEqualTo(4);
    assertThat(config.get("lora_alpha").getAsDouble()).isEqualTo(16);
    assertThat(config.get("use_rslora").getAsBoolean()).isTrue();
    assertThat(config.get("target_modules").toString()).isEqualTo("[\"query\",\"value\"]");
    assertThat(SafeTensors.read(dir.resolve("adapter_model.safetensors")).keySet())
        .contains("base_model.model.bert.encoder.layer.0.attention.self.query.lora_A.weight",
            "base_model.model.bert.encoder.layer.1.attention.self.value.lora_B.weight",
            "base_model.model.classifier.weight")
        .hasSize(2 * 2 * 2 + 4)
        .noneMatch(k -> k.contains("encoder.layer.0.attention.self.query.weight"));
    try (SequenceClassifier fresh = TinySetup.model(0f, 5)) {
      ModelTransform method = AdapterCheckpoint.load(fresh, dir);
      assertThat(method).isInstanceOf(Lora.class);
      assertThat(((Lora) method).r()).isEqualTo(4);
      assertThat(LoraLayers.of(fresh).size()).isEqualTo(4);
      assertThat(logits(fresh)).containsExactly(adapted);
    }
    // the head keys as PEFT holds them in memory (modules_to_save.default) load too
    Map<String, HostTensor> inMemory = new LinkedHashMap<>();
    SafeTensors.read(dir.resolve("adapter_model.safetensors")).forEach((k, v) -> inMemory.put(
        k.replace("classifier.", "classifier.modules_to_save.default."), v));
    SafeTensors.write(dir.resolve("adapter_model.safetensors"), inMemory);
    try (SequenceClassifier fresh = TinySetup.model(0f, 5)) {
      AdapterCheckpoint.load(fresh, dir);
      assertThat(logits(fresh)).containsExactly(adapted);
    }
  }

  @Test
  void aFolderWithoutTheHeadTensorsItListsFailsNamingThem() throws Exception {
    // the old loader applied the LoRA and kept the fresh model's random head
    try (SequenceClassifier model = TinySetup.model(0f, 5)) {
      Peft.lora().r(4).apply(model);
      AdapterCheckpoint.save(model, dir);
    }
    Path weights = dir.resolve("adapter_model.safetensors");
    Map<String, HostTensor> withoutClassifier = new LinkedHashMap<>(SafeTensors.read(weights));
    withoutClassifier.keySet().removeIf(k -> k.startsWith("base_model.model.classifier."));
    SafeTensors.write(weights, withoutClassifier);
    try (SequenceClassifier fresh = TinySetup.model(0f, 5)) {
      assertThatThrownBy(() -> AdapterCheckpoint.load(fresh, dir))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("adapter_model.safetensors has no head tensors [classifier.weight, classifier.bias]")
          .hasMessageContaining("modules_to_save [classifier, pooler]");
      assertThat(LoraLayers.of(fresh).size()).isZero(); // the model is unchanged
    }
    // a config that keeps the base model's head (no classifier in modules_to_save) loads
    Path config = dir.resolve("adapter_config.json");
    JsonObject json = JsonParser.parseString(Files.readString(config)).getAsJsonObject();
    com.google.gson.JsonArray poolerOnly = new com.google.gson.JsonArray();
    poolerOnly.add("pooler");
    json.add("modules_to_save", poolerOnly);
    Files.writeString(config, json.toString());
    try (SequenceClassifier fresh = TinySetup.model(0f, 5)) {
      AdapterCheckpoint.load(fresh, dir);
      assertThat(LoraLayers.of(fresh).size()).isEqualTo(4);
    }
  }

  @Test
  void loadingOntoAnotherShapeOrTypeFailsClearly() throws Exception {
    try (SequenceClassifier model = TinySetup.model(0f, 5)) {
      Peft.lora().r(4).apply(model);
      AdapterCheckpoint.save(model, dir);
    }
    EncoderConfig wider = EncoderConfig.builder().vocabSize(TinySetup.config(0f).vocabSize())
        .hiddenSize(48).numLayers(2).numHeads(4).intermediateSize(64).maxPositionEmbeddings(64)
        .build();
    try (SequenceClassifier other = SequenceClassifier.randomInit(wider, 2, 1, Device.cpu())) {
      assertThatThrownBy(() -> AdapterCheckpoint.load(other, dir))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("adapter_model.safetensors")
          .hasMessageContaining("encoder.layer.0.attention.self.query.lora_A.weight has shape [4, 32]")
          .hasMessageContaining("expects [4, 48]");
      assertThat(LoraLayers.of(other).size()).isZero();
    }
    Files.writeString(dir.resolve("adapter_config.json"), "{\"peft_type\": \"ADALORA\"}");
    try (SequenceClassifier model = TinySetup.model(0f, 5)) {
      assertThatThrownBy(() -> AdapterCheckpoint.load(model, dir))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("peft_type ADALORA")
          .hasMessageContaining("supported: LORA, IA3, PROMPT_TUNING, PREFIX_TUNING, BOTTLENECK, BITFIT");
      assertThatThrownBy(() -> AdapterCheckpoint.load(model, dir.resolve("none")))
          .hasMessageContaining("needs adapter_config.json and adapter_model.safetensors");
      assertThatThrownBy(() -> AdapterCheckpoint.save(model, dir.resolve("x")))
          .hasMessageContaining("no unnamed LoRA adapter");
    }
  }
}
