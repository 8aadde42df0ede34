package dev.finetune.core.data.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.finetune.core.data.Tokenizers;
import dev.finetune.core.data.tokens.EntitySpans.EntitySpan;
import dev.finetune.testing.SharedResources;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Entity spans with character offsets from word or sub-word tags. */
class EntitySpansTest {

  @Test
  void wordTagsToSpansWithMeanScores() {
    String text = "Angela Merkel visited Paris";
    List<EntitySpan> spans =
        EntitySpans.fromWords(
            text,
            new int[] {0, 7, 14, 22},
            new int[] {6, 13, 21, 27},
            List.of("B-PER", "I-PER", "O", "B-LOC"),
            new double[] {0.9, 0.8, 1.0, 0.95});
    assertThat(spans).hasSize(2);
    assertThat(spans.get(0).type()).isEqualTo("PER");
    assertThat(spans.get(0).score()).isCloseTo(0.85, within(1e-12));
    assertThat(spans.get(0)).extracting(EntitySpan::start, EntitySpan::end, EntitySpan::text)
        .containsExactly(0, 13, "Angela Merkel");
    assertThat(spans.get(1)).isEqualTo(new EntitySpan("LOC", 0.95, 22, 27, "Paris"));
  }

  @Test
  void iob1TagsAndAdjacentEntities() {
    String text = "Paris Lyon";
    List<EntitySpan> spans =
        EntitySpans.fromWords(
            text, new int[] {0, 6}, new int[] {5, 10}, List.of("I-LOC", "B-LOC"), new double[] {1, 0.5});
    assertThat(spans)
        .containsExactly(new EntitySpan("LOC", 1, 0, 5, "Paris"), new EntitySpan("LOC", 0.5, 6, 10, "Lyon"));
  }

  @Test
  void subwordTagsTakeTheFirstPieceAndSpanTheWholeWord() {
    // "[CLS] zz ##yzx visited new york [SEP]" over "Zzyzx visited New York"
    String text = "Zzyzx visited New York";
    long[] words = {-1, 0, 0, 1, 2, 3, -1};
    int[] starts = {-1, 0, 2, 6, 14, 18, -1};
    int[] ends = {-1, 2, 5, 13, 17, 22, -1};
    List<String> tags = List.of("O", "B-LOC", "O", "O", "B-LOC", "I-LOC", "O");
    double[] scores = {1, 0.6, 0.1, 1, 0.7, 0.9, 1};
    List<EntitySpan> spans = EntitySpans.fromSubwords(text, words, starts, ends, tags, scores);
    assertThat(spans).hasSize(2);
    assertThat(spans.get(0)).isEqualTo(new EntitySpan("LOC", 0.6, 0, 5, "Zzyzx"));
    assertThat(spans.get(1).text()).isEqualTo("New York");
    assertThat(spans.get(1).score()).isCloseTo(0.8, within(1e-12));
  }

  @Test
  void rawStringThroughTheTokenizersOffsets() {
    String text = "Yesterday Zzyzxville's mayor met Angela Merkel.";
    try (HuggingFaceTokenizer tokenizer =
        Tokenizers.open(SharedResources.require("models/all-minilm-l6-v2"), 128)) {
      Encoding encoding = tokenizer.encode(text);
      String[] tokens = encoding.getTokens();
      List<String> tags = new ArrayList<>();
      for (var span : encoding.getCharTokenSpans()) {
        int start = span == null ? -1 : span.getStart();
        if (start == text.indexOf("Zzyzxville")) {
          tags.add("B-LOC");
        } else if (start == text.indexOf("Angela")) {
          tags.add("B-PER");
        } else if (start == text.indexOf("Merkel")) {
          tags.add("I-PER");
        } else { // Zzyzxville's later pieces get a wrong tag: the first piece decides
          tags.add(start > text.indexOf("Zzyzxville") && start < text.indexOf("'") ? "I-PER" : "O");
        }
      }
      double[] scores = new double[tokens.length];
      Arrays.fill(scores, 0.5);
      List<EntitySpan> spans = EntitySpans.fromSubwords(text, encoding, tags, scores);
      assertThat(spans).extracting(EntitySpan::text).containsExactly("Zzyzxville", "Angela Merkel");
      assertThat(spans).extracting(EntitySpan::type).containsExactly("LOC", "PER");
      assertThat(spans.get(1).start()).isEqualTo(text.indexOf("Angela"));
    }
  }

  @Test
  void mismatchedArraysAreClearErrors() {
    assertThatThrownBy(
            () -> EntitySpans.fromWords("a b", new int[] {0}, new int[] {1, 3}, List.of("O", "O"),
                new double[2]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 tags, 1 starts, 2 ends");
    assertThatThrownBy(
            () -> EntitySpans.fromWords("ab", new int[] {0}, new int[] {5}, List.of("B-X"), new double[1]))
        .hasMessageContaining("outside the text of length 2");
  }
}
