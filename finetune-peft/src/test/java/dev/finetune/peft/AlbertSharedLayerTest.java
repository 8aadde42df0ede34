package dev.finetune.peft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import dev.finetune.core.method.FineTuningMethods;
import dev.finetune.core.model.Encoders;
import dev.finetune.core.model.ParityFixtures;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.params.ModelParameter;
import dev.finetune.schedules.ParameterRole;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ALBERT's one shared layer under the PEFT methods (docs/MODELS.md, "what layer k means"): each
 * method goes on the shared layer once, as PEFT wrapping the shared {@code nn.Linear}, and acts
 * at every one of the {@code num_hidden_layers} applications.
 */
class AlbertSharedLayerTest {

  private static final String LAYER = "encoder.albert_layer_groups.0.albert_layers.0.";

  @TempDir Path dir;

  private static List<String> added(SequenceClassifier model) {
    return model.parameters().all().stream()
        .filter(p -> p.address().role() == ParameterRole.PEFT).map(ModelParameter::hfName).toList();
  }

  private static float[] hidden(SequenceClassifier model, ParityFixtures.Expected batch) {
    try (NDManager m = model.manager().newSubManager()) {
      return model.encode(batch.batch(m)).lastHiddenState().toFloatArray();
    }
  }

  @Test
  void eachMethodAddsOneSetOfParametersForTheSharedLayer() {
    Path folder = ParityFixtures.copy("albert", dir);
    try (SequenceClassifier lora = Encoders.load(folder).classifier().build();
        SequenceClassifier houlsby = Encoders.load(folder).classifier().build();
        SequenceClassifier prefix = Encoders.load(folder).classifier().build();
        SequenceClassifier prompt = Encoders.load(folder).classifier().build()) {
      lora.apply(FineTuningMethods.parse("lora"));
      assertThat(added(lora)).containsExactly(
          LAYER + "attention.query.lora_A.weight", LAYER + "attention.query.lora_B.weight",
          LAYER + "attention.value.lora_A.weight", LAYER + "attention.value.lora_B.weight");
      houlsby.apply(FineTuningMethods.parse("houlsby(size=4)"));
      assertThat(added(houlsby)).hasSize(8)
          .allMatch(n -> n.startsWith(LAYER + "attention.adapter.") || n.startsWith(LAYER + "ffn_output.adapter."));
      prefix.apply(FineTuningMethods.parse("prefix(2)"));
      ModelParameter table = prefix.parameters().all().stream()
          .filter(p -> p.address().role() == ParameterRole.PEFT).findFirst().orElseThrow();
      assertThat(table.parameter().getArray().getShape().get(1))
          .as("one key/value pair for the one shared layer, not num_hidden_layers of them")
          .isEqualTo(2 * 32);
      prompt.apply(FineTuningMethods.parse("prompt(2)"));
      ModelParameter soft = prompt.parameters().all().stream()
          .filter(p -> p.address().role() == ParameterRole.PEFT).findFirst().orElseThrow();
      assertThat(soft.parameter().getArray().getShape().get(1))
          .as("soft tokens have the embedding width, before the projection").isEqualTo(16);
    }
  }

  @Test
  void loraOnTheSharedProjectionActsAtEveryApplication() {
    Path folder = ParityFixtures.copy("albert", dir);
    ParityFixtures.Expected batch = ParityFixtures.expected(folder);
    try (SequenceClassifier model = Encoders.load(folder).classifier().build()) {
      float[] base = hidden(model, batch);
      model.apply(FineTuningMethods.parse("lora"));
      // a non-zero LoRA update (lora_B starts at zero)
      model.parameters().all().stream().filter(p -> p.hfName().endsWith("lora_B.weight"))
          .forEach(p -> p.parameter().getArray().set(java.nio.FloatBuffer.wrap(
              filled((int) p.parameter().getArray().size(), 0.3f))));
      float[] unmerged = hidden(model, batch);
      LoraLayers.of(model).merge();
      float[] merged = hidden(model, batch);
      assertThat(maxAbsDiff(unmerged, base)).isGreaterThan(1e-3);
      assertThat(maxAbsDiff(merged, unmerged))
          .as("merging into the one shared weight changes both applications: so did LoRA")
          .isLessThan(1e-4);
    }
  }

  @Test
  void topLayersCountsTheSharedLayerAsOne() {
    Path folder = ParityFixtures.copy("albert", dir);
    try (SequenceClassifier model = Encoders.load(folder).classifier().build()) {
      model.apply(FineTuningMethods.parse("top_layers(1)"));
      assertThat(model.parameters().trainable()).map(ModelParameter::hfName)
          .filteredOn(n -> n.startsWith("encoder.")).hasSize(16).allMatch(n -> n.startsWith(LAYER));
    }
    try (SequenceClassifier model = Encoders.load(folder).classifier().build()) {
      assertThatThrownBy(() -> model.apply(FineTuningMethods.parse("top_layers(2)")))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only 1 layers");
    }
  }

  private static float[] filled(int n, float v) {
    float[] out = new float[n];
    java.util.Arrays.fill(out, v);
    return out;
  }

  private static double maxAbsDiff(float[] a, float[] b) {
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }
}
