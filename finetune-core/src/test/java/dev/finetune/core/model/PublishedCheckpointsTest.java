package dev.finetune.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import com.google.gson.JsonObject;
import dev.finetune.core.checkpoint.CheckpointException;
import dev.finetune.core.checkpoint.HostTensor;
import dev.finetune.core.checkpoint.LoadReport;
import dev.finetune.core.checkpoint.SafeTensors;
import dev.finetune.core.params.ModelParameter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints as the Hub publishes them, written here from a tiny seeded BERT: legacy
 * {@code LayerNorm.gamma/beta} names, a {@code bert.} task checkpoint with its fine-tuned head and
 * {@code id2label}, a pre-training head ({@code cls.*}), and float16 / bfloat16 weights in shards.
 */
class PublishedCheckpointsTest {

  @TempDir Path dir;

  /** A 3-label tiny BERT and its logits on {@link TinyFixtures#batch}. */
  private static SequenceClassifier original() {
    return SequenceClassifier.randomInit(EncoderConfig.tiny(), 3, Pooling.CLS_POOLER, 11, Device.cpu(), null);
  }

  private static float[] logits(SequenceClassifier model) {
    try (var m = model.manager().newSubManager()) {
      return model.forward(TinyFixtures.batch(m), false).singletonOrThrow().toFloatArray();
    }
  }

  /** Hub names: {@code bert.} prefix, gamma/beta LayerNorms, head unprefixed, plus {@code cls.*}. */
  private static Map<String, HostTensor> hubTensors(SequenceClassifier model) {
    Map<String, HostTensor> tensors = new LinkedHashMap<>();
    for (ModelParameter p : model.parameters().all()) {
      String name = p.hfName();
      if (name.endsWith("LayerNorm.weight")) {
        name = name.replace("LayerNorm.weight", "LayerNorm.gamma");
      } else if (name.endsWith("LayerNorm.bias")) {
        name = name.replace("LayerNorm.bias", "LayerNorm.beta");
      }
      tensors.put(name.startsWith("classifier.") ? name : "bert." + name, HostTensor.of(p.parameter().getArray()));
    }
    tensors.put("cls.predictions.bias", new HostTensor(new long[] {100}, new float[100]));
    tensors.put("cls.predictions.transform.LayerNorm.gamma", new HostTensor(new long[] {32}, new float[32]));
    tensors.put("cls.seq_relationship.weight", new HostTensor(new long[] {2, 32}, new float[64]));
    return tensors;
  }

  private static void writeConfig(Path folder, SequenceClassifier model) throws IOException {
    JsonObject config = model.config().toJsonObject();
    JsonObject id2label = new JsonObject();
    id2label.addProperty("0", "sad");
    id2label.addProperty("1", "neutral");
    id2label.addProperty("2", "happy");
    config.add("id2label", id2label);
    Files.writeString(folder.resolve("config.json"), config.toString());
  }

  @Test
  void aHubTaskCheckpointWithLegacyNamesLoadsStrictlyWithItsHead() throws IOException {
    Path folder = Files.createDirectories(dir.resolve("hub"));
    float[] expected;
    Map<String, float[]> weights = new LinkedHashMap<>();
    try (SequenceClassifier model = original()) {
      expected = logits(model);
      model.parameters().all().forEach(p -> weights.put(p.hfName(), p.parameter().getArray().toFloatArray()));
      SafeTensors.write(folder.resolve("model.safetensors"), hubTensors(model));
      writeConfig(folder, model);
    }
    PretrainedEncoder encoder = Encoders.loader().strict(true).load(folder);
    LoadReport report = encoder.loadReport();
    assertThat(report.isClean()).isTrue();
    assertThat(report.missing()).as("gamma/beta are LayerNorm weight/bias, not missing").isEmpty();
    assertThat(report.skipped()).containsExactlyInAnyOrder("cls.predictions.bias",
        "cls.predictions.transform.LayerNorm.weight", "cls.seq_relationship.weight");
    assertThat(report.head()).containsExactlyInAnyOrder("pooler.dense.weight", "pooler.dense.bias",
        "classifier.weight", "classifier.bias");
    assertThat(encoder.weights()).containsKey("encoder.layer.1.output.LayerNorm.weight")
        .doesNotContainKey("encoder.layer.1.output.LayerNorm.gamma");

    try (SequenceClassifier model = encoder.classifier().build()) {
      assertThat(model.numLabels()).as("from the checkpoint's classifier").isEqualTo(3);
      assertThat(model.labelNames()).containsExactly("sad", "neutral", "happy");
      assertThat(model.freshParameters()).isEmpty();
      for (ModelParameter p : model.parameters().all()) {
        assertThat(p.parameter().getArray().toFloatArray()).as(p.hfName()).containsExactly(weights.get(p.hfName()));
      }
      assertThat(logits(model)).as("predicts as the model that was fine-tuned").containsExactly(expected);
    }
    assertThatThrownBy(() -> encoder.classifier().numLabels(2).build())
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("classifier.weight has shape [3, 32], not [2, 32]")
        .hasMessageContaining("freshHead(true)");
    try (SequenceClassifier fresh = encoder.classifier().numLabels(2).freshHead(true).build()) {
      assertThat(fresh.freshParameters()).containsExactly("classifier.weight", "classifier.bias");
    }
  }

