package dev.finetune.core.data;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.finetune.core.data.tokens.Conll2003;
import dev.finetune.core.data.tokens.TokenAligner;
import dev.finetune.core.data.tokens.TokenAlignment;
import dev.finetune.core.data.tokens.TokenDataset;
import dev.finetune.core.data.tokens.TokenExample;
import dev.finetune.core.data.tokens.TokenWindow;
import dev.finetune.testing.SharedResources;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Token batches: (B, T) int64 arrays, -100 padding of labels, seeded order and resume. */
class TokenBatchesTest {

  private static TokenAlignment alignment(HuggingFaceTokenizer tokenizer) {
    List<TokenExample> examples = new ArrayList<>();
    String[] sentences = {
      "EU rejects German call", "Peter Blackburn", "BRUSSELS 1996-08-22", "a", "Zzyzxville is nice ."
    };
    for (int i = 0; i < sentences.length; i++) {
      List<String> words = List.of(sentences[i].split(" "));
      int[] tags = new int[words.size()];
      tags[0] = 1 + 2 * (i % 4); // B- of some type
      examples.add(TokenExample.of(words, tags, 0));
    }
    return TokenAligner.builder(tokenizer)
        .maxLength(32)
        .build()
        .align(TokenDataset.of("five", examples, Conll2003.TAGS));
  }

  private static List<int[]> rowsOf(Iterator<TokenBatch> it) {
    List<int[]> out = new ArrayList<>();
    while (it.hasNext()) {
      try (TokenBatch batch = it.next()) {
        out.add(batch.windows().stream().mapToInt(TokenWindow::example).toArray());
      }
    }
    return out;
  }

  @Test
  void batchesArePaddedWithIgnoredLabels() {
    Path model = SharedResources.require("models/all-minilm-l6-v2");
    try (HuggingFaceTokenizer tokenizer = Tokenizers.open(model, 128);
        NDManager manager = NDManager.newBaseManager()) {
      TokenAlignment alignment = alignment(tokenizer);
      long pad = Tokenizers.padId(model);
      TokenBatches batches = TokenBatches.builder().batchSize(2).padId(pad).build();
      assertThat(batches.batchesPerEpoch(alignment)).isEqualTo(3);
      Iterator<TokenBatch> it = batches.iterator(alignment, manager, 0);
      TokenBatch first = it.next();
      try (first) {
        int t = first.paddedLength();
        TokenWindow longer = alignment.windowsOf(0).get(0);
        TokenWindow shorter = alignment.windowsOf(1).get(0);
        assertThat(t).isEqualTo(Math.max(longer.length(), shorter.length()));
        assertThat(first.inputIds().getShape().getShape()).containsExactly(2, t);
        assertThat(first.labels().getShape().getShape()).containsExactly(2, t);
        assertThat(first.labels().getDataType()).isEqualTo(DataType.INT64);
        long[] labels = first.labels().toLongArray();
        long[] ids = first.inputIds().toLongArray();
        long[] mask = first.attentionMask().toLongArray();
        assertThat(Arrays.copyOfRange(labels, 0, longer.length())).containsExactly(longer.labels());
        assertThat(Arrays.copyOfRange(labels, t, t + shorter.length()))
            .containsExactly(shorter.labels());
        for (int p = t + shorter.length(); p < 2 * t; p++) {
          assertThat(labels[p]).isEqualTo(TokenAligner.IGNORE);
          assertThat(ids[p]).isEqualTo(pad);
          assertThat(mask[p]).isZero();
        }
        assertThat(Arrays.stream(mask).sum()).isEqualTo(first.realTokens());
        assertThat(first.labelledTokens()).isEqualTo(4 + 2); // one label per word
        assertThat(first.modelInputs()).hasSize(3);
      }
      assertThat(first.labels().isReleased()).isTrue();
      List<int[]> rest = rowsOf(it);
      assertThat(rest).containsExactly(new int[] {2, 3}, new int[] {4});
    }
  }

  @Test
  void seededOrderIsRepeatableAndResumable() {
    Path model = SharedResources.require("models/all-minilm-l6-v2");
    try (HuggingFaceTokenizer tokenizer = Tokenizers.open(model, 128);
        NDManager manager = NDManager.newBaseManager()) {
      TokenAlignment alignment = alignment(tokenizer);
      TokenBatches batches = TokenBatches.builder().batchSize(2).shuffle(7).build();
      List<int[]> epoch0 = rowsOf(batches.iterator(alignment, manager, 0));
      assertThat(rowsOf(batches.iterator(alignment, manager, 0))).containsExactlyElementsOf(epoch0);
      assertThat(rowsOf(batches.iterator(alignment, manager, 0, 1)))
          .containsExactlyElementsOf(epoch0.subList(1, 3));
      List<Integer> seen = new ArrayList<>();
      epoch0.forEach(rows -> Arrays.stream(rows).forEach(seen::add));
      assertThat(seen).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
      List<int[]> epoch1 = rowsOf(batches.iterator(alignment, manager, 1));
      assertThat(epoch1.stream().map(Arrays::toString).toList())
          .isNotEqualTo(epoch0.stream().map(Arrays::toString).toList());
    }
  }
}
