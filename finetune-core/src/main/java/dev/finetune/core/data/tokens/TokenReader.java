package dev.finetune.core.data.tokens;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.finetune.core.data.DataException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Immutable reader of word-level tagged data: the CoNLL column format and word/tag JSONL.
 *
 * <p><b>CoNLL</b> ({@link #conll()}): one word per line, space- or tab-separated columns, the word
 * first and the tag in {@link Builder#tagColumn} (default: the last column); a blank line ends a
 * sentence; a line whose first column is {@code -DOCSTART-} starts a new document (a file without
 * one is document 0). Every token line must have the same number of columns ({@link
 * Builder#columns}, default: as the first token line).
 *
 * <p><b>JSONL</b> ({@link #jsonl()}): one JSON object per line with a word array ({@code
 * "tokens"}) and a tag array ({@code "tags"}), as Hugging Face datasets export it; tags are strings,
 * or integers indexing {@link Builder#tagNames} (the data set's {@code ClassLabel} names, e.g.
 * {@code ner_tags} of {@code conll2003}). An optional document field groups sentences.
 *
 * <p>Tags in IOB1 or IOB2 ({@link Builder#scheme}) are converted to IOB2 ({@link TagScheme}). The
 * tag set is {@link Builder#tagSet} when given (a tag of another type is an error), else the types
 * found in the file ({@link TagSet} order: {@code O} first, then {@code B-/I-} per sorted type). A
 * bad row (wrong column count, malformed or unknown tag, in {@link Builder#strict strict} mode a
 * tag sequence the scheme forbids, malformed JSON, word and tag arrays of different lengths) fails
 * with a {@link DataException} naming file and line; with {@link Builder#skipBadRows(boolean)
 * skipBadRows(true)} its sentence is skipped, counted in {@link TokenDataset#skipped()} and logged.
 *
 * <pre>{@code
 * TokenDataset dev = TokenReader.conll().scheme(TagScheme.IOB1).read(Path.of("dev.txt"));
 * TokenDataset hf = TokenReader.jsonl().tagsField("ner_tags")
 *     .tagNames(List.of("O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC"))
 *     .read(Path.of("train.jsonl"));
 * }</pre>
 */
public final class TokenReader {

  /** The first column of a line that starts a new document in CoNLL files. */
  public static final String DOCSTART = "-DOCSTART-";

  private static final Logger LOG = LoggerFactory.getLogger(TokenReader.class);
  private static final int LOGGED_BAD_ROWS = 5;

  /** The file layouts. */
  private enum Format {
    CONLL,
    JSONL
  }

  private final Format format;
  private final TagScheme scheme;
  private final boolean strict;
  private final TagSet tagSet;
  private final boolean skipBadRows;
  private final int columns;
  private final int tagColumn;
  private final String tokensField;
  private final String tagsField;
  private final String documentField;
  private final List<String> tagNames;

  private TokenReader(Builder b) {
    this.format = b.format;
    this.scheme = b.scheme;
    this.strict = b.strict;
    this.tagSet = b.tagSet;
    this.skipBadRows = b.skipBadRows;
    this.columns = b.columns;
    this.tagColumn = b.tagColumn;
    this.tokensField = b.tokensField;
    this.tagsField = b.tagsField;
    this.documentField = b.documentField;
    this.tagNames = b.tagNames;
  }

  /**
   * A CoNLL column-format reader; defaults: IOB2, not strict, tag set from the data, fail on bad
   * rows, column count from the first token line, tag in the last column.
   *
   * @return a builder
   */
  public static Builder conll() {
    return new Builder(Format.CONLL);
  }

  /**
   * A word/tag JSONL reader; defaults: fields {@code tokens} and {@code tags}, no document field,
   * string tags, IOB2, not strict, tag set from the data, fail on bad rows.
   *
   * @return a builder
   */
  public static Builder jsonl() {
    return new Builder(Format.JSONL);
  }

  /**
   * Reads a file; the data set is named after the file.
   *
   * @param file the file (UTF-8)
   * @return the sentences
   */
  public TokenDataset read(Path file) {
    return read(file, file.getFileName().toString());
  }

  /**
   * Reads a file.
   *
   * @param file the file (UTF-8)
   * @param name the data set name
   * @return the sentences
   * @throws DataException when the file is missing or a row is bad (and bad rows are not skipped)
   */
  public TokenDataset read(Path file, String name) {
    Sentences sentences = new Sentences(file);
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      if (format == Format.CONLL) {
        readConll(reader, sentences);
      } else {
        readJsonl(reader, sentences);
      }
    } catch (NoSuchFileException e) {
      throw new DataException("file not found", file, e);
    } catch (IOException e) {
      throw new DataException("cannot read (line " + (sentences.line + 1) + "): " + e, file, e);
    }
    return sentences.build(name);
  }

  private void readConll(BufferedReader reader, Sentences sentences) throws IOException {
    String text;
    int expected = columns;
    int document = 0;
    boolean sawDocstart = false;
    while ((text = reader.readLine()) != null) {
      sentences.line++;
      if (sentences.line == 1 && !text.isEmpty() && text.charAt(0) == '\uFEFF') {
        text = text.substring(1);
      }
      if (text.isBlank()) {
        sentences.endSentence(document);
        continue;
      }
      String[] fields = text.trim().split("[ \t]+");
      if (fields[0].equals(DOCSTART)) {
        sentences.endSentence(document);
        if (sawDocstart || sentences.hasSentences()) {
          document++; // sentences before the first -DOCSTART- are document 0
        }
        sawDocstart = true;
        continue;
      }
      if (expected < 0) {
        expected = fields.length;
      }
      int column = tagColumn < 0 ? expected - 1 : tagColumn;
      if (fields.length != expected || column >= fields.length || fields.length < 2) {
        sentences.bad(
            fields.length
                + " columns, expected "
                + (columns < 0 ? expected + " (as the first token line)" : expected)
                + " with the word first and the tag in column "
                + (column + 1)
                + ": '"
                + abbreviate(text)
                + "'");
        continue;
      }
      sentences.word(fields[0], fields[column]);
    }
    sentences.endSentence(document);
  }

  private void readJsonl(BufferedReader reader, Sentences sentences) throws IOException {
    String text;
    while ((text = reader.readLine()) != null) {
      sentences.line++;
      if (sentences.line == 1 && !text.isEmpty() && text.charAt(0) == '\uFEFF') {
        text = text.substring(1);
      }
      if (text.isBlank()) {
        continue;
      }
      JsonObject object;
      try {
        JsonElement element = JsonParser.parseString(text);
        if (!element.isJsonObject()) {
          sentences.bad("expected a JSON object, got '" + abbreviate(text) + "'");
          sentences.endSentence(0);
          continue;
        }
        object = element.getAsJsonObject();
      } catch (JsonParseException e) {
        sentences.bad("malformed JSON: " + e.getMessage());
        sentences.endSentence(0);
        continue;
      }
      int document = 0;
      if (documentField != null && object.has(documentField)) {
        try {
          document = object.get(documentField).getAsInt();
        } catch (RuntimeException e) {
          sentences.bad("field '" + documentField + "' is not an integer document index");
        }
      }
      JsonArray words = array(object, tokensField, sentences);
      JsonArray tags = words == null ? null : array(object, tagsField, sentences);
      if (words != null && tags != null) {
        if (words.isEmpty()) {
          sentences.bad("empty '" + tokensField + "' array: a sentence needs at least one word");
        } else if (words.size() != tags.size()) {
          sentences.bad(
              words.size()
                  + " "
                  + tokensField
                  + " but "
                  + tags.size()
                  + " "
                  + tagsField
                  + ": give one tag per word");
        } else {
          for (int i = 0; i < words.size(); i++) {
            JsonElement word = words.get(i);
            if (!word.isJsonPrimitive()) {
              sentences.bad("word " + (i + 1) + " is " + word + ", not a string");
              break;
            }
            String tag = jsonTag(tags.get(i), sentences);
            if (tag == null) {
              break;
            }
            sentences.word(word.getAsString(), tag);
          }
        }
      }
      sentences.endSentence(document);
    }
  }

  private static JsonArray array(JsonObject object, String field, Sentences sentences) {
    JsonElement element = object.get(field);
    if (element == null || !element.isJsonArray()) {
      sentences.bad(
          "missing array field '"
              + field
              + "' (the line has "
              + object.keySet()
              + "; set the field name with tokensField/tagsField)");
      return null;
    }
    return element.getAsJsonArray();
  }

  private String jsonTag(JsonElement element, Sentences sentences) {
    if (!element.isJsonPrimitive()) {
      sentences.bad("tag " + element + " is neither a string nor an integer");
      return null;
    }
    if (element.getAsJsonPrimitive().isNumber()) {
      if (tagNames == null) {
        sentences.bad(
            "integer tag "
                + element
                + " but no tag names: pass the data set's label names with tagNames(...)");
        return null;
      }
      int id = element.getAsInt();
      if (id < 0 || id >= tagNames.size()) {
        sentences.bad("tag id " + id + " outside the " + tagNames.size() + " tag names " + tagNames);
        return null;
      }
      return tagNames.get(id);
    }
    return element.getAsString();
  }

  private static String abbreviate(String value) {
    return value.length() <= 60 ? value : value.substring(0, 57) + "...";
  }

  /** Collects the sentences of one file, checking each when it ends. */
  private final class Sentences {
    private final Path file;
    private final List<String[]> raw = new ArrayList<>(); // {words..., tags...} per sentence
    private final List<Integer> documents = new ArrayList<>();
    private final List<String> skipped = new ArrayList<>();
    private final List<String> words = new ArrayList<>();
    private final List<String> tags = new ArrayList<>();
    private final List<Long> lines = new ArrayList<>();
    private long line;
    private String problem;
    private long problemLine;

    Sentences(Path file) {
      this.file = file;
    }

    boolean hasSentences() {
      return !raw.isEmpty() || !skipped.isEmpty();
    }

    void word(String word, String tag) {
      words.add(word);
      tags.add(tag);
      lines.add(line);
    }

    void bad(String why) {
      bad(why, line);
    }

    void bad(String why, long at) {
      if (!skipBadRows) {
        throw new DataException(
            why + " (fix the row, or read with skipBadRows(true) to skip and count its sentence)",
            file,
            at,
            null);
      }
      if (problem == null) {
        problem = why;
        problemLine = at;
      }
    }

    void endSentence(int document) {
      if (problem == null && !words.isEmpty()) {
        check();
      }
      if (problem != null) {
        skipped.add(file + " line " + problemLine + ": " + problem);
        if (skipped.size() <= LOGGED_BAD_ROWS) {
          LOG.warn("{} line {}: skipping the sentence: {}", file, problemLine, problem);
        }
      } else if (!words.isEmpty()) {
        List<String> iob2 = TagScheme.toIob2(tags);
        String[] row = new String[words.size() * 2];
        for (int i = 0; i < words.size(); i++) {
          row[i] = words.get(i);
          row[words.size() + i] = iob2.get(i);
        }
        raw.add(row);
        documents.add(document);
      }
      words.clear();
      tags.clear();
      lines.clear();
      problem = null;
    }

    private void check() {
      for (int i = 0; i < tags.size(); i++) {
        String tag = tags.get(i);
        try {
          TagScheme.requireWellFormed(tag, i);
        } catch (IllegalArgumentException e) {
          bad("malformed tag '" + tag + "': expected O, B-TYPE or I-TYPE", lines.get(i));
          return;
        }
        if (tagSet != null && !tag.equals(TagSet.OUTSIDE) && !tagSet.contains(tag)) {
          bad("unknown tag '" + tag + "': the tag set is " + tagSet.names(), lines.get(i));
          return;
        }
      }
      if (strict) {
        int violation = scheme.firstViolation(tags);
        if (violation >= 0) {
          String previous = violation == 0 ? TagSet.OUTSIDE : tags.get(violation - 1);
          bad(scheme.explain(previous, tags.get(violation)), lines.get(violation));
        }
      }
    }

    TokenDataset build(String name) {
      TagSet set = tagSet;
      if (set == null) {
        LinkedHashSet<String> seen = new LinkedHashSet<>();
        for (String[] row : raw) {
          for (int i = row.length / 2; i < row.length; i++) {
            seen.add(row[i]);
          }
        }
        set = TagSet.covering(seen);
      }
      List<TokenExample> examples = new ArrayList<>(raw.size());
      for (int s = 0; s < raw.size(); s++) {
        String[] row = raw.get(s);
        int n = row.length / 2;
        List<String> sentenceWords = List.of(row).subList(0, n);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
          ids[i] = set.id(row[n + i]);
        }
        examples.add(TokenExample.of(sentenceWords, ids, documents.get(s)));
      }
      if (!skipped.isEmpty()) {
        LOG.warn("{}: skipped {} sentences with bad rows", file, skipped.size());
      }
      return TokenDataset.of(name, examples, set, skipped);
    }
  }

  /** Builds a {@link TokenReader}. */
  public static final class Builder {
    private final Format format;
    private TagScheme scheme = TagScheme.IOB2;
    private boolean strict;
    private TagSet tagSet;
    private boolean skipBadRows;
    private int columns = -1;
    private int tagColumn = -1;
    private String tokensField = "tokens";
    private String tagsField = "tags";
    private String documentField;
    private List<String> tagNames;

    private Builder(Format format) {
      this.format = format;
    }

    /**
     * The tagging scheme of the file (both are converted to IOB2).
     *
     * @param value IOB1 or IOB2
     * @return this
     */
    public Builder scheme(TagScheme value) {
      this.scheme = Objects.requireNonNull(value, "scheme");
      return this;
    }

    /**
     * Whether a tag sequence the scheme forbids is a bad row (default false: read as {@code
     * conlleval} would).
     *
     * @param value true for strict checking
     * @return this
     */
    public Builder strict(boolean value) {
      this.strict = value;
      return this;
    }

    /**
     * A fixed tag set (default: from the data); a tag of another type is a bad row.
     *
     * @param value the tag set
     * @return this
     */
    public Builder tagSet(TagSet value) {
      this.tagSet = value;
      return this;
    }

    /**
     * Whether bad rows skip their sentence (counted, logged) instead of failing (default false).
     *
     * @param value true to skip
     * @return this
     */
    public Builder skipBadRows(boolean value) {
      this.skipBadRows = value;
      return this;
    }

    /**
     * CoNLL: the number of columns of every token line (default: as the first token line).
     *
     * @param value the column count, at least 2
     * @return this
     */
    public Builder columns(int value) {
      if (value < 2) {
        throw new IllegalArgumentException("columns must be >= 2 (word and tag), got " + value);
      }
      this.columns = value;
      return this;
    }

    /**
     * CoNLL: the 0-based column of the tag (default: the last; CoNLL-2003 NER is column 3).
     *
     * @param value the column index, at least 1
     * @return this
     */
    public Builder tagColumn(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("tagColumn must be >= 1 (column 0 is the word), got " + value);
      }
      this.tagColumn = value;
      return this;
    }

    /**
     * JSONL: the field holding the word array (default {@code tokens}).
     *
     * @param value the field name
     * @return this
     */
    public Builder tokensField(String value) {
      this.tokensField = Objects.requireNonNull(value, "tokensField");
      return this;
    }

    /**
     * JSONL: the field holding the tag array (default {@code tags}; Hugging Face's CoNLL-2003 has
     * {@code ner_tags}).
     *
     * @param value the field name
     * @return this
     */
    public Builder tagsField(String value) {
      this.tagsField = Objects.requireNonNull(value, "tagsField");
      return this;
    }

    /**
     * JSONL: an integer field giving each sentence's document (default: none, all document 0).
     *
     * @param value the field name
     * @return this
     */
    public Builder documentField(String value) {
      this.documentField = value;
      return this;
    }

    /**
     * JSONL: the names of integer tags, index = tag value (the data set's {@code ClassLabel}
     * names).
     *
     * @param value the names
     * @return this
     */
    public Builder tagNames(List<String> value) {
      this.tagNames = List.copyOf(value);
      return this;
    }

    /**
     * The reader.
     *
     * @return an immutable reader
     */
    public TokenReader build() {
      if (columns > 0 && tagColumn >= columns) {
        throw new IllegalArgumentException(
            "tagColumn " + tagColumn + " is outside the " + columns + " columns");
      }
      return new TokenReader(this);
    }

    /**
     * Builds the reader and reads a file.
     *
     * @param file the file
     * @return the sentences
     */
    public TokenDataset read(Path file) {
      return build().read(file);
    }

    /**
     * Builds the reader and reads a file.
     *
     * @param file the file
     * @param name the data set name
     * @return the sentences
     */
    public TokenDataset read(Path file, String name) {
      return build().read(file, name);
    }
  }
}
