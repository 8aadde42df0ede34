package dev.finetune.peft;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.train.ModelTransform;
import dev.finetune.core.train.TinySetup;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every method's forward pass keeps its results in the pass's manager: DJL attaches an op's
 * result to its first operand's manager, so an op on a parameter (a prompt concatenated before the
 * words, a prefix before the keys, a reshaped IA3 vector) would otherwise leave an array - and the
 * autograd graph it holds - alive for the model's lifetime, every step (prompt tuning grew to
 * 11.8 GB in six MiniLM steps before this was fixed).
 */
class NoLeakedArraysTest {

  static List<ModelTransform> methods() {
    return List.of(Peft.promptTuning(4), Peft.prefixTuning(4), Peft.prefixTuning(4).projection(8),
        Peft.ia3(), Peft.lora().r(2), Adapters.houlsby(), Peft.bitFit());
  }

  @ParameterizedTest
  @MethodSource("methods")
  void aForwardPassOwnsItsResultsInThePassManager(ModelTransform method) {
    try (SequenceClassifier model = TinySetup.model(0.1f, 11)) {
      method.apply(model);
      for (boolean training : new boolean[] {true, false}) {
        try (NDManager pass = model.manager().newSubManager()) {
          NDArray logits = model.forward(TinySetup.batch(pass), training).singletonOrThrow();
          assertThat(logits.getManager()).as(method.describe() + (training ? " training" : " eval"))
              .isSameAs(pass);
        }
      }
    }
  }
}
