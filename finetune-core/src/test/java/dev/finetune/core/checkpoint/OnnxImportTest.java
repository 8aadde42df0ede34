package dev.finetune.core.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonParser;
import dev.finetune.testing.SharedResources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ONNX export in the Maven artifact converts to exactly the reference Hugging Face weights
 * (every tensor bit-identical, same names), and the conversion is cached.
 */
class OnnxImportTest {

  @TempDir Path cache;

  @Test
  void embeddedExportEqualsReferenceSafetensorsBitForBit() throws IOException {
    Path referenceDir = SharedResources.require("models/all-minilm-l6-v2/model.safetensors").getParent();
    Path dir = EmbeddedMiniLm.directory(cache);
    Map<String, HostTensor> ours = SafeTensors.read(dir.resolve("model.safetensors"));
    Map<String, HostTensor> reference = SafeTensors.read(referenceDir.resolve("model.safetensors"));
    assertThat(ours.keySet()).hasSize(101).containsExactlyInAnyOrderElementsOf(reference.keySet());
    for (String name : reference.keySet()) {
      assertThat(ours.get(name).bitEquals(reference.get(name))).as(name).isTrue();
    }
    assertThat(JsonParser.parseString(Files.readString(dir.resolve("config.json"))))
        .isEqualTo(JsonParser.parseString(Files.readString(referenceDir.resolve("config.json"))));
    assertThat(Files.readAllBytes(dir.resolve("tokenizer.json")))
        .isEqualTo(Files.readAllBytes(referenceDir.resolve("tokenizer.json")));
  }

  @Test
  void conversionIsCachedAndRedoneWhenInvalidated() throws IOException {
    Path dir = EmbeddedMiniLm.directory(cache);
    Path weights = dir.resolve("model.safetensors");
    FileTime stamp = FileTime.fromMillis(1_000_000L);
    Files.setLastModifiedTime(weights, stamp);
    assertThat(EmbeddedMiniLm.directory(cache)).isEqualTo(dir);
    assertThat(Files.getLastModifiedTime(weights)).isEqualTo(stamp);
    EmbeddedMiniLm.invalidate(dir);
    EmbeddedMiniLm.directory(cache);
    assertThat(Files.getLastModifiedTime(weights)).isNotEqualTo(stamp);
  }

  @Test
  void matMulNodeNamesBecomeModuleNames() {
    assertThat(OnnxBertImport.moduleName("/encoder/layer.0/attention/self/query/MatMul"))
        .isEqualTo("encoder.layer.0.attention.self.query");
    assertThatThrownBy(() -> OnnxBertImport.moduleName("MatMul_12"))
        .isInstanceOf(CheckpointException.class);
  }

  @Test
  void corruptOnnxBytesGiveAClearError() {
    byte[] bytes = {0x3a, 0x7f, 0x01, 0x02}; // field 7 (graph), length 127, only 2 bytes follow
    assertThatThrownBy(() -> OnnxGraph.parse(bytes, "broken.onnx"))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("broken.onnx is not a well-formed ONNX model");
  }
}
