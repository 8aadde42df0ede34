package dev.finetune.schedules;

import static dev.finetune.schedules.ParameterSelector.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ParameterSelectorTest {

  private final List<ParameterAddress> bert = Bert.addresses(4);

  private List<String> names(ParameterSelector s) {
    return s.select(bert).stream().map(ParameterAddress::name).toList();
  }

  @Test
  void depthCountsFromTheTopAndLayersAreInferred() {
    assertThat(ParameterAddress.numLayers(bert)).isEqualTo(4);
    assertThat(Bert.named(bert, "classifier.weight").depth(4)).isZero();
    assertThat(Bert.named(bert, "encoder.layer.3.output.dense.bias").depth(4)).isEqualTo(1);
    assertThat(Bert.named(bert, "encoder.layer.0.output.dense.bias").depth(4)).isEqualTo(4);
    assertThat(Bert.named(bert, "embeddings.word_embeddings.weight").depth(4)).isEqualTo(5);
    assertThatThrownBy(() -> Bert.named(bert, "encoder.layer.3.output.dense.bias").depth(3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("layer of encoder.layer.3.output.dense.bias is 3")
        .hasMessageContaining("numLayers=3");
  }

  @Test
  void globsMatchWholeNamesWithStarsAcrossDotsAndAlternatives() {
    assertThat(names(glob("classifier.*"))).containsExactly("classifier.weight", "classifier.bias");
    assertThat(names(glob("encoder.layer.?.attention.self.{query,value}.weight"))).hasSize(8);
    assertThat(names(glob("*LayerNorm*"))).hasSize(2 + 4);
    assertThat(names(glob("classifier"))).isEmpty();
    assertThatThrownBy(() -> glob("a{b")).hasMessageContaining("unmatched '{'");
  }

  @Test
  void regexMustMatchTheWholeName() {
    assertThat(names(regex("encoder\\.layer\\.[0-1]\\..*query\\.weight")))
        .containsExactly("encoder.layer.0.attention.self.query.weight",
            "encoder.layer.1.attention.self.query.weight");
    assertThat(names(regex("query"))).isEmpty();
    assertThatThrownBy(() -> regex("(")).hasMessageContaining("invalid regex '('");
  }

  @Test
  void modulesMatchPeftStyleSuffixes() {
    assertThat(names(modules("query", "value"))).hasSize(4 * 3);
    assertThat(names(modules("attention.output.dense"))).hasSize(4);
    assertThat(names(modules("dense"))).hasSize(4 * 3 + 1); // attention.output, intermediate, output, pooler
    assertThat(names(modules("ery"))).isEmpty();
  }

  @Test
  void layersPositionsAndRoles() {
    assertThat(layers(1, 2).select(bert)).hasSize(14).allMatch(a -> a.layer() == 1 || a.layer() == 2);
    assertThat(topLayers(1).select(bert)).allMatch(a -> a.layer() == 3).hasSize(7);
    assertThat(bottomLayers(1).select(bert)).allMatch(a -> a.layer() == 0).hasSize(7);
    assertThat(topLayers(0).select(bert)).isEmpty();
    assertThat(embeddings().select(bert)).hasSize(3);
    assertThat(head().select(bert)).hasSize(3);
    assertThat(encoderLayers().select(bert)).hasSize(28);
    assertThat(biases().select(bert)).allMatch(ParameterAddress::isBias).hasSize(1 + 8 + 1);
    assertThat(role(ParameterRole.LAYER_NORM).select(bert)).hasSize(6);
    assertThat(names(ParameterSelector.names("classifier.bias"))).containsExactly("classifier.bias");
  }

  @Test
  void combinatorsAndValueSemantics() {
    ParameterSelector s = topLayers(2).and(biases().negate());
    assertThat(s.select(bert)).hasSize(2 * 5);
    assertThat(anyOf(head(), embeddings()).select(bert)).hasSize(6);
    assertThat(allOf().select(bert)).hasSize(bert.size());
    assertThat(anyOf().select(bert)).isEmpty();
    assertThat(not(all()).select(bert)).isEmpty();
    assertThat(none().select(bert)).isEmpty();
    assertThat(glob("a*").or(layer(2))).isEqualTo(glob("a*").or(layer(2)));
    assertThat(regex("x.*")).isEqualTo(regex("x.*")).hasSameHashCodeAs(regex("x.*"));
    assertThat(s.toString()).isEqualTo("allOf[topLayers(2), not(role[BIAS])]");
  }
}
