package dev.finetune.core.data.tokens;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import dev.finetune.core.metrics.Entities;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Entity spans in an original text from predicted tags: a pure function of the tags, their scores
 * and character offsets.
 *
 * <p>Entities are decoded with the {@code conlleval} rules of {@link Entities} (so IOB1 and IOB2
 * predictions both work). From <b>words</b>: each word has a tag, a score and its {@code [start,
 * end)} character range. From <b>sub-words</b>: the tokenizer's word ids group tokens into words;
 * a word takes the tag and score of its first sub-word (Hugging Face's {@code
 * aggregation_strategy="first"}) and spans from its first sub-word's start to its last one's end;
 * special tokens (word id -1 or no offsets) are skipped. An entity's score is the mean of its
 * words' scores; its range runs from its first word's start to its last word's end.
 *
 * <pre>{@code
 * String text = "Angela Merkel visited Paris";
 * List<EntitySpans.EntitySpan> spans = EntitySpans.fromWords(text,
 *     new int[] {0, 7, 14, 22}, new int[] {6, 13, 21, 27},
 *     List.of("B-PER", "I-PER", "O", "B-LOC"), new double[] {0.9, 0.8, 1.0, 0.95});
 * // [PER 0..13 "Angela Merkel" 0.85, LOC 22..27 "Paris" 0.95]
 * }</pre>
 */
public final class EntitySpans {

  private EntitySpans() {}

  /**
   * One entity found in a text.
   *
   * @param type the entity type, such as {@code PER}
   * @param score the mean score of its words
   * @param start the character offset of its first character
   * @param end the character offset after its last character
   * @param text {@code text.substring(start, end)}
   */
  public record EntitySpan(String type, double score, int start, int end, String text) {

    /** Checks the range. */
    public EntitySpan {
      Objects.requireNonNull(type, "type");
      if (start < 0 || end < start) {
        throw new IllegalArgumentException("bad span [" + start + ", " + end + ")");
      }
    }
  }

  /**
   * Spans from word-level tags.
   *
   * @param text the original text
   * @param starts each word's first character offset
   * @param ends each word's end offset (exclusive)
   * @param tags each word's tag
   * @param scores each word's score (e.g. the probability of its tag)
   * @return the entities in text order
   * @throws IllegalArgumentException when the arrays differ in length or an offset is outside the
   *     text
   */
  public static List<EntitySpan> fromWords(
      String text, int[] starts, int[] ends, List<String> tags, double[] scores) {
    int n = tags.size();
    if (starts.length != n || ends.length != n || scores.length != n) {
      throw new IllegalArgumentException(
          "one start, end and score per tag: "
              + n
              + " tags, "
              + starts.length
              + " starts, "
              + ends.length
              + " ends, "
              + scores.length
              + " scores");
    }
    for (int i = 0; i < n; i++) {
      if (starts[i] < 0 || ends[i] < starts[i] || ends[i] > text.length()) {
        throw new IllegalArgumentException(
            "word "
                + i
                + " has offsets ["
                + starts[i]
                + ", "
                + ends[i]
                + ") outside the text of length "
                + text.length());
      }
    }
    List<EntitySpan> spans = new ArrayList<>();
    for (Entities.Entity entity : Entities.of(tags)) {
      double sum = 0;
      for (int i = entity.start(); i < entity.end(); i++) {
        sum += scores[i];
      }
      int start = starts[entity.start()];
      int end = ends[entity.end() - 1];
      spans.add(
          new EntitySpan(
              entity.type(),
              sum / (entity.end() - entity.start()),
              start,
              end,
              text.substring(start, end)));
    }
    return spans;
  }

  /**
   * Spans from sub-word tags.
   *
   * @param text the original text
   * @param wordIds each token's word (-1 for special tokens)
   * @param starts each token's first character offset (-1 for special tokens)
   * @param ends each token's end offset (-1 for special tokens)
   * @param tags each token's tag
   * @param scores each token's score
   * @return the entities in text order
   */
  public static List<EntitySpan> fromSubwords(
      String text, long[] wordIds, int[] starts, int[] ends, List<String> tags, double[] scores) {
    int n = tags.size();
    if (wordIds.length != n || starts.length != n || ends.length != n || scores.length != n) {
      throw new IllegalArgumentException(
          "one word id, start, end and score per token tag: "
              + n
              + " tags, "
              + wordIds.length
              + " word ids, "
              + starts.length
              + " starts, "
              + ends.length
              + " ends, "
              + scores.length
              + " scores");
    }
    List<Integer> wordStarts = new ArrayList<>();
    List<Integer> wordEnds = new ArrayList<>();
    List<String> wordTags = new ArrayList<>();
    List<Double> wordScores = new ArrayList<>();
    long current = -1;
    for (int t = 0; t < n; t++) {
      if (wordIds[t] < 0 || starts[t] < 0) {
        continue;
      }
      if (wordIds[t] != current) {
        current = wordIds[t];
        wordStarts.add(starts[t]);
        wordEnds.add(ends[t]);
        wordTags.add(tags.get(t));
        wordScores.add(scores[t]);
      } else {
        int last = wordEnds.size() - 1;
        wordEnds.set(last, Math.max(wordEnds.get(last), ends[t]));
      }
    }
    return fromWords(
        text,
        wordStarts.stream().mapToInt(Integer::intValue).toArray(),
        wordEnds.stream().mapToInt(Integer::intValue).toArray(),
        wordTags,
        wordScores.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /**
   * Spans from sub-word tags of a tokenizer's encoding of {@code text} (its word ids and character
   * offsets).
   *
   * @param text the text that was encoded
   * @param encoding its encoding
   * @param tags each token's tag
   * @param scores each token's score
   * @return the entities in text order
   */
  public static List<EntitySpan> fromSubwords(
      String text, Encoding encoding, List<String> tags, double[] scores) {
    CharSpan[] offsets = encoding.getCharTokenSpans();
    int[] starts = new int[offsets.length];
    int[] ends = new int[offsets.length];
    for (int t = 0; t < offsets.length; t++) {
      starts[t] = offsets[t] == null ? -1 : offsets[t].getStart();
      ends[t] = offsets[t] == null ? -1 : offsets[t].getEnd();
    }
    return fromSubwords(text, encoding.getWordIds(), starts, ends, tags, scores);
  }
}
