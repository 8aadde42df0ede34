package dev.finetune.core.data.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.finetune.core.data.Tokenizers;
import dev.finetune.core.metrics.EntityMetrics;
import dev.finetune.testing.SharedResources;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Word tags to sub-word labels and back, with the MiniLM (uncased WordPiece) tokenizer. */
class TokenAlignerTest {

  private static final long X = TokenAligner.IGNORE;
  private static final TagSet TAGS = Conll2003.TAGS;
  private static HuggingFaceTokenizer tokenizer;

  @BeforeAll
  static void open() {
    tokenizer = Tokenizers.open(SharedResources.require("models/all-minilm-l6-v2"), 512);
  }

  @AfterAll
  static void close() {
    tokenizer.close();
  }

  private static TokenExample example(String words, String tags) {
    List<String> names = List.of(tags.split(" "));
    return TokenExample.of(
        List.of(words.split(" ")), names.stream().mapToInt(TAGS::id).toArray(), 0);
  }

  private static int[] wordIndexes(TokenAlignment alignment, int example) {
    List<int[]> perToken = new ArrayList<>();
    for (TokenWindow window : alignment.windowsOf(example)) {
      perToken.add(window.wordIds());
    }
    return alignment.toWords(example, perToken);
  }

  @Test
  void firstSubwordCarriesTheTagTheRestIsIgnored() {
    TokenExample example = example("Zzyzxville rejects Blackburnshire", "B-LOC O B-PER");
    TokenAligner aligner = TokenAligner.builder(tokenizer).build();
    TokenWindow window = aligner.align(example, 0, TAGS).get(0);
    int[] words = window.wordIds();
    long[] labels = window.labels();
    assertThat(words[0]).isEqualTo(-1); // [CLS]
    assertThat(words[words.length - 1]).isEqualTo(-1); // [SEP]
    long bLoc = TAGS.id("B-LOC");
    long iLoc = TAGS.id("I-LOC");
    long bPer = TAGS.id("B-PER");
    long iPer = TAGS.id("I-PER");
    List<Long> expected = new ArrayList<>();
    List<Long> expectedAll = new ArrayList<>();
    int previous = -1;
    for (int word : words) {
      long tag = word == 0 ? bLoc : word == 1 ? 0 : bPer;
      long inside = word == 0 ? iLoc : word == 1 ? 0 : iPer;
      expected.add(word < 0 ? X : word != previous ? tag : X);
      expectedAll.add(word < 0 ? X : word != previous ? tag : inside);
      previous = word;
    }
    assertThat(words.length).isGreaterThan(5); // the made-up words split into several pieces
    assertThat(labels).containsExactly(expected.stream().mapToLong(Long::longValue).toArray());
    TokenWindow all =
        TokenAligner.builder(tokenizer).labelAllSubwords(true).build().align(example, 0, TAGS).get(0);
    assertThat(all.labels()).containsExactly(expectedAll.stream().mapToLong(Long::longValue).toArray());
    assertThat(Arrays.stream(all.labels()).filter(l -> l == iLoc).count()).isPositive();
  }

  @Test
  void truncationIsCountedAndLeftOutWordsReadAsO() {
    TokenExample longOne = example("a b c d e f g h", "O O O O O B-PER I-PER O");
    TokenDataset data = TokenDataset.of("t", List.of(longOne, example("x", "B-LOC")), TAGS);
    TokenAlignment alignment = TokenAligner.builder(tokenizer).maxLength(6).build().align(data);
    assertThat(alignment.windowsOf(0)).hasSize(1);
    assertThat(alignment.windowsOf(0).get(0).length()).isEqualTo(6);
    assertThat(alignment.stats()).isEqualTo(new TokenAlignment.Stats(2, 2, 1, 4, 0));
    assertThat(wordIndexes(alignment, 0)).containsExactly(0, 1, 2, 3, 0, 0, 0, 0);
  }

