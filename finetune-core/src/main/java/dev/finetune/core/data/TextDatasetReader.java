package dev.finetune.core.data;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a {@link TextDataset} from a CSV (RFC 4180), TSV (tab-separated, no quoting) or JSONL file,
 * mapping columns to text, optional text pair and label.
 *
 * <p>Columns are chosen by header name or by 0-based index (JSONL: by key). Labels are class ids
 * ({@code 0..n-1}) or, when {@link Builder#labelNames label names} are given, either those names or
 * their ids; with {@link Builder#regression()} they are real numbers (optionally within a declared
 * range); with {@link Builder#multiLabel(String)} each label field is a list of ids or names (e.g.
 * {@code 4,27}; in JSONL also a JSON list such as {@code [4, 27]} or {@code ["joy", "love"]}). A
 * bad row (missing column, ragged row, empty text, non-numeric or out-of-range
 * label or target, empty label list, malformed JSON) is an error naming the file and line, unless
 * {@link Builder#skipBadRows(boolean)} is on: then it is logged, skipped and counted in {@link
 * TextDataset#skippedRows()}. Completely empty lines in TSV and JSONL files are ignored. TSV files
 * may start with a UTF-8 byte order mark (MRPC's do); it is dropped. Two faults make the rest of
 * the file untrustworthy and fail even when skipping: a CSV quote left open that a later quote
 * closes (a line inside the quoted field reads as a row of its own; the error names the line
 * where the quote opened), and bytes that are not UTF-8 (an encoding problem, named by line and
 * byte offset).
 *
 * <pre>{@code
 * TextDataset reviews = TextDatasetReader.csv()
 *     .text("review").label("sentiment").labelNames("negative", "positive")
 *     .name("reviews").read(Path.of("reviews.csv"));
 * TextDataset nli = TextDatasetReader.jsonl()
 *     .text("premise").textPair("hypothesis").label("label")
 *     .labelNames("entailment", "neutral", "contradiction").read(Path.of("nli.jsonl"));
 * TextDataset sts = TextDatasetReader.tsv()
 *     .text("sentence1").textPair("sentence2").label("score").regression(0, 5)
 *     .read(Path.of("stsb/dev.tsv"));
 * TextDataset tags = TextDatasetReader.tsv().header(false)
 *     .text(0).label(1).multiLabel(",").labelNames("sports", "politics", "science")
 *     .read(Path.of("tags.tsv")); // rows like "text<TAB>0,2"
 * }</pre>
 */
public final class TextDatasetReader {

  private static final Logger LOG = LoggerFactory.getLogger(TextDatasetReader.class);
  private static final int LOGGED_BAD_ROWS = 5;
  private static final Pattern LINE_BREAK = Pattern.compile("\r\n|\r|\n");

  /** The file formats understood. */
  public enum Format {
    /** RFC 4180 comma-separated values, quoted fields, CRLF or LF, parsed by Apache Commons CSV. */
    CSV,
    /** Tab-separated values without quoting (the GLUE format); empty fields are kept. */
    TSV,
    /** One JSON object per line. */
    JSONL
  }

  private final Format format;
  private final Column text;
  private final Column textPair;
  private final Column label;
  private final List<String> labelNames;
  private final boolean regression;
  private final double minTarget;
  private final double maxTarget;
  private final String multiLabelSeparator;
  private final boolean allowEmptyLabels;
  private final boolean header;
  private final boolean skipBadRows;
  private final boolean trim;
  private final String name;

  private TextDatasetReader(Builder b) {
    this.format = b.format;
    this.text = Objects.requireNonNull(b.text, "the text column: call text(name or index)");
    this.textPair = b.textPair;
    this.label = Objects.requireNonNull(b.label, "the label column: call label(name or index)");
    this.labelNames = b.labelNames;
    this.regression = b.regression;
    this.minTarget = b.minTarget;
    this.maxTarget = b.maxTarget;
    this.multiLabelSeparator = b.multiLabelSeparator;
    this.allowEmptyLabels = b.allowEmptyLabels;
    this.header = b.header;
    this.skipBadRows = b.skipBadRows;
    this.trim = b.trim;
    this.name = b.name;
    if (regression && !labelNames.isEmpty()) {
      throw new IllegalArgumentException("regression() and labelNames(...) exclude each other");
    }
    if (regression && multiLabelSeparator != null) {
      throw new IllegalArgumentException("regression() and multiLabel(...) exclude each other");
    }
    for (Column column : columns()) {
      if (column.index() >= 0 && format == Format.JSONL) {
        throw new IllegalArgumentException(
            "JSONL rows are objects: select " + column + " by key name, not by index");
      }
      if (column.name() != null && !header && format != Format.JSONL) {
        throw new IllegalArgumentException(
            "column '" + column.name() + "' is selected by name but header(false) was set:"
                + " select it by 0-based index instead");
      }
    }
  }

  /**
   * A reader for RFC 4180 CSV files (header row expected by default).
   *
   * @return a builder
   */
  public static Builder csv() {
    return new Builder(Format.CSV);
  }

  /**
   * A reader for tab-separated files without quoting (header row expected by default).
   *
   * @return a builder
   */
  public static Builder tsv() {
    return new Builder(Format.TSV);
  }

  /**
   * A reader for JSON Lines files (one object per line).
   *
   * @return a builder
   */
  public static Builder jsonl() {
    return new Builder(Format.JSONL);
  }

  /**
   * A reader for the given format.
   *
   * @param format the format
   * @return a builder
   */
  public static Builder of(Format format) {
    return new Builder(format);
  }

  /**
   * Reads the whole file.
   *
   * @param file the file
   * @return the data set, named as configured or after the file
   * @throws DataException when the file is missing or unreadable, or has a bad row (unless
   *     skipping)
   */
  public TextDataset read(Path file) {
    Rows rows = new Rows(file);
    try {
      switch (format) {
        case CSV -> readCsv(file, rows);
        case TSV -> readTsv(file, rows);
        case JSONL -> readJsonl(file, rows);
        default -> throw new IllegalStateException(format.name());
      }
    } catch (NoSuchFileException e) {
      throw new DataException("file not found", file, e);
    } catch (CharacterCodingException e) {
      throw encodingError(file, e);
    } catch (IOException | UncheckedIOException e) {
      throw new DataException(
          "cannot read "
              + format
              + " (line "
              + (rows.line + 1)
              + "): "
              + (e.getCause() != null ? e.getCause() : e),
          file,
          e);
    }
    if (rows.skipped > 0) {
      LOG.warn("{}: skipped {} bad rows (skipBadRows is on)", file, rows.skipped);
    }
    String datasetName = name != null ? name : file.getFileName().toString();
    if (regression) {
      return TextDataset.regression(datasetName, rows.examples, rows.skipped);
    }
    List<String> names = labelNames;
    if (names.isEmpty()) {
      String[] inferred = new String[rows.maxLabel + 1];
      for (int i = 0; i < inferred.length; i++) {
        inferred[i] = Integer.toString(i);
      }
      names = Arrays.asList(inferred);
      if (names.isEmpty()) {
        throw new DataException("no rows to infer the labels from: give labelNames(...)", file, null);
      }
    }
    if (multiLabelSeparator != null) {
      return TextDataset.multiLabel(datasetName, rows.examples, names, rows.skipped);
    }
    return TextDataset.of(datasetName, rows.examples, names, rows.skipped);
  }

  private List<Column> columns() {
    List<Column> all = new ArrayList<>(List.of(text, label));
    if (textPair != null) {
      all.add(textPair);
    }
    return all;
  }

  private void readTsv(Path file, Rows rows) throws IOException {
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      List<String> headerFields = null;
      int expectedFields = -1;
      String lineText;
      while ((lineText = reader.readLine()) != null) {
        rows.line++;
        if (rows.line == 1 && !lineText.isEmpty() && lineText.charAt(0) == '\uFEFF') {
          lineText = lineText.substring(1);
        }
        if (lineText.isEmpty()) {
          continue;
        }
        List<String> fields = Arrays.asList(lineText.split("\t", -1));
        if (header && headerFields == null) {
          headerFields = fields;
          expectedFields = fields.size();
          resolveAll(file, headerFields);
          continue;
        }
        if (expectedFields < 0) {
          expectedFields = fields.size();
        }
        if (fields.size() != expectedFields) {
          rows.bad(
              "ragged row: "
                  + fields.size()
                  + " tab-separated fields, expected "
                  + expectedFields
                  + (header ? " (as in the header)" : " (as in the first row)"));
          continue;
        }
        rows.accept(fields::get, fields.size(), headerFields);
      }
      if (header && headerFields == null) {
        throw new DataException("empty file: expected a header row", file, null);
      }
    }
  }

  /**
   * Opens the CSV parser, which reads the header row at once: a header commons-csv refuses (a
   * missing or repeated column name) is a {@link DataException} on line 1 (found by fuzzing: it
   * used to escape as commons-csv's IllegalArgumentException without the file).
   */
  private static CSVParser open(Path file, Reader reader, CSVFormat format) throws IOException {
    try {
      return CSVParser.builder().setReader(reader).setFormat(format).get();
    } catch (IllegalArgumentException e) {
      throw new DataException("the header row is not usable: " + e.getMessage()
          + "; give every column a distinct name", file, 1, e);
    }
  }

  private void readCsv(Path file, Rows rows) throws IOException {
    CSVFormat csvFormat =
        CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get();
    if (!header) {
      csvFormat = CSVFormat.RFC4180;
    }
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        CSVParser parser = open(file, reader, csvFormat)) {
      List<String> headerFields = header ? parser.getHeaderNames() : null;
      if (header) {
        if (headerFields.isEmpty()) {
          throw new DataException("empty file: expected a header row", file, null);
        }
        resolveAll(file, headerFields);
      }
      int expectedFields = header ? headerFields.size() : -1;
      Iterator<CSVRecord> records = parser.iterator();
      while (true) {
        rows.line = parser.getCurrentLineNumber() + 1;
        CSVRecord record;
        try {
          if (!records.hasNext()) {
            break;
          }
          record = records.next();
        } catch (UncheckedIOException e) {
          if (e.getCause() instanceof CharacterCodingException coding) {
            throw encodingError(file, coding);
          }
          throw new DataException(
              "malformed CSV (e.g. an unterminated quote) near line "
                  + parser.getCurrentLineNumber()
                  + ": "
                  + e.getCause().getMessage(),
              file,
              rows.line,
              e);
        }
        if (expectedFields < 0) {
          expectedFields = record.size();
        }
        if (record.size() != expectedFields) {
          rows.bad(
              "ragged record: "
                  + record.size()
                  + " fields, expected "
                  + expectedFields
                  + (header ? " (as in the header)" : " (as in the first record)"));
          continue;
        }
        checkQuotedLineBreaks(file, record, rows.line, expectedFields, headerFields);
        rows.accept(record::get, record.size(), headerFields);
      }
    }
  }

  private void readJsonl(Path file, Rows rows) throws IOException {
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String lineText;
      while ((lineText = reader.readLine()) != null) {
        rows.line++;
        if (rows.line == 1 && !lineText.isEmpty() && lineText.charAt(0) == '\uFEFF') {
          lineText = lineText.substring(1);
        }
        if (lineText.isBlank()) {
          continue;
        }
        JsonObject object;
        try {
          JsonElement element = JsonParser.parseString(lineText);
          if (!element.isJsonObject()) {
            rows.bad("expected a JSON object, got " + abbreviate(lineText));
            continue;
          }
          object = element.getAsJsonObject();
        } catch (JsonParseException e) {
          rows.bad("malformed JSON: " + e.getMessage());
          continue;
        }
        rows.acceptJson(object);
      }
    }
  }

  /**
   * RFC 4180 lets a quoted field span lines, so a quote left open swallows the rows after it until
   * a later quote closes it. A line inside a quoted field that reads as a complete row of its own
   * (the expected number of fields, a text and a valid label) is taken as that mistake: the error
   * names the line where the quote opened.
   */
  private void checkQuotedLineBreaks(
      Path file, CSVRecord record, long startLine, int expectedFields, List<String> headerFields) {
    long line = startLine;
    for (int i = 0; i < record.size(); i++) {
      String[] lines = LINE_BREAK.split(record.get(i), -1);
      for (int j = 0; j < lines.length - 1; j++) {
        List<String> candidate = new ArrayList<>();
        if (j == 0) {
          for (int k = 0; k < i; k++) {
            candidate.add(record.get(k));
          }
        }
        candidate.addAll(Arrays.asList(lines[j].split(",", -1)));
        if (looksLikeRow(candidate, expectedFields, headerFields)) {
          throw new DataException(
              "the quoted field #"
                  + i
                  + " opened on this line runs to line "
                  + (line + lines.length - 1)
                  + " and swallows what reads as a row of its own (line "
                  + (line + j)
                  + ": "
                  + abbreviate(String.join(",", candidate))
                  + "): an unclosed quote? Close it, or write a quote inside a field as \"\"",
              file,
              line,
              null);
        }
      }
      line += lines.length - 1;
    }
  }

  private boolean looksLikeRow(List<String> fields, int expectedFields, List<String> headerFields) {
    if (fields.size() != expectedFields) {
      return false;
    }
    String textValue = fields.get(index(text, headerFields));
    String labelValue = fields.get(index(label, headerFields));
    return !textValue.isBlank() && isValidLabel(labelValue);
  }

  private static int index(Column column, List<String> headerFields) {
    return column.index() >= 0 ? column.index() : headerFields.indexOf(column.name());
  }

  private boolean isValidLabel(String raw) {
    if (regression) {
      try {
        double target = Double.parseDouble(raw.strip());
        return Double.isFinite(target) && target >= minTarget && target <= maxTarget;
      } catch (NumberFormatException e) {
        return false;
      }
    }
    if (multiLabelSeparator != null) {
      for (String part : raw.split(Pattern.quote(multiLabelSeparator), -1)) {
        if (classId(part) < 0) {
          return false;
        }
      }
      return true;
    }
    return classId(raw) >= 0;
  }

  /**
   * The most classes a class-id label column may name: a larger id is refused on its line rather
   * than sizing per-class arrays after it (a stray number, found by fuzzing, once ran out of
   * memory).
   */
  static final int MAX_CLASSES = 100_000;

  /** The class id a label field names (a label name or an id in range), or -1. */
  private int classId(String raw) {
    String value = raw.strip();
    int byName = labelNames.indexOf(value);
    if (byName >= 0) {
      return byName;
    }
    try {
      int id = Integer.parseInt(value);
      return id < 0 || id >= MAX_CLASSES || (!labelNames.isEmpty() && id >= labelNames.size())
          ? -1 : id;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * Finds the first byte that is not UTF-8 and the line it is on (the reader's own exception comes
   * a buffer later and names no line).
   */
  static DataException encodingError(Path file, CharacterCodingException cause) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer bytes = ByteBuffer.allocate(1 << 16);
    CharBuffer chars = CharBuffer.allocate(1 << 16);
    long line = 1;
    long offset = 0;
    try (InputStream in = Files.newInputStream(file)) {
      boolean end = false;
      while (true) {
        if (!end) {
          int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
          if (n < 0) {
            end = true;
          } else {
            bytes.position(bytes.position() + n);
          }
        }
        bytes.flip();
        int before = bytes.position();
        CoderResult result = decoder.decode(bytes, chars, end);
        for (int i = before; i < bytes.position(); i++) {
          if (bytes.get(i) == '\n') {
            line++;
          }
        }
        offset += bytes.position() - before;
        if (result.isError()) {
          StringBuilder hex = new StringBuilder();
          for (int i = 0; i < result.length(); i++) {
            hex.append(String.format(" 0x%02X", bytes.get(bytes.position() + i) & 0xff));
          }
          return new DataException(
              "encoding problem: "
                  + (result.length() > 1 ? "bytes" + hex + " at byte offset " + offset + " are" : "byte" + hex + " at byte offset " + offset + " is")
                  + " not valid UTF-8; the file must be UTF-8 (convert it, e.g. iconv -f"
                  + " latin1 -t utf-8 in > out)",
              file,
              line,
              cause);
        }
        chars.clear();
        bytes.compact();
        if (end && bytes.position() == 0) {
          break;
        }
      }
    } catch (IOException e) {
      cause.addSuppressed(e);
    }
    return new DataException(
        "encoding problem: the file is not valid UTF-8 (" + cause + ")", file, cause);
  }

  private void resolveAll(Path file, List<String> headerFields) {
    for (Column column : columns()) {
      if (column.name() != null && !headerFields.contains(column.name())) {
        throw new DataException(
            "missing column '" + column.name() + "': the header has " + headerFields, file, 1, null);
      }
    }
  }

  private static String abbreviate(String value) {
    return value.length() <= 60 ? value : value.substring(0, 57) + "...";
  }

  /** Accumulates examples and bad rows while reading one file. */
  private final class Rows {
    private final Path file;
    private final List<TextExample> examples = new ArrayList<>();
    private long line;
    private int skipped;
    private int maxLabel = -1;

    Rows(Path file) {
      this.file = file;
    }

    void bad(String problem) {
      if (!skipBadRows) {
        throw new DataException(
            problem + " (fix the row, or read with skipBadRows(true) to skip and count it)",
            file,
            line,
            null);
      }
      skipped++;
      if (skipped <= LOGGED_BAD_ROWS) {
        LOG.warn("{} line {}: skipping bad row: {}", file, line, problem);
      }
    }

    void accept(FieldSource fields, int size, List<String> headerFields) {
      String textValue = field(fields, size, headerFields, text);
      String pairValue = textPair == null ? null : field(fields, size, headerFields, textPair);
      String labelValue = field(fields, size, headerFields, label);
      if (textValue == null || (textPair != null && pairValue == null) || labelValue == null) {
        return;
      }
      add(textValue, pairValue, labelValue);
    }

    void acceptJson(JsonObject object) {
      String textValue = jsonField(object, text);
      String pairValue = textPair == null ? null : jsonField(object, textPair);
      String labelValue = jsonField(object, label);
      if (textValue == null || (textPair != null && pairValue == null) || labelValue == null) {
        return;
      }
      add(textValue, pairValue, labelValue);
    }

    private String field(FieldSource fields, int size, List<String> headerFields, Column column) {
      int index = index(column, headerFields);
      if (index >= size) {
        bad("missing column " + column + ": the row has only " + size + " fields");
        return null;
      }
      return fields.get(index);
    }

    private String jsonField(JsonObject object, Column column) {
      JsonElement element = object.get(column.name());
      if (element == null || element.isJsonNull()) {
        bad("missing key '" + column.name() + "' (keys: " + object.keySet() + ")");
        return null;
      }
      if (element.isJsonArray() && column.equals(label) && multiLabelSeparator != null) {
        // a multi-label row's labels as a JSON list of names or ids: [2, 17] or ["joy", "love"]
        List<String> parts = new ArrayList<>();
        for (JsonElement part : element.getAsJsonArray()) {
          if (!part.isJsonPrimitive()) {
            bad("key '" + column.name() + "' must list label names or ids, got " + element);
            return null;
          }
          parts.add(part.getAsString());
        }
        return String.join(multiLabelSeparator, parts);
      }
      if (!element.isJsonPrimitive()) {
        bad("key '" + column.name() + "' must be a string or number"
            + (multiLabelSeparator != null && column.equals(label) ? " or a list" : "") + ", got "
            + element);
        return null;
      }
      JsonPrimitive primitive = element.getAsJsonPrimitive();
      return primitive.getAsString();
    }

    private void add(String textValue, String pairValue, String labelValue) {
      if (trim) {
        textValue = textValue.strip();
        pairValue = pairValue == null ? null : pairValue.strip();
      }
      if (textValue.isBlank()) {
        bad("empty text in column " + text);
        return;
      }
      if (pairValue != null && pairValue.isBlank()) {
        bad("empty text pair in column " + textPair);
        return;
      }
      if (regression) {
        float target;
        try {
          target = Float.parseFloat(labelValue.strip());
        } catch (NumberFormatException e) {
          bad("regression target '" + abbreviate(labelValue) + "' in column " + label
              + " is not a number");
          return;
        }
        if (!Float.isFinite(target)) {
          bad("regression target '" + labelValue + "' is not finite");
          return;
        }
        if (target < minTarget || target > maxTarget) {
          bad("regression target " + labelValue.strip() + " in column " + label
              + " is outside the declared range [" + minTarget + ", " + maxTarget + "]");
          return;
        }
        examples.add(new TextExample(textValue, pairValue, TextExample.NO_LABEL, target));
        return;
      }
      if (multiLabelSeparator != null) {
        addMultiLabel(textValue, pairValue, labelValue);
        return;
      }
      int id = labelId(labelValue);
      if (id < 0) {
        return;
      }
      maxLabel = Math.max(maxLabel, id);
      examples.add(new TextExample(textValue, pairValue, id, Float.NaN));
    }

    private void addMultiLabel(String textValue, String pairValue, String labelValue) {
      List<Integer> ids = new ArrayList<>();
      if (!labelValue.isBlank()) {
        for (String part : labelValue.split(Pattern.quote(multiLabelSeparator), -1)) {
          int id = labelId(part);
          if (id < 0) {
            return;
          }
          ids.add(id);
        }
      }
      if (ids.isEmpty() && !allowEmptyLabels) {
        bad("empty label list in column " + label + ": every row needs at least one label"
            + " (or read with allowEmptyLabels(true) where no label is a valid answer)");
        return;
      }
      int[] array = ids.stream().mapToInt(Integer::intValue).toArray();
      for (int id : array) {
        maxLabel = Math.max(maxLabel, id);
      }
      examples.add(TextExample.multiLabel(textValue, pairValue, array));
    }

    private int labelId(String raw) {
      int known = classId(raw);
      if (known >= 0) {
        return known;
      }
      String value = raw.strip();
      int id;
      try {
        id = Integer.parseInt(value);
      } catch (NumberFormatException e) {
        bad("label '" + abbreviate(raw) + "' in column " + label
            + (labelNames.isEmpty()
                ? " is not a class id (an integer >= 0); give labelNames(...) to map names to ids"
                : " is neither one of the label names " + labelNames + " nor a class id"));
        return -1;
      }
      bad("label " + id + " in column " + label + " is out of range: expected 0.."
          + (labelNames.isEmpty() ? (MAX_CLASSES - 1) + " (class ids; at most " + MAX_CLASSES
              + " classes)" : (labelNames.size() - 1) + " " + labelNames));
      return -1;
    }
  }

  @FunctionalInterface
  private interface FieldSource {
    String get(int index);
  }

  /** A column chosen by header name or by 0-based index. */
  private record Column(String name, int index) {
    static Column named(String name) {
      if (name == null || name.isEmpty()) {
        throw new IllegalArgumentException("column name must not be empty");
      }
      return new Column(name, -1);
    }

    static Column at(int index) {
      if (index < 0) {
        throw new IllegalArgumentException("column index must be >= 0, got " + index);
      }
      return new Column(null, index);
    }

    @Override
    public String toString() {
      return name != null ? "'" + name + "'" : "#" + index;
    }
  }

  /**
   * Configures a {@link TextDatasetReader}. Required: {@code text(...)} and {@code label(...)}.
   *
   * <pre>{@code
   * TextDatasetReader reader = TextDatasetReader.tsv().header(false).text(3).label(1).build();
   * }</pre>
   */
  public static final class Builder {
    private final Format format;
    private Column text;
    private Column textPair;
    private Column label;
    private List<String> labelNames = List.of();
    private boolean regression;
    private double minTarget = Double.NEGATIVE_INFINITY;
    private double maxTarget = Double.POSITIVE_INFINITY;
    private String multiLabelSeparator;
    private boolean allowEmptyLabels;
    private boolean header = true;
    private boolean skipBadRows;
    private boolean trim;
    private String name;

    private Builder(Format format) {
      this.format = Objects.requireNonNull(format, "format");
    }

    /**
     * The text column, by header name (or JSON key).
     *
     * @param column the name
     * @return this
     */
    public Builder text(String column) {
      this.text = Column.named(column);
      return this;
    }

    /**
     * The text column, by 0-based index (CSV/TSV).
     *
     * @param column the index
     * @return this
     */
    public Builder text(int column) {
      this.text = Column.at(column);
      return this;
    }

    /**
     * The second text of sentence pairs, by header name (or JSON key).
     *
     * @param column the name
     * @return this
     */
    public Builder textPair(String column) {
      this.textPair = Column.named(column);
      return this;
    }

    /**
     * The second text of sentence pairs, by 0-based index (CSV/TSV).
     *
     * @param column the index
     * @return this
     */
    public Builder textPair(int column) {
      this.textPair = Column.at(column);
      return this;
    }

    /**
     * The label column, by header name (or JSON key).
     *
     * @param column the name
     * @return this
     */
    public Builder label(String column) {
      this.label = Column.named(column);
      return this;
    }

    /**
     * The label column, by 0-based index (CSV/TSV).
     *
     * @param column the index
     * @return this
     */
    public Builder label(int column) {
      this.label = Column.at(column);
      return this;
    }

    /**
     * The class names, index = class id. Labels in the file may then be these names or the ids;
     * ids outside {@code [0, names.length)} are errors. Without names, labels must be integer ids
     * and the names become {@code "0".."max"}.
     *
     * @param names the names
     * @return this
     */
    public Builder labelNames(String... names) {
      return labelNames(List.of(names));
    }

    /**
     * The class names, index = class id.
     *
     * @param names the names
     * @return this
     */
    public Builder labelNames(List<String> names) {
      List<String> copy = List.copyOf(names);
      if (copy.stream().distinct().count() != copy.size()) {
        throw new IllegalArgumentException("label names must be distinct: " + copy);
      }
      this.labelNames = copy;
      return this;
    }

    /**
     * Reads the label column as a real-valued regression target.
     *
     * @return this
     */
    public Builder regression() {
      this.regression = true;
      return this;
    }

    /**
     * Reads the label column as a real-valued regression target within a declared range: a target
     * outside {@code [min, max]} is a bad row (named by file and line).
     *
     * @param min the smallest valid target
     * @param max the largest valid target
     * @return this
     */
    public Builder regression(double min, double max) {
      if (!(min <= max)) {
        throw new IllegalArgumentException(
            "regression range needs min <= max, got [" + min + ", " + max + "]");
      }
      this.regression = true;
      this.minTarget = min;
      this.maxTarget = max;
      return this;
    }

    /**
     * Reads the label column as a list of label ids (or names) separated by {@code separator}, such
     * as {@code 4,27}: a multi-label data set. An empty list is a bad row unless {@link
     * #allowEmptyLabels(boolean)} is on.
     *
     * @param separator the separator between labels, e.g. {@code ","}
     * @return this
     */
    public Builder multiLabel(String separator) {
      if (separator == null || separator.isEmpty()) {
        throw new IllegalArgumentException("multi-label separator must not be empty");
      }
      this.multiLabelSeparator = separator;
      return this;
    }

    /**
     * Whether a multi-label row may have no labels (default false: an empty list is a bad row).
     *
     * @param allow true when "no label applies" is a valid answer in the data
     * @return this
     */
    public Builder allowEmptyLabels(boolean allow) {
      this.allowEmptyLabels = allow;
      return this;
    }

    /**
     * Whether the first row is a header (CSV/TSV; default true).
     *
     * @param hasHeader true when the file starts with column names
     * @return this
     */
    public Builder header(boolean hasHeader) {
      this.header = hasHeader;
      return this;
    }

    /**
     * Whether bad rows are skipped (logged and counted) instead of failing (default false).
     *
     * @param skip true to skip
     * @return this
     */
    public Builder skipBadRows(boolean skip) {
      this.skipBadRows = skip;
      return this;
    }

    /**
     * Whether to strip leading and trailing white space from texts (default false: keep bytes).
     *
     * @param strip true to strip
     * @return this
     */
    public Builder trim(boolean strip) {
      this.trim = strip;
      return this;
    }

    /**
     * The data set name (default: the file name).
     *
     * @param datasetName the name
     * @return this
     */
    public Builder name(String datasetName) {
      this.name = datasetName;
      return this;
    }

    /**
     * Builds the reader.
     *
     * @return an immutable reader
     */
    public TextDatasetReader build() {
      return new TextDatasetReader(this);
    }

    /**
     * Builds the reader and reads one file.
     *
     * @param file the file
     * @return the data set
     */
    public TextDataset read(Path file) {
      return build().read(file);
    }
  }
}
