package dev.finetune.core.data;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.model.TinyFixtures;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Batches#iteratorByTokenCount}: the prediction order is by tokens after truncation, not
 * by characters, every example comes exactly once, and a batch holds the ids a per-batch
 * iterator would give it.
 */
class TokenCountOrderTest {

  @Test
  void batchesAreOrderedByTokenCountNotCharacters() {
    // characters and tokens disagree: an unknown 30-letter word is one [UNK] token, "! ! ! ! !"
    // is five tokens; "good movie" is two; the 40 words are cut to maxLength 12
    List<TextExample> examples = List.of(
        TextExample.of("x".repeat(30), 0),
        TextExample.of("! ! ! ! !", 0),
        TextExample.of("good movie", 0),
        TextExample.of("the film ".repeat(20), 0),
        TextExample.of("", 0));
    TextDataset data = TextDataset.of("order", examples, List.of("a", "b"));
    try (SequenceClassifier model = TinyFixtures.bert(2, 1);
        NDManager m = model.manager().newSubManager()) {
      Batches batches = Batches.builder(model.tokenizer()).batchSize(2).maxLength(12).noShuffle()
          .prefetch(0).build();
      List<Integer> order = new ArrayList<>();
      List<Integer> padded = new ArrayList<>();
      try (BatchIterator it = batches.iteratorByTokenCount(data, m)) {
        while (it.hasNext()) {
          try (TextBatch b = it.next()) {
            for (int i : b.exampleIndices()) {
              order.add(i);
            }
            padded.add(b.paddedLength());
            // the same ids as the ordinary per-batch encoding of these rows
            long[] ids = b.inputIds().toLongArray();
            int row = 0;
            for (int i : b.exampleIndices()) {
              long[] alone = single(batches, examples.get(i), m);
              for (int t = 0; t < alone.length; t++) {
                assertThat(ids[row * b.paddedLength() + t]).isEqualTo(alone[t]);
              }
              row++;
            }
          }
        }
      }
      // tokens with [CLS]/[SEP]: 12 (cut), 7, 4, 3, 2
      assertThat(order).containsExactly(3, 1, 2, 0, 4);
      assertThat(padded).containsExactly(12, 4, 2);
    }
  }

  private static long[] single(Batches batches, TextExample e, NDManager m) {
    TextDataset one = TextDataset.of("one", List.of(e), List.of("a", "b"));
    try (BatchIterator it = batches.iterator(one, m); TextBatch b = it.next()) {
      return b.inputIds().toLongArray();
    }
  }
}
