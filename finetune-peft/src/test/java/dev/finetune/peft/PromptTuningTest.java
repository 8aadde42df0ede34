package dev.finetune.peft;

import dev.finetune.core.train.TinySetup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import dev.finetune.core.model.EncoderOutput;
import dev.finetune.core.model.SequenceClassifier;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PromptTuningTest {

  @Test
  void promptExtendsSequenceAndOnlyItAndHeadTrain() {
    try (SequenceClassifier model = TinySetup.model(0f, 5)) {
      Peft.promptTuning(3).apply(model);
      try (NDManager m = model.manager().newSubManager()) {
        EncoderOutput out = model.encode(TinySetup.batch(m));
        assertThat(out.lastHiddenState().getShape().getShape()).containsExactly(2, 9, 32);
        assertThat(out.attentionMask().toLongArray()).startsWith(1, 1, 1, 1, 1, 1, 1, 1, 0);
      }
      assertThat(model.parameters().countTrainable()).isEqualTo(3 * 32 + 32 * 32 + 32 + 2 * 32 + 2);
      assertThatThrownBy(() -> Peft.promptTuning(2).apply(model)).hasMessageContaining("already");
    }
  }

  @Test
  void vocabularyInitCopiesWordEmbeddingRows() {
    try (SequenceClassifier model = TinySetup.model(0f, 5)) {
      Peft.promptTuning(4).fromVocabulary().apply(model);
      float[] prompt = model.parameters().get(PromptTuning.NAME).parameter().getArray().toFloatArray();
      float[] table = model.encoder().embeddings().wordEmbeddings().getArray().toFloatArray();
      for (int i = 0; i < 4; i++) {
        float[] row = Arrays.copyOfRange(prompt, i * 32, i * 32 + 32);
        boolean found = false;
        for (int v = 0; v < table.length / 32 && !found; v++) {
          found = Arrays.equals(row, Arrays.copyOfRange(table, v * 32, v * 32 + 32));
        }
        assertThat(found).as("row " + i).isTrue();
      }
      assertThatThrownBy(() -> Peft.promptTuning(0)).hasMessageContaining("at least 1");
    }
    try (SequenceClassifier model = TinySetup.model(0f, 5)) {
      assertThatThrownBy(() -> Peft.promptTuning(70).apply(model)).hasMessageContaining("positions");
    }
  }
}
