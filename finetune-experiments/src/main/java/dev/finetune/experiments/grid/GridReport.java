package dev.finetune.experiments.grid;

import dev.finetune.core.checkpoint.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes everything a grid's results make into its folder: {@code results.csv} (one row per
 * cell per epoch), {@code summary.csv} (one row per configuration), {@code README.md} (the
 * description, the Markdown table and the plots) and {@code plots/*.png}. Works on a folder of
 * an earlier or interrupted run as well ({@code GridMain --report-only}).
 *
 * <pre>{@code
 * GridReport.write(GridResults.load(dir), dir);
 * }</pre>
 */
public final class GridReport {

  /** The combined CSV. */
  public static final String RESULTS_CSV = "results.csv";
  /** The per-configuration CSV. */
  public static final String SUMMARY_CSV = "summary.csv";
  /** The Markdown report. */
  public static final String README = "README.md";
  /** The plots' folder. */
  public static final String PLOTS_DIR = "plots";

  private GridReport() {}

  /**
   * Writes the CSVs, the README and the plots (each file atomically).
   *
   * @param results the results
   * @param dir the folder
   * @return the files written
   * @throws IOException when writing fails
   */
  public static List<Path> write(GridResults results, Path dir) throws IOException {
    List<Path> files = new ArrayList<>();
    files.add(text(dir.resolve(RESULTS_CSV), results.resultsCsv()));
    files.add(text(dir.resolve(SUMMARY_CSV), results.summaryCsv()));
    files.add(text(dir.resolve(README), markdown(results)));
    if (!results.cells().isEmpty()) {
      files.addAll(GridPlots.writeAll(results, dir.resolve(PLOTS_DIR)));
    }
    return files;
  }

  /**
   * The Markdown report: title, description lines, the table, and links to the plots.
   *
   * @param results the results
   * @return the Markdown text
   */
  public static String markdown(GridResults results) {
    StringBuilder out = new StringBuilder("# ").append(results.name()).append("\n\n");
    results.description().forEach(line -> out.append("- ").append(line).append('\n'));
    if (!results.description().isEmpty()) {
      out.append('\n');
    }
    out.append(String.format("%d finished cells, %d configurations. Values are mean ± sample std"
        + " over the repeats (seeds) where n > 1; accuracy, loss and MCC on the validation set after"
        + " the last epoch (best: the best epoch); %s%n%n",
        results.cells().size(), results.configurations().size(), peakRssNote(results)));
    out.append(results.markdownTable()).append('\n');
    if (!results.cells().isEmpty()) {
      for (String png : GridPlots.FILES) {
        out.append("![").append(png.replace(".png", "")).append("](").append(PLOTS_DIR).append('/')
            .append(png).append(")\n");
      }
    }
    return out.toString();
  }

  private static Path text(Path file, String content) {
    AtomicFiles.write(file, content.getBytes(StandardCharsets.UTF_8));
    return file;
  }

  /** Says what the peak RSS column measures, from the cells' {@code peak_rss_scope} setting. */
  static String peakRssNote(GridResults results) {
    long perCell = results.cells().stream()
        .filter(cell -> "cell".equals(cell.settings().get("peak_rss_scope"))).count();
    if (perCell == results.cells().size()) {
      return "peak RSS is each cell's own peak (reset before the cell's model is built).";
    }
    String processWide = "peak RSS is the process's peak so far, so within one run it never"
        + " decreases from cell to cell";
    return perCell == 0 ? processWide + "."
        : String.format("%s for the %d cells run before per-cell peaks were recorded; the other %d"
            + " are each cell's own peak.", processWide, results.cells().size() - perCell, perCell);
  }
}
