package dev.finetune.examples;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The result of one {@link Evaluate} run for one head kind: Markdown (printed and written as
 * {@code evaluation.md}), JSON ({@code evaluation.json}) and its plot (a PNG).
 *
 * <pre>{@code
 * EvaluationReport report = new RegressionReport(data, predictions, 10);
 * report.plot(dir);   // writes scatter.png
 * }</pre>
 */
interface EvaluationReport {

  /** @return the report as Markdown */
  String markdown();

  /** @return the report as pretty-printed JSON */
  String json();

  /**
   * Writes the report's picture into a folder.
   *
   * @param dir the output folder
   * @return the file written
   * @throws IOException when it cannot be written
   */
  Path plot(Path dir) throws IOException;

  /** Formats a metric for a Markdown table (NaN as {@code n/a}). */
  static String number(double value) {
    return Double.isNaN(value) ? "n/a" : String.format(java.util.Locale.ROOT, "%.4f", value);
  }

  /** Escapes a text for a Markdown table cell. */
  static String cell(String text) {
    return text == null ? "" : text.replace("|", "\\|").replace("\n", " ");
  }
}
