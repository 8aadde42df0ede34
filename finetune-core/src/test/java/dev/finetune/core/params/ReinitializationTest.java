package dev.finetune.core.params;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.model.TinyFixtures;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Zhang et al. 2021 re-initialisation: top layers and pooler only, N(0, σ), LayerNorm 1/0, seeded. */
class ReinitializationTest {

  private static Map<String, float[]> snapshot(SequenceClassifier model) {
    Map<String, float[]> values = new HashMap<>();
    for (ModelParameter p : model.parameters().all()) {
      values.put(p.hfName(), p.parameter().getArray().toFloatArray());
    }
    return values;
  }

  @Test
  void reinitialisesTopLayerAndPoolerOnly() {
    try (SequenceClassifier model = TinyFixtures.bert(2, 1)) {
      Map<String, float[]> before = snapshot(model);
      model.reinitializeTopLayers(1, true, 123);
      Map<String, float[]> after = snapshot(model);
      for (ModelParameter p : model.parameters().all()) {
        String n = p.hfName();
        boolean touched = n.startsWith("encoder.layer.1.") || n.startsWith("pooler.");
        if (!touched) {
          assertThat(after.get(n)).as(n).containsExactly(before.get(n));
        } else if (n.contains("LayerNorm.weight")) {
          assertThat(after.get(n)).as(n).containsOnly(1f);
        } else if (n.endsWith("bias")) {
          assertThat(after.get(n)).as(n).containsOnly(0f);
        } else {
          float[] w = after.get(n);
          double mean = 0;
          double sq = 0;
          for (float v : w) {
            mean += v;
            sq += v * v;
          }
          mean /= w.length;
          double std = Math.sqrt(sq / w.length - mean * mean);
          assertThat(std).as(n).isCloseTo(0.02, within(0.003));
          assertThat(w).as(n).isNotEqualTo(before.get(n));
        }
      }
    }
  }

  @Test
  void isSeeded() {
    try (SequenceClassifier a = TinyFixtures.bert(2, 1);
        SequenceClassifier b = TinyFixtures.bert(2, 2)) {
      a.reinitializeTopLayers(2, false, 5);
      b.reinitializeTopLayers(2, false, 5);
      String name = "encoder.layer.0.attention.self.key.weight";
      assertThat(a.parameters().get(name).parameter().getArray().toFloatArray())
          .containsExactly(b.parameters().get(name).parameter().getArray().toFloatArray());
    }
  }
}
