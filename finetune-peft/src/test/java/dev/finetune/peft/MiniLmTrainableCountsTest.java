package dev.finetune.peft;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetune.core.model.Encoders;
import dev.finetune.core.model.Pooling;
import dev.finetune.core.model.PretrainedEncoder;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.train.ModelTransform;
import dev.finetune.testing.SharedResources;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Trainable-parameter counts on all-MiniLM-L6-v2 (H=384, L=6, FFN=1536, vocab 30522, 512
 * positions), mean pooling so the head is the classifier alone: 384*2 + 2 = 770.
 */
class MiniLmTrainableCountsTest {

  static PretrainedEncoder minilm;
  static final long HEAD = 770;
  static final long LAYER = 4 * (384 * 384 + 384) + 2 * 768 + (384 * 1536 + 1536) + (1536 * 384 + 384);

  @BeforeAll
  static void load() {
    Path dir = SharedResources.require("models/all-minilm-l6-v2/config.json").getParent();
    minilm = Encoders.load(dir);
  }

  private static long trainable(ModelTransform method) {
    try (SequenceClassifier model = minilm.forSequenceClassification(2, Pooling.MEAN)) {
      method.apply(model);
      return model.parameters().countTrainable();
    }
  }

  @Test
  void countsMatchHandCounts() {
    assertThat(LAYER).isEqualTo(1_774_464);
    assertThat(trainable(Peft.lora().r(8))).isEqualTo(6 * 2 * (8 * 384 + 384 * 8) + HEAD)
        .isEqualTo(73_728 + 770);
    // q,k,v,attn-out biases 4*384, LN biases 2*384, intermediate 1536, output 384; embeddings LN 384
    assertThat(trainable(Peft.bitFit())).isEqualTo(6 * (4 * 384 + 2 * 384 + 1536 + 384) + 384 + HEAD)
        .isEqualTo(26_498);
    // bottleneck 384/16 = 24: 24*384 + 24 + 384*24 + 384 = 18,840 per adapter
    assertThat(trainable(Adapters.houlsby().reduction(16))).isEqualTo(12 * 18_840 + HEAD);
    assertThat(trainable(Adapters.pfeiffer().reduction(16))).isEqualTo(6 * 18_840 + HEAD);
    assertThat(trainable(Peft.ia3())).isEqualTo(6 * (384 + 384 + 1536) + HEAD).isEqualTo(14_594);
    // prefix: 20 tokens x (6 layers x 2 (key, value) x 384)
    assertThat(trainable(Peft.prefixTuning(20))).isEqualTo(20 * 6 * 2 * 384 + HEAD)
        .isEqualTo(92_930);
    // projection: embedding 20x384, Linear(384, 384), Linear(384, 6*2*384 = 4608)
    assertThat(trainable(Peft.prefixTuning(20).projection(384)))
        .isEqualTo(20 * 384 + (384 * 384 + 384) + (384 * 4608 + 4608) + HEAD)
        .isEqualTo(1_930_370);
    assertThat(trainable(Selective.embeddingsOnly()))
        .isEqualTo(30522L * 384 + 512 * 384 + 2 * 384 + 2 * 384 + HEAD);
    assertThat(trainable(Selective.encoderOnly())).isEqualTo(6 * LAYER + HEAD);
    assertThat(trainable(Selective.topLayers(2))).isEqualTo(2 * LAYER + HEAD);
    assertThat(trainable(Selective.headOnly())).isEqualTo(HEAD);
  }
}
