package dev.finetune.peft;

import static dev.finetune.core.train.GradientCheckpointingTest.assertSameGradients;
import static dev.finetune.core.train.GradientCheckpointingTest.gradients;
import static org.assertj.core.api.Assertions.assertThat;

import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.train.ModelTransform;
import dev.finetune.core.train.TinySetup;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Gradient checkpointing under PEFT methods, dropout on: LoRA (frozen embeddings: the backward
 * stops at the first layer), prompt tuning (soft tokens feed the embeddings' output) and prefix
 * tuning (per-layer prefixes, recomputed with their layer) leave the plain pass's gradients.
 */
class GradientCheckpointingMethodsTest {

  private static Map<String, float[]> check(ModelTransform method) {
    try (SequenceClassifier model = TinySetup.model(0.2f, 13)) {
      model.apply(method);
      Map<String, float[]> plain = gradients(model, false, 9);
      assertSameGradients(plain, gradients(model, true, 9), 1e-6);
      return plain;
    }
  }

  @Test
  void loraGradientsAreThePlainOnes() {
    Map<String, float[]> plain = check(Peft.lora().r(4).alpha(8));
    assertThat(plain.keySet()).contains("encoder.layer.1.attention.self.value.lora_B.weight")
        .doesNotContain("embeddings.word_embeddings.weight");
  }

  @Test
  void promptAndPrefixTuningGradientsAreThePlainOnes() {
    assertThat(check(Peft.promptTuning(3)).keySet()).contains("embeddings.prompt_embeddings.weight");
    assertThat(check(Peft.prefixTuning(2)).keySet()).contains("prompt_encoder.embedding.weight");
  }
}
