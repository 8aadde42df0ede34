package dev.finetune.core.params;

import dev.finetune.schedules.ParameterSelector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.model.TinyFixtures;
import dev.finetune.schedules.ParameterAddress;
import dev.finetune.schedules.ParameterRole;
import org.junit.jupiter.api.Test;

/** Hugging Face names map to layer and role; selectors pick by name, layer range and role. */
class ParameterAddressingTest {

  @Test
  void namesMapToLayersAndRoles() {
    check("embeddings.word_embeddings.weight", -1, ParameterRole.EMBEDDING);
    check("embeddings.LayerNorm.bias", -1, ParameterRole.LAYER_NORM);
    check("encoder.layer.3.attention.self.query.weight", 3, ParameterRole.ATTENTION);
    check("encoder.layer.3.attention.output.dense.bias", 3, ParameterRole.ATTENTION);
    check("encoder.layer.3.attention.output.LayerNorm.weight", 3, ParameterRole.LAYER_NORM);
    check("encoder.layer.3.intermediate.dense.weight", 3, ParameterRole.FFN);
    check("encoder.layer.11.output.dense.bias", 11, ParameterRole.FFN);
    check("pooler.dense.weight", ParameterAddress.HEAD, ParameterRole.HEAD);
    check("classifier.out_proj.bias", ParameterAddress.HEAD, ParameterRole.HEAD);
    // PEFT parameters get their role from the method that creates them, not from a name marker
    ParameterAddress lora = ParameterAddresses.peft("encoder.layer.2.attention.self.value.lora_A.weight");
    assertThat(lora.layer()).isEqualTo(2);
    assertThat(lora.role()).isEqualTo(ParameterRole.PEFT);
    ParameterAddress prompt = ParameterAddresses.peft("prompt_embeddings.weight");
    assertThat(prompt.layer()).isEqualTo(-1);
    assertThat(prompt.role()).isEqualTo(ParameterRole.PEFT);
    check("encoder.layer.2.attention.self.value.lora_A.weight", 2, ParameterRole.ATTENTION);
  }

  private static void check(String name, int layer, ParameterRole role) {
    ParameterAddress a = ParameterAddresses.of(name);
    assertThat(a.layer()).as(name).isEqualTo(layer);
    assertThat(a.role()).as(name).isEqualTo(role);
  }

  @Test
  void everyParameterIsReachableByItsHfNameInModelOrder() {
    try (SequenceClassifier model = TinyFixtures.bert(2, 1)) {
      ModelParameters params = model.parameters();
      assertThat(params.all().get(0).hfName()).isEqualTo("embeddings.word_embeddings.weight");
      assertThat(params.all().get(params.size() - 1).hfName()).isEqualTo("classifier.bias");
      for (String name :
          new String[] {
            "encoder.layer.1.attention.self.query.weight",
            "encoder.layer.1.attention.output.LayerNorm.weight",
            "encoder.layer.0.intermediate.dense.weight",
            "encoder.layer.0.output.dense.bias",
            "pooler.dense.weight"
          }) {
        assertThat(params.get(name).parameter().getName()).isEqualTo(name);
      }
      assertThat(model.getParameters().keys()).containsExactlyElementsOf(
          params.all().stream().map(ModelParameter::hfName).toList());
      assertThat(params.get("encoder.layer.1.intermediate.dense.weight").size()).isEqualTo(64 * 32);
      assertThatThrownBy(() -> params.get("encoder.layer.1.attention.self.quarry.weight"))
          .hasMessageContaining("no parameter named")
          .hasMessageContaining(".weight");
    }
  }

  @Test
  void selectionsByGlobRegexLayerAndRole() {
    try (SequenceClassifier model = TinyFixtures.bert(2, 1)) {
      ModelParameters p = model.parameters();
      assertThat(p.select(ParameterSelector.glob("encoder.layer.*.attention.self.query.*"))).hasSize(4);
      assertThat(p.select(ParameterSelector.regex(".*\\.(query|value)\\.weight"))).hasSize(4);
      assertThat(p.select(ParameterSelector.layer(1).or(ParameterSelector.head()))).hasSize(16 + 4);
      assertThat(p.select(ParameterSelector.head())).hasSize(4);
      assertThat(p.select(ParameterSelector.embeddings())).hasSize(5);
      assertThat(p.select(ParameterSelector.role(ParameterRole.LAYER_NORM))).hasSize(2 + 2 * 4);
      assertThat(p.select(ParameterSelector.role(ParameterRole.FFN).and(ParameterSelector.biases())))
          .hasSize(4);
      assertThat(p.select(ParameterSelector.encoderLayers().negate())).hasSize(9);
      assertThat(p.select(ParameterSelector.names("pooler.dense.weight", "nope"))).hasSize(1);
      // total: embeddings 100*32 + 64*32 + 2*32 + 2*32; per layer 4*(32*32+32) + 2*64 + (32*64+64) + (64*32+32) + 2*64
      long layer = 4 * (32 * 32 + 32) + 64 + (32 * 64 + 64) + (64 * 32 + 32) + 64;
      long expected = 100 * 32 + 64 * 32 + 2 * 32 + 64 + 2 * layer + (32 * 32 + 32) + (2 * 32 + 2);
      assertThat(p.countTotal()).isEqualTo(expected);
    }
  }
}
