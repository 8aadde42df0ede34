package dev.finetune.schedules.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetune.schedules.Bert;
import dev.finetune.schedules.ParameterAddress;
import dev.finetune.schedules.ParameterSelector;
import java.util.List;
import org.junit.jupiter.api.Test;

class WeightDecayPolicyTest {

  private final List<ParameterAddress> bert = Bert.addresses(2);

  private double wd(WeightDecayPolicy p, String name) {
    return p.weightDecay(Bert.named(bert, name), 2);
  }

  @Test
  void huggingFaceExemptsBiasesAndLayerNorm() {
    WeightDecayPolicy p = WeightDecayPolicy.huggingFace(0.01);
    assertThat(wd(p, "encoder.layer.0.attention.self.query.weight")).isEqualTo(0.01);
    assertThat(wd(p, "classifier.weight")).isEqualTo(0.01);
    assertThat(wd(p, "embeddings.word_embeddings.weight")).isEqualTo(0.01);
    assertThat(wd(p, "encoder.layer.0.attention.self.query.bias")).isZero();
    assertThat(wd(p, "encoder.layer.1.attention.output.LayerNorm.weight")).isZero();
    assertThat(wd(p, "embeddings.LayerNorm.bias")).isZero();
    assertThat(wd(p, "classifier.bias")).isZero();
    assertThat(bert.stream().filter(a -> p.decays(a, 2)).count())
        .isEqualTo(1 + 2 * 4 + 2); // word emb, q/v/out/intermediate per layer, pooler, classifier
  }

  @Test
  void moreExemptionsAndRulesWithPrecedence() {
    WeightDecayPolicy p = WeightDecayPolicy.huggingFace(0.01)
        .withNoDecay(ParameterSelector.embeddings())
        .withRule(ParameterSelector.glob("classifier.*"), 0.1);
    assertThat(wd(p, "embeddings.word_embeddings.weight")).isZero();
    assertThat(wd(p, "classifier.bias")).isEqualTo(0.1); // rule beats the bias exemption
    assertThat(wd(p, "pooler.dense.weight")).isEqualTo(0.01);
    WeightDecayPolicy u = WeightDecayPolicy.uniform(0.05);
    assertThat(bert).allMatch(a -> u.weightDecay(a, 2) == 0.05);
    assertThatThrownBy(() -> WeightDecayPolicy.uniform(-1))
        .hasMessageContaining("weight_decay=-1.0 is out of range; allowed [0, inf)");
  }
}
