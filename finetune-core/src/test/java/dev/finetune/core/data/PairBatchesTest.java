package dev.finetune.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.finetune.core.model.WordPieceVocabulary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pairs are encoded by the tokenizer's template (BERT and RoBERTa), cut by the HF truncation
 * strategies with hand-worked token counts, and multi-label batches carry multi-hot labels.
 * Every letter a-l is one token in both tiny tokenizers.
 */
class PairBatchesTest {

  private static final List<String> LETTERS =
      List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l");
  // BERT: [PAD] [UNK] [CLS] [SEP] [MASK] = 0-4, letters from 5
  private static final long CLS = 2;
  private static final long SEP = 3;
  private static final int BERT_FIRST = 5;
  // RoBERTa: <s> <pad> </s> <unk> = 0-3, letters from 4
  private static final long BOS = 0;
  private static final long EOS = 2;
  private static final int ROBERTA_FIRST = 4;

  @TempDir Path temp;
  private NDManager manager;
  private Path bertJson;
  private Path robertaJson;

  @BeforeEach
  void setUp() throws IOException {
    manager = NDManager.newBaseManager();
    bertJson = Files.write(temp.resolve("bert.json"), WordPieceVocabulary.tokenizerJson(LETTERS));
    robertaJson = Files.writeString(temp.resolve("roberta.json"), robertaTokenizerJson());
  }

  @AfterEach
  void tearDown() {
    manager.close();
  }

  @Test
  void longestFirstFollowsTheTokenizersRule() {
    // shorter kept whole when it fits in half the budget
    assertThat(Truncation.LONGEST_FIRST.keep(10, 2, 7)).containsExactly(5, 2);
    assertThat(Truncation.LONGEST_FIRST.keep(2, 10, 7)).containsExactly(2, 5);
    // otherwise halves, the longer (the second on a tie) getting the odd token
    assertThat(Truncation.LONGEST_FIRST.keep(10, 10, 7)).containsExactly(3, 4);
    assertThat(Truncation.LONGEST_FIRST.keep(4, 6, 7)).containsExactly(3, 4);
    assertThat(Truncation.LONGEST_FIRST.keep(6, 4, 7)).containsExactly(4, 3);
    assertThat(Truncation.LONGEST_FIRST.keep(6, 6, 8)).containsExactly(4, 4);
    // the tokenizers library's own table for budget 7 and lengths 0, 2, 4, 8
    int[] lengths = {0, 2, 4, 8};
    int[][][] expected = {
      {{0, 0}, {0, 2}, {0, 4}, {0, 7}},
      {{2, 0}, {2, 2}, {2, 4}, {2, 5}},
      {{4, 0}, {4, 2}, {3, 4}, {3, 4}},
      {{7, 0}, {5, 2}, {4, 3}, {3, 4}}
    };
    for (int i = 0; i < lengths.length; i++) {
      for (int j = 0; j < lengths.length; j++) {
        assertThat(Truncation.LONGEST_FIRST.keep(lengths[i], lengths[j], 7))
            .as("%d + %d tokens", lengths[i], lengths[j])
            .containsExactly(expected[i][j]);
      }
    }
    // budget 0: nothing, whatever the strategy
    for (Truncation strategy : Truncation.values()) {
      assertThat(strategy.keep(4, 4, 0)).containsExactly(0, 0);
    }
    // fits: untouched; single text: cut to the budget
    assertThat(Truncation.LONGEST_FIRST.keep(3, 4, 7)).containsExactly(3, 4);
    assertThat(Truncation.LONGEST_FIRST.keep(9, -1, 7)).containsExactly(7, 0);
    assertThat(Truncation.ONLY_SECOND.keep(5, -1, 7)).containsExactly(5, 0);
  }

  @Test
  void onlyFirstAndOnlySecondCutOneTextOrFail() {
    assertThat(Truncation.ONLY_FIRST.keep(6, 6, 8)).containsExactly(2, 6);
    assertThat(Truncation.ONLY_SECOND.keep(6, 6, 8)).containsExactly(6, 2);
    assertThat(Truncation.ONLY_FIRST.keep(9, -1, 7)).containsExactly(7, 0);
    // cutting every token of the text is an error, as in HF
    assertThatThrownBy(() -> Truncation.ONLY_FIRST.keep(4, 8, 8))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("only_first truncation must cut 4 tokens from the first text")
        .hasMessageContaining("raise maxLength or use longest_first");
    assertThatThrownBy(() -> Truncation.ONLY_SECOND.keep(10, 2, 7))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must cut 5 tokens from the second text, which has only 2");
    assertThatThrownBy(() -> Truncation.ONLY_SECOND.keep(9, -1, 7))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("only_second truncation needs a second text");
    assertThat(Truncation.fromHfName("only_second")).isEqualTo(Truncation.ONLY_SECOND);
    assertThatThrownBy(() -> Truncation.fromHfName("longest"))
        .hasMessageContaining("expected longest_first, only_first or only_second");
  }

