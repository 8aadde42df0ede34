package dev.finetune.examples.grid;

import dev.finetune.core.train.LrFinder;
import dev.finetune.core.train.LrFinderResult;
import dev.finetune.core.train.StopRequest;
import dev.finetune.examples.CommandLineOptions;
import dev.finetune.examples.ExitCodes;
import dev.finetune.examples.SignalStop;
import dev.finetune.experiments.grid.*;
import dev.finetune.experiments.search.LrFinderPlot;
import dev.finetune.experiments.search.SchemeSearch;
import dev.finetune.experiments.search.SearchConfig;
import dev.finetune.experiments.search.SearchReport;
import dev.finetune.experiments.search.SearchResults;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Runs an experiment grid (a study of {@link Studies} or a JSON config file, see
 * {@link GridConfig}) into a results folder, resuming where an earlier run stopped, then writes
 * the tables and plots ({@link GridReport}); or only rewrites those from existing results; or
 * runs the LR range test on each configuration ({@code --find-lr}); or runs a scheme search file
 * ({@code --search}, see {@link SearchConfig}).
 *
 * <pre>{@code
 * java -cp ... dev.finetune.examples.grid.GridMain --study A --profile cpu --data ../shared/data
 * java -cp ... dev.finetune.examples.grid.GridMain --config my-grid.json --output runs/my-grid
 * java -cp ... dev.finetune.examples.grid.GridMain --report-only --output runs/grids/study-a-cpu
 * java -cp ... dev.finetune.examples.grid.GridMain --config my-grid.json --find-lr
 * java -cp ... dev.finetune.examples.grid.GridMain --search my-search.json
 * }</pre>
 */
public final class GridMain {

  static final String USAGE =
      """
      Run an experiment grid (resumable: finished cells are skipped), then write results.csv,
      summary.csv, README.md (Markdown table) and plots/*.png into the output folder.

      usage: grid (--study A|B|C [--profile cpu|full|smoke] | --config FILE | --search FILE
                   | --report-only) [options]
        --study NAME       A: schemes on SST-2 and CoLA; B: PEFT methods on IMDb at 90/10 and
                           30/70 splits; C: LLRD, grouped LLRD, warm-up, re-init, SWA on SST-2
        --profile NAME     cpu (default; 10-45 minutes per study on 2 cores), full (the studies'
                           own sizes, for a GPU) or smoke (a minute or two: checks every cell runs)
        --config FILE      a JSON grid description (see docs/GRIDS.md)
        --search FILE      a scheme search: a grid file whose axes are the search space and whose
                           "search" object picks asha, successive_halving, hyperband, random
                           or grid (see docs/SEARCH.md); writes leaderboard.md/.csv/.json, best.json (a grid
                           file that reproduces the winner) and learning_curves.png; resumable
        --output DIR       results folder; default runs/grids/study-<x>-<profile> for a study,
                           runs/grids/<file name> for a config, runs/search/<file name> for a
                           search; required with --report-only
        --data DIR         studies: the folder holding sst2/, cola/ and imdb/ (default: the data
                           root -Dfinetune.data / FINETUNE_DATA, then the cache)
        --model DIR        studies: a Hugging Face model folder instead of the embedded MiniLM
        --report-only      do not train: rewrite the tables and plots from the output folder
        --cells REGEX      run only the cells whose id matches REGEX (e.g. '^30-70__bitfit__s42$');
                           the others stay for a later run. One cell per process gives each
                           cell's own peak memory: for id in $(... --list); do ... --cells "^$id$"; done
        --list             print the grid's cell ids, one per line, and exit without training
        --find-lr          with --study or --config: do not train; run the LR range test (fastai's
                           lr_find: 100 steps from 1e-7 to 10, model restored) on each
                           configuration's first cell and write lr_finder.md (valley and steepest
                           suggestions) and lr_finder/<configuration>.png
        --progress         show each cell's progress bar
        --verbose          print the stack trace of a failure (default: one line)
        --help             this text
      Each option may be given once.
      SIGTERM or Ctrl-C ends the cell (or search trial) in progress after its step, saves its
      checkpoint (under DIR/checkpoints/, or the trial's folder), records it as stopped, writes
      the results so far and exits with 4; the same command run again continues from there.
      """ + ExitCodes.help(ExitCodes.OK, ExitCodes.FAILED, ExitCodes.USAGE, ExitCodes.STOPPED);

  private static final List<String> FLAGS = List.of("help", "report-only", "progress", "list", "verbose",
      "find-lr");
  private static final List<String> VALUED = List.of("study", "profile", "config", "search", "output", "data",
      "model", "cells");

  private GridMain() {}

