package dev.finetune.core.data;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDManager;
import dev.finetune.testing.SharedResources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a test: examples/s through tokenise + batch on SST-2 train (batch 32, max length 128), and
 * padding waste (padded positions / real tokens) with and without length bucketing. Run with
 * {@code -Dfinetune.bench=true -Dtest=BatchingBenchmark}.
 */
@EnabledIfSystemProperty(named = "finetune.bench", matches = "true")
class BatchingBenchmark {

  @Test
  void sst2Train() {
    TextDataset train =
        Glue.readSst2(SharedResources.require("data/sst2/train.tsv"), "sst2/train");
    try (HuggingFaceTokenizer tokenizer =
            Tokenizers.open(SharedResources.require("models/all-minilm-l6-v2"), 128);
        NDManager manager = NDManager.newBaseManager()) {
      Batches plain = Batches.builder(tokenizer).batchSize(32).maxLength(128).shuffle(42).build();
      run("warm-up", plain.toBuilder().build(), train.take(4000), manager);
      for (int window : new int[] {0, 10, 50, 100}) {
        run("bucketing " + window, plain.toBuilder().bucketing(window).build(), train, manager);
      }
      run("bucketing 0, prefetch 0", plain.toBuilder().prefetch(0).build(), train, manager);
    }
  }

  private static void run(String label, Batches batches, TextDataset data, NDManager manager) {
    long start = System.nanoTime();
    long real = 0;
    long positions = 0;
    int examples = 0;
    try (BatchIterator it = batches.iterator(data, manager, 1)) {
      while (it.hasNext()) {
        try (TextBatch batch = it.next()) {
          real += batch.realTokens();
          positions += (long) batch.size() * batch.paddedLength();
          examples += batch.size();
        }
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "%-24s %6d examples in %6.2f s = %8.0f examples/s, %7.1f real tokens/example,"
            + " padded/real %.3f%n",
        label, examples, seconds, examples / seconds, (double) real / examples,
        (double) (positions - real) / real);
  }
}