  @Test
  void slidingWindowsCoverEveryWordAndCutBetweenWords() {
    TokenExample longOne = example("a b c d e f g h", "O O O O O B-PER I-PER O");
    TokenAligner aligner = TokenAligner.builder(tokenizer).maxLength(6).stride(2).build();
    TokenAlignment alignment = aligner.align(TokenDataset.of("t", List.of(longOne), TAGS));
    // 4 words per window, overlap 2: a-d, c-f, e-h
    assertThat(alignment.windowsOf(0)).extracting(w -> w.wordIds()[1]).containsExactly(0, 2, 4);
    assertThat(alignment.stats().truncatedWords()).isZero();
    assertThat(wordIndexes(alignment, 0)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
    // overlapping words are read from the window where they have more context
    assertThat(alignment.wordPositions(0)[3][0]).isEqualTo(1);
    // a word longer than a window is cut inside; its first piece still carries its tag
    TokenExample giant = example("Zzyzxvillebergshirecastle ok", "B-LOC O");
    TokenAlignment cut =
        TokenAligner.builder(tokenizer).maxLength(4).stride(0).build()
            .align(TokenDataset.of("g", List.of(giant), TAGS));
    assertThat(cut.windowsOf(0).size()).isGreaterThan(2);
    assertThat(wordIndexes(cut, 0)).containsExactly(0, 1);
    assertThat(cut.windowsOf(0).get(0).labels()[1]).isEqualTo(TAGS.id("B-LOC"));
    assertThat(cut.windowsOf(0).get(1).labels()[1]).isEqualTo(X);
  }

  @Test
  void theTokenizersOwnTruncationDoesNotHideWords() {
    try (HuggingFaceTokenizer short8 =
        Tokenizers.open(SharedResources.require("models/all-minilm-l6-v2"), 8)) {
      TokenExample example = example("a b c d e f g h i j k l", "O O O O O O O O O O O B-LOC");
      TokenAlignment alignment =
          TokenAligner.builder(short8).maxLength(64).build()
              .align(TokenDataset.of("t", List.of(example), TAGS));
      assertThat(alignment.windowsOf(0)).hasSize(1);
      assertThat(alignment.windowsOf(0).get(0).length()).isEqualTo(14);
      assertThat(wordIndexes(alignment, 0)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
    }
  }

  @Test
  void badSettingsAreClearErrors() {
    assertThatThrownBy(() -> TokenAligner.builder(tokenizer).maxLength(8).stride(6).build())
        .hasMessageContaining("stride 6 must be below maxLength - 2");
    TokenAligner aligner = TokenAligner.builder(tokenizer).maxLength(3).build();
    TokenExample example = example("a", "O");
    assertThat(aligner.align(example, 0, TAGS)).hasSize(1);
    TokenAligner stride = TokenAligner.builder(tokenizer).maxLength(4).stride(1).build();
    assertThat(stride.align(example("a b c", "O O O"), 0, TAGS)).hasSize(2);
    assertThat(
            TokenAligner.builder(tokenizer).maxLength(3).stride(0).build()
                .align(example("a b", "O O"), 0, TAGS))
        .hasSize(2); // one word per window
  }

  @Test
  void roundTripOnTheRealDevSetPreservesEveryWord() {
    Path dir = SharedResources.require("data/conll2003/dev.txt").getParent();
    TokenDataset dev = Conll2003.reader().read(dir.resolve("dev.txt"), "conll2003/dev");
    TokenAligner aligner = TokenAligner.builder(tokenizer).maxLength(16).stride(4).build();
    TokenAlignment alignment = aligner.align(dev);
    TokenAlignment.Stats stats = alignment.stats();
    assertThat(stats.windows()).isGreaterThan(dev.size()); // windows happen at max length 16
    assertThat(stats.truncatedWords()).isZero();
    assertThat(stats.wordsWithoutTokens()).isZero();
    // predicted sub-word tags: each token's word tag (what a perfect model outputs), back to words
    List<int[]> predictions = new ArrayList<>();
    for (TokenWindow window : alignment.windows()) {
      assertThat(window.length()).isLessThanOrEqualTo(16);
      int[] words = window.wordIds();
      int[] tags = new int[words.length];
      for (int t = 0; t < words.length; t++) {
        tags[t] = words[t] < 0 ? 0 : dev.get(window.example()).tag(words[t]);
      }
      predictions.add(tags);
    }
    List<int[]> back = alignment.toWords(predictions);
    List<List<String>> predictedTags = new ArrayList<>();
    for (int i = 0; i < dev.size(); i++) {
      assertThat(back.get(i)).as("sentence %d", i).containsExactly(dev.get(i).tags());
      predictedTags.add(TAGS.names(back.get(i)));
      int[] indexes = wordIndexes(alignment, i);
      for (int w = 0; w < indexes.length; w++) {
        assertThat(indexes[w]).isEqualTo(w);
      }
    }
    EntityMetrics.Result perfect = EntityMetrics.score(dev.tagNames(), predictedTags);
    assertThat(perfect.f1()).isEqualTo(1.0);
    assertThat(perfect.micro().support()).isEqualTo(1_837 + 922 + 1_341 + 1_842);
  }

  @Test
  void documentContextWindowsCutBackIntoSentences() {
    Path dir = SharedResources.require("data/conll2003/dev.txt").getParent();
    TokenDataset dev = Conll2003.reader().read(dir.resolve("dev.txt"), "conll2003/dev");
    TokenDataset documents = dev.joinDocuments();
    TokenAlignment alignment =
        TokenAligner.builder(tokenizer).maxLength(128).stride(32).build().align(documents);
    assertThat(alignment.stats().truncatedWords()).isZero();
    assertThat(alignment.stats().windows()).isGreaterThan(documents.size()); // long documents
    List<int[]> predicted = new ArrayList<>();
    for (int d = 0; d < documents.size(); d++) {
      int[] indexes = wordIndexes(alignment, d);
      int[] tags = new int[indexes.length];
      for (int w = 0; w < indexes.length; w++) {
        assertThat(indexes[w]).isEqualTo(w);
        tags[w] = documents.get(d).tag(indexes[w]);
      }
      predicted.add(tags);
    }
    List<int[]> sentences = dev.splitDocuments(predicted);
    assertThat(sentences).hasSize(dev.size());
    for (int i = 0; i < dev.size(); i++) {
      assertThat(sentences.get(i)).containsExactly(dev.get(i).tags());
    }
  }
}
