package dev.finetune.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDManager;
import dev.finetune.testing.SharedResources;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * On every MRPC dev pair, each strategy gives exactly the ids and type ids of the real MiniLM
 * tokenizer truncating natively with the same strategy, including the pairs it cannot fit.
 */
class PairTruncationParityTest {

  private static final int MAX_LENGTH = 40;

  @ParameterizedTest
  @EnumSource(Truncation.class)
  void batchesMatchNativeTruncationOnMrpcDev(Truncation strategy) throws IOException {
    Path tokenizerJson = SharedResources.require("models/all-minilm-l6-v2/tokenizer.json");
    TextDataset dev =
        Glue.readMrpc(SharedResources.require("data/mrpc/dev.tsv"), "mrpc/validation");
    int cut = 0;
    int unfit = 0;
    try (HuggingFaceTokenizer full = Tokenizers.open(tokenizerJson, 512);
        HuggingFaceTokenizer nativeCut =
            HuggingFaceTokenizer.newInstance(
                tokenizerJson,
                Map.of(
                    "padding", "false",
                    "truncation", strategy.hfName(),
                    "maxLength", Integer.toString(MAX_LENGTH)));
        NDManager manager = NDManager.newBaseManager()) {
      Batches batches =
          Batches.builder(full)
              .batchSize(1)
              .maxLength(MAX_LENGTH)
              .truncation(strategy)
              .prefetch(0)
              .build();
      for (int i = 0; i < dev.size(); i++) {
        TextExample example = dev.get(i);
        TextDataset one = TextDataset.of("one", List.of(example), Glue.MRPC_LABELS);
        Encoding expected;
        try {
          expected = nativeCut.encode(example.text(), example.textPair(), true, false);
        } catch (RuntimeException nativeFailure) {
          unfit++;
          try (BatchIterator it = batches.iterator(one, manager)) {
            assertThatThrownBy(it::next)
                .as("pair %d cannot be fitted by %s", i, strategy)
                .isInstanceOf(DataException.class)
                .hasMessageContaining(strategy.hfName());
          }
          continue;
        }
        if (full.encode(example.text(), example.textPair()).getIds().length > MAX_LENGTH) {
          cut++;
        }
        try (BatchIterator it = batches.iterator(one, manager);
            TextBatch batch = it.next()) {
          assertThat(batch.inputIds().toLongArray())
              .as("ids of pair %d", i)
              .containsExactly(expected.getIds());
          assertThat(batch.tokenTypeIds().toLongArray())
              .as("type ids of pair %d", i)
              .containsExactly(expected.getTypeIds());
        }
      }
    }
    // the comparison exercised truncation on many pairs (334, 317, 313 of 408 at max length 40),
    // and only_first / only_second also the pairs they cannot fit (17 and 21)
    assertThat(cut).isGreaterThan(300);
    if (strategy == Truncation.LONGEST_FIRST) {
      assertThat(unfit).isZero();
    } else {
      assertThat(unfit).isGreaterThan(10);
    }
  }
}
