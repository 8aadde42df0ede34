package dev.finetune.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a small BERT-style {@code tokenizer.json} (lower-casing normaliser, whitespace and
 * punctuation pre-tokeniser, WordPiece over a given word list, {@code [CLS] ... [SEP]} template)
 * for tests with tiny random encoders. Ids: {@code [PAD]}=0, {@code [UNK]}=1, {@code [CLS]}=2,
 * {@code [SEP]}=3, then the words in order.
 *
 * <pre>{@code
 * Path json = TinyTokenizerJson.write(tempDir, List.of("good", "bad", "movie"));
 * int vocabSize = TinyTokenizerJson.vocabSize(List.of("good", "bad", "movie")); // 7
 * }</pre>
 */
public final class TinyTokenizerJson {

  /** The special tokens, in id order. */
  public static final List<String> SPECIALS = List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]");

  private TinyTokenizerJson() {}

  /**
   * The vocabulary size for a word list (specials included).
   *
   * @param words the words
   * @return {@code words.size() + 4}
   */
  public static int vocabSize(List<String> words) {
    return words.size() + SPECIALS.size();
  }

  /**
   * Renders the tokenizer as JSON.
   *
   * @param words lower-case words without spaces, distinct, not special tokens
   * @return the {@code tokenizer.json} text
   */
  public static String json(List<String> words) {
    List<String> vocab = new ArrayList<>(SPECIALS);
    vocab.addAll(words);
    StringBuilder entries = new StringBuilder();
    for (int i = 0; i < vocab.size(); i++) {
      if (i > 0) {
        entries.append(',');
      }
      entries.append('"').append(vocab.get(i).replace("\"", "\\\"")).append("\":").append(i);
    }
    StringBuilder added = new StringBuilder();
    for (int i = 0; i < SPECIALS.size(); i++) {
      if (i > 0) {
        added.append(',');
      }
      added.append("{\"id\":").append(i).append(",\"content\":\"").append(SPECIALS.get(i))
          .append("\",\"single_word\":false,\"lstrip\":false,\"rstrip\":false,"
              + "\"normalized\":false,\"special\":true}");
    }
    return "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,"
        + "\"added_tokens\":[" + added + "],"
        + "\"normalizer\":{\"type\":\"BertNormalizer\",\"clean_text\":true,"
        + "\"handle_chinese_chars\":true,\"strip_accents\":null,\"lowercase\":true},"
        + "\"pre_tokenizer\":{\"type\":\"BertPreTokenizer\"},"
        + "\"post_processor\":{\"type\":\"TemplateProcessing\","
        + "\"single\":[{\"SpecialToken\":{\"id\":\"[CLS]\",\"type_id\":0}},"
        + "{\"Sequence\":{\"id\":\"A\",\"type_id\":0}},{\"SpecialToken\":{\"id\":\"[SEP]\",\"type_id\":0}}],"
        + "\"pair\":[{\"SpecialToken\":{\"id\":\"[CLS]\",\"type_id\":0}},"
        + "{\"Sequence\":{\"id\":\"A\",\"type_id\":0}},{\"SpecialToken\":{\"id\":\"[SEP]\",\"type_id\":0}},"
        + "{\"Sequence\":{\"id\":\"B\",\"type_id\":1}},{\"SpecialToken\":{\"id\":\"[SEP]\",\"type_id\":1}}],"
        + "\"special_tokens\":{\"[CLS]\":{\"id\":\"[CLS]\",\"ids\":[2],\"tokens\":[\"[CLS]\"]},"
        + "\"[SEP]\":{\"id\":\"[SEP]\",\"ids\":[3],\"tokens\":[\"[SEP]\"]}}},"
        + "\"decoder\":{\"type\":\"WordPiece\",\"prefix\":\"##\",\"cleanup\":true},"
        + "\"model\":{\"type\":\"WordPiece\",\"unk_token\":\"[UNK]\","
        + "\"continuing_subword_prefix\":\"##\",\"max_input_chars_per_word\":100,"
        + "\"vocab\":{" + entries + "}}}";
  }

  /**
   * Writes {@code tokenizer.json} into a directory.
   *
   * @param dir the directory (created if needed)
   * @param words the words
   * @return the written file
   */
  public static Path write(Path dir, List<String> words) {
    try {
      Files.createDirectories(dir);
      Path file = dir.resolve("tokenizer.json");
      Files.writeString(file, json(words), StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
