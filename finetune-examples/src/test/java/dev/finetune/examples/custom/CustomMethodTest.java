package dev.finetune.examples.custom;

import static dev.finetune.core.train.TinySetup.logits;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.finetune.core.data.TextDataset;
import dev.finetune.core.data.TextExample;
import dev.finetune.core.method.FineTuningMethod;
import dev.finetune.core.method.FineTuningMethods;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.params.ModelParameter;
import dev.finetune.core.train.FineTune;
import dev.finetune.core.train.TinySetup;
import dev.finetune.experiments.grid.CellResult;
import dev.finetune.experiments.grid.ExperimentGrid;
import dev.finetune.experiments.grid.GridConfig;
import dev.finetune.experiments.grid.GridResults;
import dev.finetune.peft.AdapterCheckpoint;
import dev.finetune.schedules.ParameterRole;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A method defined outside the library ({@link ChannelScale}, registered by this module's test
 * resources) trains, saves, reloads and runs in a grid config like the library's own.
 */
class CustomMethodTest {

  @TempDir Path dir;

  @Test
  void trainsThroughFineTuneSavesWhatWasAppliedAndReloadsToTheSameLogits() throws Exception {
    assertThat(FineTuningMethods.usages()).contains("channel_scale(1)");
    FineTuningMethod method = FineTuningMethods.parse("channel_scale(layers=2)");
    Path adapter = dir.resolve("adapter");
    float[] trained;
    try (HuggingFaceTokenizer tokenizer = TinySetup.tokenizer(dir);
        SequenceClassifier model = TinySetup.model(0.1f, 7)) {
      FineTune.of(model).tokenizer(tokenizer).peft(method).learningRate(5e-3).epochs(1)
          .batchSize(16).maxLength(16).seed(3).progressBar(false)
          .fit(TinySetup.toyTask("toy", 32, 1), TinySetup.toyTask("dev", 16, 2));
      assertThat(model.appliedMethods()).containsExactly(method);
      List<ModelParameter> scales = model.parameters().all().stream()
          .filter(p -> method.owns(p.hfName())).toList();
      assertThat(scales).hasSize(2).allSatisfy(p -> {
        assertThat(p.address().role()).isEqualTo(ParameterRole.PEFT);
        assertThat(p.parameter().getArray().toFloatArray()).as("trained").isNotEqualTo(ones(32));
      });
      assertThat(model.parameters().trainable())
          .allMatch(p -> method.owns(p.hfName()) || p.address().isHead());
      trained = logits(model);
      AdapterCheckpoint.save(model, adapter);
    }
    JsonObject config = JsonParser.parseString(
        Files.readString(adapter.resolve(AdapterCheckpoint.CONFIG))).getAsJsonObject();
    assertThat(config.get("peft_type").getAsString()).isEqualTo("CHANNEL_SCALE");
    assertThat(config.get("layers").getAsInt()).isEqualTo(2);
    try (SequenceClassifier fresh = TinySetup.model(0.1f, 7)) {
      assertThat(logits(fresh)).isNotEqualTo(trained);
      assertThat(AdapterCheckpoint.load(fresh, adapter)).isInstanceOf(ChannelScale.class);
      assertThat(logits(fresh)).containsExactly(trained);
    }
  }

  private static float[] ones(int n) {
    float[] v = new float[n];
    java.util.Arrays.fill(v, 1f);
    return v;
  }

  @Test
  void runsInAGridConfig() throws Exception {
    Path sst2 = Files.createDirectories(dir.resolve("sst2"));
    writeTsv(sst2.resolve("train.tsv"), TinySetup.toyTask("toy", 32, 1));
    writeTsv(sst2.resolve("dev.tsv"), TinySetup.toyTask("dev", 16, 2));
    Path modelDir = dir.resolve("model");
    try (SequenceClassifier model = TinySetup.model(0f, 7)) {
      model.save(modelDir);
    }
    TinySetup.tokenizer(modelDir).close();
    String json = """
        {"name": "custom", "task": "sst2", "data": "sst2", "model": "model",
         "epochs": 1, "batch_size": 16, "max_length": 16, "learning_rate": 5e-3,
         "axes": {"method": ["full", "channel_scale(2)"]}}
        """;
    ExperimentGrid grid = GridConfig.parse(json, "grid.json", dir).withProgressBar(false);
    GridResults results = grid.run(dir.resolve("out"));
    assertThat(results.cells()).extracting(c -> c.axes().get("method"))
        .containsExactly("full", "channel_scale_2");
    CellResult full = results.cells().get(0);
    CellResult scaled = results.cells().get(1);
    assertThat(scaled.report().method()).isEqualTo("channel_scale(2)");
    assertThat(full.report().lastEpoch().trainableParameters())
        .isEqualTo(full.report().lastEpoch().totalParameters());
    // two scale vectors (H = 32) and the head: pooler 32x32 + 32, classifier 2x32 + 2
    assertThat(scaled.report().lastEpoch().trainableParameters())
        .isEqualTo(2 * 32 + (32 * 32 + 32) + (2 * 32 + 2));
  }

  private static void writeTsv(Path file, TextDataset data) throws Exception {
    List<String> lines = new ArrayList<>();
    lines.add("sentence\tlabel");
    for (TextExample e : data.examples()) {
      lines.add(e.text() + "\t" + e.label());
    }
    Files.write(file, lines);
  }
}