  /**
   * Runs the command line; SIGTERM or Ctrl-C stops it gracefully ({@link SignalStop}).
   *
   * @param args the options above
   */
  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    SignalStop signals = SignalStop.install(System.err);
    signals.exit(run(args, System.out, System.err, signals.request()));
  }

  /**
   * Runs the command line with explicit streams and no way to stop it but its end.
   *
   * @param args the options
   * @param out where progress and the table go
   * @param err where errors go
   * @return an {@link ExitCodes exit code}
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return run(args, out, err, new StopRequest());
  }

  /**
   * Runs the command line with explicit streams.
   *
   * @param args the options
   * @param out where progress and the table go
   * @param err where errors go
   * @param stop a request that ends the cell or trial in progress after its step (its checkpoint
   *     saved, recorded as stopped) and starts no other
   * @return 0 on success, 1 when cells failed or files could not be read/written, 2 on bad
   *     arguments or config, 4 when stopped
   */
  public static int run(String[] args, PrintStream out, PrintStream err, StopRequest stop) {
    boolean verbose = java.util.Arrays.asList(args).contains("--verbose");
    Map<String, String> o;
    try {
      o = parse(args);
    } catch (IllegalArgumentException e) {
      err.println("error: " + ExitCodes.oneLine(e));
      err.print(USAGE);
      return ExitCodes.USAGE;
    }
    if (o.containsKey("help")) {
      out.print(USAGE);
      return 0;
    }
    if (o.containsKey("search")) {
      return search(o, out, err, verbose, stop);
    }
    Path output;
    ExperimentGrid grid = null;
    Predicate<Cell> which;
    try {
      if (o.containsKey("report-only")) {
        if (!o.containsKey("output")) {
          throw new IllegalArgumentException("--report-only needs --output DIR (the folder of an earlier run)");
        }
        output = Path.of(o.get("output"));
      } else if (o.containsKey("study")) {
        Studies.Profile profile = Studies.Profile.of(o.getOrDefault("profile", "cpu"));
        grid = Studies.grid(o.get("study"), profile, path(o.get("data")), path(o.get("model")));
        output = Path.of(o.getOrDefault("output", "runs/grids/study-" + o.get("study").toLowerCase(Locale.ROOT)
            + "-" + profile.name().toLowerCase(Locale.ROOT)));
      } else {
        Path config = Path.of(o.get("config"));
        grid = GridConfig.read(config);
        String base = config.getFileName().toString().replaceFirst("\\.json$", "");
        output = Path.of(o.getOrDefault("output", "runs/grids/" + base));
      }
      if (grid != null && o.containsKey("progress")) {
        grid = grid.withProgressBar(true);
      }
      if ((o.containsKey("list") || o.containsKey("cells")) && grid == null) {
        throw new IllegalArgumentException("--list and --cells need --study or --config");
      }
      which = cellFilter(o.get("cells"));
      if (grid != null && grid.cells().stream().noneMatch(which)) {
        throw new IllegalArgumentException("--cells " + o.get("cells") + " matches none of the "
            + grid.cells().size() + " cells (ids like " + grid.cells().get(0).id() + "; --list shows them)");
      }
    } catch (RuntimeException e) {
      ExitCodes.print(e, err, verbose);
      return ExitCodes.of(e);
    }
    try {
      if (o.containsKey("list")) {
        grid.cells().forEach(cell -> out.println(cell.id()));
        return 0;
      }
      if (o.containsKey("find-lr")) {
        findLearningRates(grid, which, output, out);
        return 0;
      }
      int failed = 0;
      GridStoppedException stopped = null;
      if (grid != null) {
        out.println("grid '" + grid.name() + "': " + grid.cells().size() + " cells -> " + output.toAbsolutePath());
        grid.description().forEach(line -> out.println("  " + line));
        try {
          grid.run(output, which, stop);
        } catch (GridException e) {
          ExitCodes.print(e, err, verbose);
          failed = ExitCodes.FAILED;
        } catch (GridStoppedException e) {
          stopped = e;
        }
      }
      GridResults results = GridResults.load(output);
      if (stopped != null) {
        if (!results.cells().isEmpty()) {
          GridReport.write(results, output);
          out.println();
          out.print(results.markdownTable());
        }
        err.println("error: " + ExitCodes.oneLine(stopped));
        err.println((results.cells().isEmpty() ? "no cell has finished yet"
            : results.cells().size() + " finished cells: tables and plots in " + output.toAbsolutePath())
            + "; run the same command again to continue");
        return ExitCodes.STOPPED;
      }
      List<Path> files = GridReport.write(results, output);
      out.println();
      out.print(results.markdownTable());
      out.println();
      out.println("wrote " + files.size() + " files into " + output.toAbsolutePath()
          + " (README.md, results.csv, summary.csv, plots/)");
      return failed;
    } catch (IOException | RuntimeException e) {
      ExitCodes.print(e, err, verbose);
      return e instanceof IllegalStateException ? ExitCodes.USAGE : ExitCodes.of(e);
    }
  }

  /** Runs a scheme search file into its folder (resuming), then writes its report. */
  private static int search(Map<String, String> o, PrintStream out, PrintStream err,
      boolean verbose, StopRequest stop) {
    SchemeSearch search;
    Path output;
    try {
      Path file = Path.of(o.get("search"));
      search = SearchConfig.read(file, stop);
      output = Path.of(o.getOrDefault("output",
          "runs/search/" + file.getFileName().toString().replaceFirst("\\.json$", "")));
    } catch (RuntimeException e) {
      ExitCodes.print(e, err, verbose);
      return ExitCodes.of(e);
    }
    try {
      out.println("search: " + search.trialCount() + " trials (" + search.sampler().spec() + "), rungs of " + search.rungSteps()
          + " steps -> " + output.toAbsolutePath());
      SearchResults results = search.run(output);
      List<Path> files = SearchReport.write(results, output);
      out.println();
      out.print(SearchReport.markdown(results));
      out.println();
      out.println("wrote " + files.size() + " files into " + output.toAbsolutePath()
          + " (leaderboard.md/.csv/.json, best.json, learning_curves.png)");
      return 0;
    } catch (GridStoppedException e) {
      err.println("error: " + ExitCodes.oneLine(e));
      err.println("the trial's checkpoint and the rung results so far are in "
          + output.resolve(SchemeSearch.TRIALS_DIR).toAbsolutePath()
          + " (no leaderboard yet); run the same command again to continue");
      return ExitCodes.STOPPED;
    } catch (IOException | RuntimeException e) {
      ExitCodes.print(e, err, verbose);
      return e instanceof IllegalStateException ? ExitCodes.USAGE : ExitCodes.of(e);
    }
  }

  /** The LR range test on the first chosen cell of each configuration: a table and one plot each. */
  private static void findLearningRates(ExperimentGrid grid, Predicate<Cell> which, Path output,
      PrintStream out) throws IOException {
    StringBuilder table = new StringBuilder("| configuration | valley | steepest | steps | diverged |\n"
        + "|---|---|---|---|---|\n");
    java.util.Set<String> done = new java.util.HashSet<>();
    for (Cell cell : grid.cells()) {
      if (!which.test(cell) || !done.add(cell.configuration())) {
        continue;
      }
      out.println("LR range test: " + cell.id());
      LrFinderResult r = grid.findLearningRate(cell, LrFinder.defaults());
      LrFinderPlot.write(r, grid.name() + " " + cell.configuration(),
          output.resolve("lr_finder").resolve(cell.configuration() + ".png"));
      table.append(String.format(Locale.ROOT, "| %s | %.3g | %.3g | %d | %s |%n", cell.configuration(),
          r.valley(), r.steepest(), r.losses().size(), r.diverged() ? "yes" : "no"));
    }
    Files.createDirectories(output);
    Files.writeString(output.resolve("lr_finder.md"), table.toString(), StandardCharsets.UTF_8);
    out.print(table);
    out.println("wrote lr_finder.md and lr_finder/*.png into " + output.toAbsolutePath());
  }

  private static Predicate<Cell> cellFilter(String regex) {
    if (regex == null) {
      return cell -> true;
    }
    try {
      Pattern pattern = Pattern.compile(regex);
      return cell -> pattern.matcher(cell.id()).find();
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("--cells: not a regular expression: " + regex + " ("
          + e.getDescription() + ")");
    }
  }

  private static Path path(String value) {
    return value == null ? null : Path.of(value);
  }

  static Map<String, String> parse(String[] args) {
    Map<String, String> options = CommandLineOptions.parse(args, FLAGS, VALUED);
    if (options.containsKey("help")) {
      return options;
    }
    int modes = (options.containsKey("study") ? 1 : 0) + (options.containsKey("config") ? 1 : 0)
        + (options.containsKey("search") ? 1 : 0) + (options.containsKey("report-only") ? 1 : 0);
    if (modes != 1) {
      throw new IllegalArgumentException("give exactly one of --study NAME, --config FILE, --search FILE"
          + " and --report-only");
    }
    if (options.containsKey("find-lr") && !options.containsKey("study") && !options.containsKey("config")) {
      throw new IllegalArgumentException("--find-lr needs --study or --config");
    }
    if (options.containsKey("profile") && !options.containsKey("study")) {
      throw new IllegalArgumentException("--profile only applies to --study");
    }
    return options;
  }
}