  @Test
  void bertPairsGetClsSepSepAndSegmentIds() throws IOException {
    try (HuggingFaceTokenizer tokenizer = untruncated(bertJson)) {
      long[][] row = firstRow(tokenizer, pairs("a b c", "d e"), 32, Truncation.LONGEST_FIRST);
      assertThat(row[0]).containsExactly(CLS, bert("a"), bert("b"), bert("c"), SEP, bert("d"),
          bert("e"), SEP);
      assertThat(row[1]).containsExactly(0, 0, 0, 0, 0, 1, 1, 1);
    }
  }

  @Test
  void robertaPairsGetTheDoubleSeparatorAndTypeIdsZero() throws IOException {
    try (HuggingFaceTokenizer tokenizer = untruncated(robertaJson)) {
      long[][] row = firstRow(tokenizer, pairs("a b c", "d e"), 32, Truncation.LONGEST_FIRST);
      assertThat(row[0])
          .containsExactly(BOS, roberta("a"), roberta("b"), roberta("c"), EOS, EOS, roberta("d"),
              roberta("e"), EOS);
      assertThat(row[1]).containsOnly(0L).hasSize(9);
    }
  }

  @Test
  void strategiesKeepHandWorkedCountsForBothTemplates() throws IOException {
    // 6 + 6 tokens; BERT maxLength 11 and RoBERTa maxLength 12 both leave a budget of 8
    TextDataset sixSix = pairs("a b c d e f", "g h i j k l");
    try (HuggingFaceTokenizer bert = untruncated(bertJson);
        HuggingFaceTokenizer roberta = untruncated(robertaJson)) {
      assertThat(firstRow(bert, sixSix, 11, Truncation.LONGEST_FIRST)[0])
          .containsExactly(CLS, bert("a"), bert("b"), bert("c"), bert("d"), SEP, bert("g"),
              bert("h"), bert("i"), bert("j"), SEP);
      assertThat(firstRow(bert, sixSix, 11, Truncation.ONLY_FIRST)[0])
          .containsExactly(CLS, bert("a"), bert("b"), SEP, bert("g"), bert("h"), bert("i"),
              bert("j"), bert("k"), bert("l"), SEP);
      long[][] onlySecond = firstRow(bert, sixSix, 11, Truncation.ONLY_SECOND);
      assertThat(onlySecond[0])
          .containsExactly(CLS, bert("a"), bert("b"), bert("c"), bert("d"), bert("e"), bert("f"),
              SEP, bert("g"), bert("h"), SEP);
      assertThat(onlySecond[1]).containsExactly(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1);
      assertThat(firstRow(roberta, sixSix, 12, Truncation.ONLY_SECOND)[0])
          .containsExactly(BOS, roberta("a"), roberta("b"), roberta("c"), roberta("d"),
              roberta("e"), roberta("f"), EOS, EOS, roberta("g"), roberta("h"), EOS);
      assertThat(firstRow(roberta, sixSix, 12, Truncation.LONGEST_FIRST)[0])
          .containsExactly(BOS, roberta("a"), roberta("b"), roberta("c"), roberta("d"), EOS, EOS,
              roberta("g"), roberta("h"), roberta("i"), roberta("j"), EOS);
      // 10 + 10 tokens, budget 7: 3 + 4 (HF fast tokenizers), not 4 + 3 (token by token)
      TextDataset tenTen = pairs("a b c d e f g h i j", "a b c d e f g h i j");
      long[] ids = firstRow(bert, tenTen, 10, Truncation.LONGEST_FIRST)[0];
      assertThat(ids).containsExactly(CLS, bert("a"), bert("b"), bert("c"), SEP, bert("a"),
          bert("b"), bert("c"), bert("d"), SEP);
    }
  }

  @Test
  void strategiesSeeFullTextsEvenWhenTheTokenizerTruncatesFirst() {
    // Tokenizers.open truncates longest-first at 11 itself: only_second must still keep all of
    // the first text, which needs the texts' full token counts
    TextDataset sixSix = pairs("a b c d e f", "g h i j k l");
    try (HuggingFaceTokenizer bert11 = Tokenizers.open(bertJson, 11);
        HuggingFaceTokenizer bert9 = Tokenizers.open(bertJson, 9)) {
      assertThat(firstRow(bert11, sixSix, 11, Truncation.ONLY_SECOND)[0])
          .containsExactly(CLS, bert("a"), bert("b"), bert("c"), bert("d"), bert("e"), bert("f"),
              SEP, bert("g"), bert("h"), SEP);
      assertThat(firstRow(bert11, sixSix, 11, Truncation.ONLY_FIRST)[0])
          .containsExactly(CLS, bert("a"), bert("b"), SEP, bert("g"), bert("h"), bert("i"),
              bert("j"), bert("k"), bert("l"), SEP);
      // a tokenizer limit below maxLength still applies: 9 - 3 specials leaves 6 text tokens
      assertThat(firstRow(bert9, sixSix, 32, Truncation.LONGEST_FIRST)[0])
          .containsExactly(CLS, bert("a"), bert("b"), bert("c"), SEP, bert("g"), bert("h"),
              bert("i"), SEP);
      assertThat(firstRow(bert9, pairs("a b c d e f", "g h"), 32, Truncation.ONLY_FIRST)[0])
          .containsExactly(CLS, bert("a"), bert("b"), bert("c"), bert("d"), SEP, bert("g"),
              bert("h"), SEP);
    }
  }

