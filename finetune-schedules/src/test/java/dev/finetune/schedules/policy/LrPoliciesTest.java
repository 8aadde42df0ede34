package dev.finetune.schedules.policy;

import static dev.finetune.schedules.Close.close;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetune.schedules.Bert;
import dev.finetune.schedules.ParameterAddress;
import dev.finetune.schedules.ParameterRole;
import dev.finetune.schedules.ParameterSelector;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Per-group multipliers against hand-computed values for a 12-layer model (1e-9 relative). */
class LrPoliciesTest {

  private static final int L = 12;
  private final List<ParameterAddress> bert = Bert.addresses(L);
  private final ParameterAddress emb = Bert.named(bert, "embeddings.word_embeddings.weight");
  private final ParameterAddress l0 = Bert.named(bert, "encoder.layer.0.attention.self.query.weight");
  private final ParameterAddress l5 = Bert.named(bert, "encoder.layer.5.intermediate.dense.weight");
  private final ParameterAddress l11 = Bert.named(bert, "encoder.layer.11.output.dense.bias");
  private final ParameterAddress pooler = Bert.named(bert, "pooler.dense.weight");
  private final ParameterAddress cls = Bert.named(bert, "classifier.weight");

  @Test
  void uniform() {
    for (ParameterAddress a : bert) {
      assertThat(LrPolicies.uniform().multiplier(a, L)).isEqualTo(1.0);
    }
  }

  @Test
  void layerwiseDecayAsZhangEtAl() {
    LrPolicy p = LrPolicies.layerwiseDecay(0.9);
    close(p.multiplier(cls, L), 1.0);
    close(p.multiplier(pooler, L), 1.0);
    close(p.multiplier(l11, L), 0.9);
    close(p.multiplier(l5, L), Math.pow(0.9, 7));
    close(p.multiplier(l0, L), Math.pow(0.9, 12));
    close(p.multiplier(emb, L), Math.pow(0.9, 13));
    close(p.lr(l11, L, 2e-5), 1.8e-5);
  }

  @Test
  void discriminativeDividesBy26PerGroupDown() {
    LrPolicy p = LrPolicies.discriminative();
    close(p.multiplier(cls, L), 1.0);
    close(p.multiplier(l11, L), 1 / 2.6);
    close(p.multiplier(l0, L), 1 / Math.pow(2.6, 12));
    close(p.multiplier(emb, L), 1 / Math.pow(2.6, 13));
  }

  @Test
  void groupedDecaySplitsLayersIntoContiguousGroups() {
    LrPolicy p = LrPolicies.groupedDecay(3, 0.5);
    // 12 layers in 3 groups from the top: 11..8 -> 0.5, 7..4 -> 0.25, 3..0 -> 0.125
    close(p.multiplier(cls, L), 1.0);
    close(p.multiplier(l11, L), 0.5);
    close(p.multiplier(Bert.named(bert, "encoder.layer.8.output.dense.bias"), L), 0.5);
    close(p.multiplier(Bert.named(bert, "encoder.layer.7.output.dense.bias"), L), 0.25);
    close(p.multiplier(l5, L), 0.25);
    close(p.multiplier(l0, L), 0.125);
    close(p.multiplier(emb, L), 0.0625);
    // one group per layer is layer-wise decay
    for (ParameterAddress a : bert) {
      close(LrPolicies.groupedDecay(L, 0.8).multiplier(a, L),
          LrPolicies.layerwiseDecay(0.8).multiplier(a, L));
    }
    assertThatThrownBy(() -> LrPolicies.groupedDecay(13, 0.5).multiplier(l0, L))
        .hasMessageContaining("groups=13 is out of range for numLayers=12");
  }

