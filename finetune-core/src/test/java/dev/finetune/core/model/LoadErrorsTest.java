package dev.finetune.core.model;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.finetune.core.checkpoint.CheckpointException;
import dev.finetune.core.checkpoint.HostTensor;
import dev.finetune.core.checkpoint.SafeTensors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad checkpoints give clear exceptions that name the file, the tensor and the fix. */
class LoadErrorsTest {

  @TempDir Path dir;

  @BeforeEach
  void saveTinyModel() {
    try (SequenceClassifier model = TinyFixtures.bert(2, 1)) {
      model.save(dir);
    }
  }

  @Test
  void missingFolder() {
    Path absent = dir.resolve("nope");
    assertThatThrownBy(() -> Encoders.load(absent))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("model folder not found")
        .hasMessageContaining("nope");
  }

  @Test
  void missingConfig() throws IOException {
    Files.delete(dir.resolve("config.json"));
    assertThatThrownBy(() -> Encoders.load(dir))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("config.json not found");
  }

  @Test
  void missingWeights() throws IOException {
    Files.delete(dir.resolve("model.safetensors"));
    assertThatThrownBy(() -> Encoders.load(dir))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("no model.safetensors");
  }

  @Test
  void unknownModelType() throws IOException {
    Path config = dir.resolve("config.json");
    Files.writeString(config, Files.readString(config).replace("\"bert\"", "\"gpt2\""));
    assertThatThrownBy(() -> Encoders.load(dir))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("model_type \"gpt2\" is not supported")
        .hasMessageContaining("bert")
        .hasMessageContaining("roberta");
  }

  @Test
  void absurdLayerCountFailsAtOnce() throws IOException {
    // the old loader built 10^9 layers' expected tensors and hung at 4 GB with no output
    setConfig("num_hidden_layers", "1000000000");
    assertTimeoutPreemptively(
        Duration.ofSeconds(20),
        () ->
            assertThatThrownBy(() -> Encoders.load(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("config.json: num_hidden_layers must be between 1 and 1000, got 1000000000"));
  }

  @Test
  void layerCountIsCheckedAgainstTheWeights() throws IOException {
    setConfig("num_hidden_layers", "3");
    assertThatThrownBy(() -> Encoders.load(dir))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("num_hidden_layers is 3 but the weights hold encoder layers 0..1 (2 layers)");
  }

  @Test
  void jsonTypeErrorsNameTheFileAndKey() throws IOException {
    setConfig("hidden_size", "\"abc\"");
    assertThatThrownBy(() -> Encoders.load(dir))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining(dir.resolve("config.json").toString())
        .hasMessageContaining("config.json: hidden_size must be a whole number, got \"abc\"");
    setConfig("hidden_size", "32.5");
    assertThatThrownBy(() -> Encoders.load(dir))
        .hasMessageContaining("hidden_size must be a whole number, got 32.5");
    setConfig("hidden_size", "32");
    setConfig("layer_norm_eps", "{\"x\": 1}");
    assertThatThrownBy(() -> Encoders.load(dir))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("config.json: layer_norm_eps must be a number, got {\"x\":1}");
  }

  @Test
  void oversizedVocabularyIsRefusedBeforeAllocation() throws IOException {
    setConfig("vocab_size", "2000000000");
    assertThatThrownBy(() -> Encoders.load(dir))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("vocab_size must be between 1 and 10000000, got 2000000000");
  }

  private void setConfig(String key, String jsonValue) throws IOException {
    Path config = dir.resolve("config.json");
    String text = Files.readString(config);
    String replaced = text.replaceFirst("\"" + key + "\":\\s*[^,\\n]+", "\"" + key + "\": " + java.util.regex.Matcher.quoteReplacement(jsonValue));
    org.assertj.core.api.Assertions.assertThat(text).as("config.json").contains("\"" + key + "\"");
    Files.writeString(config, replaced);
  }

  @Test
  void tensorWithWrongShape() {
    Map<String, HostTensor> weights = new LinkedHashMap<>(SafeTensors.read(dir.resolve("model.safetensors")));
    weights.put("bert.encoder.layer.1.attention.self.key.weight", new HostTensor(new long[] {32, 31}, new float[32 * 31]));
    SafeTensors.write(dir.resolve("model.safetensors"), weights);
    assertThatThrownBy(() -> Encoders.load(dir))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("encoder.layer.1.attention.self.key.weight")
        .hasMessageContaining("[32, 31]")
        .hasMessageContaining("expects [32, 32]");
  }

  @Test
  void truncatedSafetensorsFile() throws IOException {
    Path file = dir.resolve("model.safetensors");
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(bytes, 100));
    assertThatThrownBy(() -> Encoders.load(dir))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("corrupt safetensors file")
        .hasMessageContaining("model.safetensors")
        .hasMessageContaining("header length");
  }

  @Test
  void corruptSafetensorsHeader() throws IOException {
    Path file = dir.resolve("model.safetensors");
    byte[] bytes = Files.readAllBytes(file);
    byte[] garbage = "{\"oops\": [1, 2".getBytes(StandardCharsets.UTF_8);
    System.arraycopy(garbage, 0, bytes, 8, garbage.length);
    Files.write(file, bytes);
    assertThatThrownBy(() -> Encoders.load(dir))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("corrupt safetensors file")
        .hasMessageContaining("JSON header");
  }

  @Test
  void tokenizerLargerThanVocabulary() {
    List<String> many = new java.util.ArrayList<>();
    for (int i = 0; i < 120; i++) {
      many.add("w" + i);
    }
    try {
      Files.write(dir.resolve("tokenizer.json"), WordPieceVocabulary.tokenizerJson(many));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    assertThatThrownBy(() -> Encoders.load(dir))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("tokenizer.json")
        .hasMessageContaining("ids up to 124")
        .hasMessageContaining("vocab_size 100");
  }

  @Test
  void strictModeRejectsUnexpectedAndMissingTensors() {
    Map<String, HostTensor> weights = new LinkedHashMap<>(SafeTensors.read(dir.resolve("model.safetensors")));
    weights.remove("bert.encoder.layer.0.output.dense.bias");
    weights.put("bert.encoder.extra.weight", new HostTensor(new long[] {1}, new float[1]));
    SafeTensors.write(dir.resolve("model.safetensors"), weights);
    assertThatThrownBy(() -> Encoders.loader().strict(true).load(dir))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("missing [encoder.layer.0.output.dense.bias]")
        .hasMessageContaining("unexpected [encoder.extra.weight]");
    PretrainedEncoder lenient = Encoders.load(dir);
    org.assertj.core.api.Assertions.assertThat(lenient.loadReport().missing())
        .containsExactly("encoder.layer.0.output.dense.bias");
    org.assertj.core.api.Assertions.assertThat(lenient.loadReport().unexpected())
        .containsExactly("encoder.extra.weight");
  }

  @Test
  void classifierWithOtherLabelCount() {
    assertThatThrownBy(() -> Encoders.load(dir).forSequenceClassification(3))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("classifier.weight has shape [2, 32]")
        .hasMessageContaining("freshHead(true)");
  }

  @Test
  void keepingMoreLayersThanExist() {
    assertThatThrownBy(() -> Encoders.loader().keepLayers(3).load(dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("keepLayers(3) exceeds the 2 layers");
  }
}
