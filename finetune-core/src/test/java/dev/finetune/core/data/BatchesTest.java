package dev.finetune.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.finetune.testing.SharedResources;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Batches hold exactly the tokenizer's ids, dynamically padded, in a reproducible order. */
class BatchesTest {

  private static Path tokenizerJson;
  private static HuggingFaceTokenizer tokenizer;
  private NDManager manager;

  @BeforeAll
  static void openTokenizer() {
    tokenizerJson = SharedResources.require("models/all-minilm-l6-v2/tokenizer.json");
    tokenizer = Tokenizers.open(tokenizerJson, 128);
  }

  @AfterAll
  static void closeTokenizer() {
    if (tokenizer != null) {
      tokenizer.close();
    }
  }

  @BeforeEach
  void newManager() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void closeManager() {
    manager.close();
  }

  private static TextDataset sentences(int n) {
    List<TextExample> examples = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      examples.add(TextExample.of("sentence number " + i + " is" + " very".repeat(i % 7), i % 2));
    }
    return TextDataset.of("toy", examples, List.of("neg", "pos"));
  }

  @Test
  void openedTokenizerDoesNotPadAndTruncates() {
    assertThat(Tokenizers.padId(tokenizerJson)).isZero();
    assertThat(tokenizer.encode("hello world").getIds()).containsExactly(101, 7592, 2088, 102);
    try (HuggingFaceTokenizer short8 = Tokenizers.open(tokenizerJson.getParent(), 8)) {
      long[] ids = short8.encode("one two three four five six seven eight nine").getIds();
      assertThat(ids).hasSize(8).startsWith(101).endsWith(102);
    }
  }

  @Test
  void batchHoldsTokenizerIdsPaddedToItsLongestRow() {
    TextDataset data =
        TextDataset.of(
            "mixed",
            List.of(TextExample.of("hello world", 1), TextExample.of("a much longer sentence here", 0)),
            List.of("neg", "pos"));
    Batches batches = Batches.builder(tokenizer).batchSize(2).padId(0).build();
    try (BatchIterator it = batches.iterator(data, manager);
        TextBatch batch = it.next()) {
      long[] first = tokenizer.encode("hello world").getIds();
      long[] second = tokenizer.encode("a much longer sentence here").getIds();
      int t = second.length;
      assertThat(batch.paddedLength()).isEqualTo(t);
      assertThat(batch.inputIds().getShape()).isEqualTo(new Shape(2, t));
      assertThat(batch.inputIds().getDataType()).isEqualTo(DataType.INT64);
      long[] ids = batch.inputIds().toLongArray();
      long[] expectedFirst = Arrays.copyOf(first, t); // zero padded
      assertThat(Arrays.copyOfRange(ids, 0, t)).containsExactly(expectedFirst);
      assertThat(Arrays.copyOfRange(ids, t, 2 * t)).containsExactly(second);
      long[] mask = batch.attentionMask().toLongArray();
      assertThat(Arrays.stream(mask, 0, t).sum()).isEqualTo(first.length);
      assertThat(mask[first.length - 1]).isEqualTo(1);
      assertThat(mask[first.length]).isZero();
      assertThat(batch.realTokens()).isEqualTo(first.length + second.length);
      assertThat(batch.tokenTypeIds().toLongArray()).containsOnly(0L);
      assertThat(batch.labels().toLongArray()).containsExactly(1, 0);
      assertThat(batch.modelInputs()).hasSize(3);
      assertThat(batch.modelInputs().get(1)).isSameAs(batch.attentionMask());
      assertThat(it.hasNext()).isFalse();
    }
  }

  @Test
  void tokenizerOwnPaddingAndTruncationDoNotMatter() {
    // The file's own settings pad to 128; a "padding=max_length" tokenizer must give the same
    // batches, and post-hoc truncation must match native longest-first truncation, pairs included.
    TextDataset pairs =
        TextDataset.of(
            "pairs",
            List.of(
                TextExample.pair("the quick brown fox jumps over the lazy dog", "a dog sleeps", 1),
                TextExample.pair("short", "a considerably longer second sentence to be cut", 0),
                TextExample.of("one two three four five six seven eight nine ten", 1)),
            List.of("a", "b"));
    Map<String, String> padded =
        Map.of("padding", "max_length", "truncation", "true", "maxLength", "128");
    try (HuggingFaceTokenizer paddedTokenizer =
            HuggingFaceTokenizer.newInstance(tokenizerJson, padded);
        HuggingFaceTokenizer native10 = Tokenizers.open(tokenizerJson, 10)) {
      long[] viaPadded = firstBatchIds(paddedTokenizer, pairs, 10);
      long[] viaNative = firstBatchIds(native10, pairs, 10);
      assertThat(viaPadded).containsExactly(viaNative);
      try (TextBatch batch =
          Batches.builder(paddedTokenizer).batchSize(3).maxLength(10).build()
              .iterator(pairs, manager).next()) {
        assertThat(batch.paddedLength()).isEqualTo(10);
        long[] types = batch.tokenTypeIds().toLongArray();
        assertThat(Arrays.copyOfRange(types, 0, 10)).contains(0L, 1L); // pair segments
        assertThat(Arrays.copyOfRange(types, 20, 30)).containsOnly(0L);
      }
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  private long[] firstBatchIds(HuggingFaceTokenizer tok, TextDataset data, int maxLength) {
    Batches batches = Batches.builder(tok).batchSize(data.size()).maxLength(maxLength).build();
    try (BatchIterator it = batches.iterator(data, manager);
        TextBatch batch = it.next()) {
      return batch.inputIds().toLongArray();
    }
  }

  @Test
  void epochOrderIsSeededCompleteAndResumable() {
    TextDataset data = sentences(103);
    Batches batches = Batches.builder(tokenizer).batchSize(10).shuffle(42).build();
    List<int[]> epoch1 = order(batches, data, 1, 0);
    assertThat(epoch1).hasSize(11);
    assertThat(batches.batchesPerEpoch(data)).isEqualTo(11);
    Set<Integer> seen = new HashSet<>();
    epoch1.forEach(b -> Arrays.stream(b).forEach(seen::add));
    assertThat(seen).hasSize(103);
    List<int[]> again = order(batches, data, 1, 0);
    assertThat(again).usingRecursiveComparison().isEqualTo(epoch1);
    assertThat(order(batches, data, 2, 0)).usingRecursiveComparison().isNotEqualTo(epoch1);
    // resuming at batch 4 reproduces batches 4.. of the same epoch
    assertThat(order(batches, data, 1, 4)).usingRecursiveComparison()
        .isEqualTo(epoch1.subList(4, 11));
    // drop-last
    Batches dropping = batches.toBuilder().dropLast(true).build();
    assertThat(dropping.batchesPerEpoch(data)).isEqualTo(10);
    assertThat(order(dropping, data, 1, 0)).allSatisfy(b -> assertThat(b).hasSize(10));
    // synchronous mode gives the same batches
    assertThat(order(batches.toBuilder().prefetch(0).build(), data, 1, 0))
        .usingRecursiveComparison().isEqualTo(epoch1);
  }

  private List<int[]> order(Batches batches, TextDataset data, int epoch, int start) {
    List<int[]> out = new ArrayList<>();
    try (BatchIterator it = batches.iterator(data, manager, epoch, start)) {
      assertThat(it.nextBatchIndex()).isEqualTo(start);
      while (it.hasNext()) {
        try (TextBatch batch = it.next()) {
          assertThat(batch.index()).isEqualTo(start + out.size());
          out.add(batch.exampleIndices());
        }
      }
    }
    return out;
  }

  @Test
  void bucketingCutsPaddingAndKeepsEveryExample() {
    List<TextExample> examples = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      examples.add(TextExample.of("word ".repeat(1 + (i * 37) % 40), i % 2));
    }
    TextDataset data = TextDataset.of("lengths", examples, List.of("a", "b"));
    Batches plain = Batches.builder(tokenizer).batchSize(8).shuffle(3).build();
    Batches bucketed = plain.toBuilder().bucketing(10).build();
    double plainWaste = waste(plain, data);
    double bucketWaste = waste(bucketed, data);
    assertThat(bucketWaste).isLessThan(plainWaste / 3);
    Set<Integer> seen = new HashSet<>();
    order(bucketed, data, 0, 0).forEach(b -> Arrays.stream(b).forEach(seen::add));
    assertThat(seen).hasSize(200);
  }

  private double waste(Batches batches, TextDataset data) {
    long padded = 0;
    long real = 0;
    try (BatchIterator it = batches.iterator(data, manager)) {
      while (it.hasNext()) {
        try (TextBatch batch = it.next()) {
          padded += (long) batch.size() * batch.paddedLength() - batch.realTokens();
          real += batch.realTokens();
        }
      }
    }
    return (double) padded / real;
  }

  @Test
  void regressionLabelsAreFloat32() {
    TextDataset data =
        TextDataset.regression(
            "sts", List.of(TextExample.regression("a", 0.5f), TextExample.regression("b", 4f)), 0);
    try (BatchIterator it = Batches.builder(tokenizer).build().iterator(data, manager);
        TextBatch batch = it.next()) {
      assertThat(batch.labels().getDataType()).isEqualTo(DataType.FLOAT32);
      assertThat(batch.labels().toFloatArray()).containsExactly(0.5f, 4f);
    }
  }

  @Test
  void closingABatchFreesItsArrays() {
    TextBatch batch;
    try (BatchIterator it = Batches.builder(tokenizer).build().iterator(sentences(3), manager)) {
      batch = it.next();
    }
    var ids = batch.inputIds();
    batch.close();
    assertThat(ids.isReleased()).isTrue();
    assertThat(manager.isOpen()).isTrue();
  }

  @Test
  void producerFailureSurfacesWithCause() {
    // maxLength 2 cannot hold the 3 special tokens of a BERT pair: fails on the producer thread
    TextDataset data =
        TextDataset.of("p", List.of(TextExample.pair("a", "b", 0)), List.of("x", "y"));
    Batches batches = Batches.builder(tokenizer).maxLength(2).build();
    try (BatchIterator it = batches.iterator(data, manager)) {
      assertThatThrownBy(it::next)
          .isInstanceOf(DataException.class)
          .hasMessageContaining("preparing batch 0 of epoch 0 of p failed")
          .hasRootCauseInstanceOf(IllegalStateException.class)
          .hasRootCauseMessage("maxLength 2 is too small to hold the 3 special tokens");
      assertThat(it.hasNext()).isFalse();
    }
  }

  @Test
  void closingEarlyStopsTheThread() throws InterruptedException {
    TextDataset data = sentences(400);
    Batches batches = Batches.builder(tokenizer).batchSize(4).prefetch(2).build();
    BatchIterator it = batches.iterator(data, manager);
    try (TextBatch batch = it.next()) {
      assertThat(batch.size()).isEqualTo(4);
    }
    Thread.sleep(50); // let the producer fill the queue and block
    assertThat(batchThreads()).isNotEmpty();
    it.close();
    assertThat(batchThreads()).isEmpty();
    assertThat(it.hasNext()).isFalse();
    assertThatThrownBy(it::next).isInstanceOf(java.util.NoSuchElementException.class);
    it.close(); // idempotent
  }

  private static List<Thread> batchThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("finetune-batches-") && t.isAlive())
        .toList();
  }

  @Test
  void invalidResumeIndexIsRejected() {
    Batches batches = Batches.builder(tokenizer).batchSize(10).build();
    assertThatThrownBy(() -> batches.iterator(sentences(25), manager, 0, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("startBatch must be in [0, 3]");
  }
}