  @Test
  void explicitLayerGroups() {
    LrPolicy p = LrPolicies.layerGroups().layers(0, 3, 0.25).layers(4, 7, 0.5).layers(8, 11, 1.0)
        .head(5.0).build();
    close(p.multiplier(l0, L), 0.25);
    close(p.multiplier(l5, L), 0.5);
    close(p.multiplier(l11, L), 1.0);
    close(p.multiplier(cls, L), 5.0);
    close(p.multiplier(emb, L), 0.25); // default: the group holding layer 0
    LrPolicy gap = LrPolicies.layerGroups().layers(0, 3, 0.25).embeddings(0.1).build();
    close(gap.multiplier(emb, L), 0.1);
    assertThatThrownBy(() -> gap.multiplier(l5, L))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("layer 5 of encoder.layer.5.intermediate.dense.weight is in no group");
  }

  @Test
  void firstMatchingRuleWinsOverTheFallback() {
    LrPolicy p = LrPolicies.rules(LrPolicies.layerwiseDecay(0.5))
        .rule(ParameterSelector.glob("classifier.*"), 10)
        .rule(ParameterSelector.head(), 3)
        .rule(ParameterSelector.regex("encoder\\.layer\\.(0|1)\\..*"), 0.01)
        .build();
    close(p.multiplier(cls, L), 10); // first rule, although head() matches too
    close(p.multiplier(pooler, L), 3);
    close(p.multiplier(l0, L), 0.01);
    close(p.multiplier(l11, L), 0.5); // fallback
  }

  @Test
  void headMultiplierScalesOnlyTheHead() {
    LrPolicy p = LrPolicies.layerwiseDecay(0.9).withHeadMultiplier(10);
    close(p.multiplier(cls, L), 10);
    close(p.multiplier(pooler, L), 10);
    close(p.multiplier(l11, L), 0.9);
    Map<ParameterAddress, Double> all = p.multipliers(bert);
    assertThat(all).hasSize(bert.size());
    close(all.get(emb), Math.pow(0.9, 13));
  }

  @Test
  void badArgumentsAndAddressesAreRejected() {
    assertThatThrownBy(() -> LrPolicies.layerwiseDecay(1.5)).hasMessageContaining("decay=1.5 is out of range; allowed (0, 1]");
    assertThatThrownBy(() -> LrPolicies.discriminative(0.5)).hasMessageContaining("factor=0.5 is out of range; allowed [1, inf)");
    assertThatThrownBy(() -> LrPolicies.groupedDecay(0, 0.5)).hasMessageContaining("groups=0");
    assertThatThrownBy(() -> LrPolicies.layerGroups().build()).hasMessageContaining("at least one group");
    assertThatThrownBy(() -> LrPolicies.layerGroups().layers(3, 1, 1.0)).hasMessageContaining("layers 3..1");
    assertThatThrownBy(() -> LrPolicies.uniform().withHeadMultiplier(-1)).hasMessageContaining("factor=-1.0");
    ParameterAddress deep = new ParameterAddress("encoder.layer.20.output.dense.bias", 20, ParameterRole.FFN);
    assertThatThrownBy(() -> LrPolicies.layerwiseDecay(0.9).multiplier(deep, L))
        .hasMessageContaining("layer of encoder.layer.20.output.dense.bias is 20");
  }

  @Test
  void policyTableListsGroupsBottomToTop() {
    List<PolicyTable.Row> rows = PolicyTable.rows(LrPolicies.layerwiseDecay(0.5), 2, 1.0);
    assertThat(rows).containsExactly(new PolicyTable.Row("embeddings", -1, 0.125),
        new PolicyTable.Row("layer.0", 0, 0.25), new PolicyTable.Row("layer.1", 1, 0.5),
        new PolicyTable.Row("head", 2, 1.0));
    StringBuilder csv = new StringBuilder();
    PolicyTable.writeCsv(rows, csv);
    assertThat(csv.toString()).isEqualTo(
        "group,layer,lr\nembeddings,-1,0.125\nlayer.0,0,0.25\nlayer.1,1,0.5\nhead,2,1.0\n");
  }
}