  @Test
  void anExampleTheStrategyCannotFitIsAClearError() throws IOException {
    TextDataset single =
        TextDataset.of("one", List.of(TextExample.of("a b c d e f g h i j", 0)), List.of("x", "y"));
    try (HuggingFaceTokenizer bert = untruncated(bertJson)) {
      // fits: only_second does not care that there is no second text
      assertThat(firstRow(bert, single, 12, Truncation.ONLY_SECOND)[0]).hasSize(12);
      Batches batches =
          Batches.builder(bert).maxLength(8).prefetch(0).truncation(Truncation.ONLY_SECOND).build();
      try (BatchIterator it = batches.iterator(single, manager)) {
        assertThatThrownBy(it::next)
            .isInstanceOf(DataException.class)
            .hasMessageContaining("one example 0")
            .hasMessageContaining("only_second truncation needs a second text");
      }
    }
  }

  @Test
  void multiLabelBatchesCarryMultiHotFloatLabels() throws IOException {
    List<TextExample> examples =
        List.of(
            TextExample.multiLabel("a b", 0, 2),
            TextExample.multiLabel("c", 3),
            TextExample.multiLabel("d e f"));
    TextDataset data =
        TextDataset.multiLabel("emo", examples, List.of("w", "x", "y", "z"), 0);
    try (HuggingFaceTokenizer bert = untruncated(bertJson);
        BatchIterator it =
            Batches.builder(bert).batchSize(3).prefetch(0).build().iterator(data, manager);
        TextBatch batch = it.next()) {
      assertThat(batch.labels().getShape()).isEqualTo(new Shape(3, 4));
      assertThat(batch.labels().getDataType()).isEqualTo(DataType.FLOAT32);
      assertThat(batch.labels().toFloatArray())
          .containsExactly(1, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0);
    }
  }

  private long[][] firstRow(
      HuggingFaceTokenizer tokenizer, TextDataset data, int maxLength, Truncation truncation) {
    Batches batches =
        Batches.builder(tokenizer)
            .batchSize(1)
            .maxLength(maxLength)
            .truncation(truncation)
            .prefetch(0)
            .build();
    try (BatchIterator it = batches.iterator(data, manager);
        TextBatch batch = it.next()) {
      return new long[][] {batch.inputIds().toLongArray(), batch.tokenTypeIds().toLongArray()};
    }
  }

  private static TextDataset pairs(String first, String second) {
    return TextDataset.of("pairs", List.of(TextExample.pair(first, second, 0)), List.of("x", "y"));
  }

  private static HuggingFaceTokenizer untruncated(Path json) throws IOException {
    return HuggingFaceTokenizer.newInstance(json, Map.of("truncation", "false", "padding", "false"));
  }

  private static long bert(String letter) {
    return BERT_FIRST + LETTERS.indexOf(letter);
  }

  private static long roberta(String letter) {
    return ROBERTA_FIRST + LETTERS.indexOf(letter);
  }

  /** A RoBERTa-style tokenizer: word-level letters, RobertaProcessing post-processor. */
  private static String robertaTokenizerJson() {
    List<String> specials = List.of("<s>", "<pad>", "</s>", "<unk>");
    JsonObject root = new JsonObject();
    root.addProperty("version", "1.0");
    root.add("truncation", null);
    root.add("padding", null);
    JsonArray added = new JsonArray();
    JsonObject vocab = new JsonObject();
    List<String> all = new ArrayList<>(specials);
    all.addAll(LETTERS);
    for (int i = 0; i < all.size(); i++) {
      vocab.addProperty(all.get(i), i);
      if (i < specials.size()) {
        JsonObject token = new JsonObject();
        token.addProperty("id", i);
        token.addProperty("content", all.get(i));
        token.addProperty("single_word", false);
        token.addProperty("lstrip", false);
        token.addProperty("rstrip", false);
        token.addProperty("normalized", false);
        token.addProperty("special", true);
        added.add(token);
      }
    }
    root.add("added_tokens", added);
    root.add("normalizer", null);
    JsonObject pre = new JsonObject();
    pre.addProperty("type", "WhitespaceSplit");
    root.add("pre_tokenizer", pre);
    JsonObject post = new JsonObject();
    post.addProperty("type", "RobertaProcessing");
    JsonArray sep = new JsonArray();
    sep.add("</s>");
    sep.add(EOS);
    JsonArray cls = new JsonArray();
    cls.add("<s>");
    cls.add(BOS);
    post.add("sep", sep);
    post.add("cls", cls);
    post.addProperty("trim_offsets", true);
    post.addProperty("add_prefix_space", false);
    root.add("post_processor", post);
    root.add("decoder", null);
    JsonObject model = new JsonObject();
    model.addProperty("type", "WordLevel");
    model.add("vocab", vocab);
    model.addProperty("unk_token", "<unk>");
    root.add("model", model);
    return root.toString();
  }
}
