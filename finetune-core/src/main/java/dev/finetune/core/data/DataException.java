package dev.finetune.core.data;

import java.nio.file.Path;

/**
 * A data set could not be found, read or parsed. The message names the file, the line (when the
 * problem is in one row) and what to do about it.
 *
 * <pre>{@code
 * try {
 *   TextDataset data = TextDatasetReader.tsv().text("sentence").label("label").read(path);
 * } catch (DataException e) {
 *   System.err.println(e.getMessage()); // "train.tsv line 17: label 'x' is not a number ..."
 * }
 * }</pre>
 */
public class DataException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final long line;

  /**
   * Creates an exception about a whole file (or no file).
   *
   * @param message what went wrong and how to fix it
   * @param file the file concerned, or {@code null}
   * @param cause the underlying exception, or {@code null}
   */
  public DataException(String message, Path file, Throwable cause) {
    this(message, file, -1, cause);
  }

  /**
   * Creates an exception about one line of a file.
   *
   * @param message what went wrong and how to fix it (without the location, which is prefixed)
   * @param file the file concerned
   * @param line the 1-based line number, or -1 when unknown
   * @param cause the underlying exception, or {@code null}
   */
  public DataException(String message, Path file, long line, Throwable cause) {
    super(locate(file, line) + message, cause);
    this.file = file;
    this.line = line;
  }

  /**
   * Creates an exception without a file.
   *
   * @param message what went wrong and how to fix it
   */
  public DataException(String message) {
    this(message, null, -1, null);
  }

  /**
   * The file concerned.
   *
   * @return the file, or {@code null} when the problem is not about one file
   */
  public Path file() {
    return file;
  }

  /**
   * The 1-based line number of the offending row.
   *
   * @return the line, or -1 when the problem is not about one line
   */
  public long line() {
    return line;
  }

  private static String locate(Path file, long line) {
    if (file == null) {
      return "";
    }
    return line > 0 ? file + " line " + line + ": " : file + ": ";
  }
}