  @Test
  void aCheckpointWithBothLegacyAndCurrentNamesIsRefused() throws IOException {
    Path folder = Files.createDirectories(dir.resolve("both"));
    try (SequenceClassifier model = original()) {
      Map<String, HostTensor> tensors = hubTensors(model);
      tensors.put("bert.embeddings.LayerNorm.weight", tensors.get("bert.embeddings.LayerNorm.gamma"));
      SafeTensors.write(folder.resolve("model.safetensors"), tensors);
      writeConfig(folder, model);
    }
    assertThatThrownBy(() -> Encoders.load(folder))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("embeddings.LayerNorm.weight appears twice");
  }

  @Test
  void halfPrecisionShardsLoadAsTheirFloat32Values() throws IOException {
    for (String dtype : new String[] {"F16", "BF16"}) {
      Path folder = Files.createDirectories(dir.resolve(dtype));
      Map<String, HostTensor> all;
      try (SequenceClassifier model = original()) {
        all = hubTensors(model);
        writeConfig(folder, model);
      }
      Map<String, HostTensor> first = new LinkedHashMap<>();
      Map<String, HostTensor> second = new LinkedHashMap<>();
      JsonObject weightMap = new JsonObject();
      all.forEach((name, t) -> {
        boolean upper = name.contains("layer.1.") || name.startsWith("classifier") || name.startsWith("cls");
        (upper ? second : first).put(name, t);
        weightMap.addProperty(name, upper ? "model-00002-of-00002.safetensors" : "model-00001-of-00002.safetensors");
      });
      SafeTensors.write(folder.resolve("model-00001-of-00002.safetensors"), first, dtype);
      SafeTensors.write(folder.resolve("model-00002-of-00002.safetensors"), second, dtype);
      JsonObject index = new JsonObject();
      index.add("metadata", new JsonObject());
      index.add("weight_map", weightMap);
      Files.writeString(folder.resolve("model.safetensors.index.json"), index.toString());

      // the values a half-precision checkpoint holds: each float rounded once
      Path rounded = dir.resolve(dtype + ".single.safetensors");
      SafeTensors.write(rounded, all, dtype);
      Map<String, HostTensor> expected = SafeTensors.read(rounded);
      try (SequenceClassifier model = Encoders.loader().strict(true).load(folder).classifier().build()) {
        float[] word = model.parameters().get("embeddings.word_embeddings.weight").parameter().getArray().toFloatArray();
        assertThat(word).as(dtype).containsExactly(expected.get("bert.embeddings.word_embeddings.weight").data());
        assertThat(word).as(dtype + " is not float32").isNotEqualTo(all.get("bert.embeddings.word_embeddings.weight").data());
        assertThat(model.parameters().get("encoder.layer.1.output.LayerNorm.weight").parameter().getArray()
            .toFloatArray()).containsExactly(expected.get("bert.encoder.layer.1.output.LayerNorm.gamma").data());
        assertThat(model.parameters().get("classifier.weight").parameter().getArray().toFloatArray())
            .containsExactly(expected.get("classifier.weight").data());
      }
      Files.delete(folder.resolve("model-00002-of-00002.safetensors"));
      assertThatThrownBy(() -> Encoders.load(folder))
          .hasMessageContaining("model-00002-of-00002.safetensors")
          .hasMessageContaining("is missing");
    }
  }
}
