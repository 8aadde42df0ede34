package dev.finetune.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The token ids handed from Java to the PyTorch peer of {@link PredictBenchmark} (Debian's Python
 * has no {@code tokenizers}, so the peer predicts from the ids our tokenizer made).
 *
 * <p>A UTF-8 text file: the header line {@value #HEADER} then one line per row, in the order the
 * peer batches them (the predictor's longest-first order): the row's index in the input data,
 * a tab, and its token ids separated by single spaces ({@code [CLS] ... [SEP]}, no padding).
 * {@code benchmarks/peer/peer_predict.py} reads the same format.
 *
 * <pre>{@code
 * TokenIdFile.write(path, List.of(new TokenIdFile.Row(7, new long[] {101, 2009, 102})));
 * // #finetune-token-ids v1
 * // 7<TAB>101 2009 102
 * List<TokenIdFile.Row> rows = TokenIdFile.read(path);
 * }</pre>
 */
public final class TokenIdFile {

  /** First line of every file. */
  public static final String HEADER = "#finetune-token-ids v1";

  /**
   * One row: where it came from and its ids.
   *
   * @param index the row's position in the input data
   * @param ids its token ids, special tokens included, unpadded
   */
  public record Row(int index, long[] ids) {
    /** Checks the row. */
    public Row {
      if (index < 0) {
        throw new IllegalArgumentException("row index must be >= 0, got " + index);
      }
      if (ids.length == 0) {
        throw new IllegalArgumentException("row " + index + " has no token ids");
      }
    }
  }

  private TokenIdFile() {}

  /**
   * Writes rows.
   *
   * @param file the file (replaced)
   * @param rows the rows, in batching order
   */
  public static void write(Path file, List<Row> rows) {
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write(HEADER);
      out.write('\n');
      StringBuilder line = new StringBuilder();
      for (Row row : rows) {
        line.setLength(0);
        line.append(row.index()).append('\t');
        for (int i = 0; i < row.ids().length; i++) {
          if (i > 0) {
            line.append(' ');
          }
          line.append(row.ids()[i]);
        }
        out.write(line.append('\n').toString());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write token ids to " + file, e);
    }
  }

  /**
   * Reads rows.
   *
   * @param file a file written by {@link #write}
   * @return the rows, in file order
   * @throws IllegalArgumentException naming the line that does not fit the format
   */
  public static List<Row> read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read token ids from " + file, e);
    }
    if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
      throw new IllegalArgumentException(file + " is not a token-id file: its first line must be '"
          + HEADER + "', got '" + (lines.isEmpty() ? "" : lines.get(0)) + "'");
    }
    List<Row> rows = new ArrayList<>(lines.size() - 1);
    for (int n = 1; n < lines.size(); n++) {
      String line = lines.get(n);
      int tab = line.indexOf('\t');
      try {
        if (tab < 0) {
          throw new IllegalArgumentException("no tab between the index and the ids");
        }
        String[] parts = line.substring(tab + 1).split(" ");
        long[] ids = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
          ids[i] = Long.parseLong(parts[i]);
        }
        rows.add(new Row(Integer.parseInt(line.substring(0, tab)), ids));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + " line " + (n + 1) + ": expected 'INDEX<TAB>ID ID"
            + " ...', got '" + line + "' (" + e.getMessage() + ")", e);
      }
    }
    return rows;
  }
}
