package dev.finetune.spark;

import dev.finetune.experiments.search.SearchConfig;
import dev.finetune.experiments.search.TrialRunner;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Makes a {@link TrialRunner} on a Spark executor. It travels to the executors with each task
 * (Java serialisation), so it holds descriptions, not models: each executor builds its own runner,
 * which loads its own model and data. {@link #searchFile} carries a search file's JSON text; in
 * code, a serialisable lambda does (its class must be on the executors' class path, as in the
 * application jar).
 *
 * <pre>{@code
 * TrialRunnerFactory fromFile = TrialRunnerFactory.searchFile(Path.of("sst2-search.json"));
 * TrialRunnerFactory inCode = () -> GridTrialRunner.of(MyGrids.base(), "accuracy");
 * }</pre>
 */
@FunctionalInterface
public interface TrialRunnerFactory extends Serializable {

  /**
   * Builds the runner (on an executor, once per task).
   *
   * @return the runner
   */
  TrialRunner create();

  /**
   * The runner of a search file ({@link SearchConfig}): its text and folder travel as strings and
   * are parsed again on the executor, so relative data and model paths resolve against the
   * folder the driver saw (on a cluster: a path every executor sees, or absolute paths).
   *
   * @param file the search file
   * @return the factory
   * @throws UncheckedIOException when the file cannot be read
   */
  static TrialRunnerFactory searchFile(Path file) {
    try {
      String json = Files.readString(file, StandardCharsets.UTF_8);
      return new SearchFileRunner(json, file.toString(), file.toAbsolutePath().getParent().toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the search file " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * A search file's runner: the JSON text, its name for messages, the folder of relative paths.
   *
   * @param json the search file's text
   * @param source its name in error messages
   * @param baseDir the folder relative {@code data} and {@code model} paths resolve against
   */
  record SearchFileRunner(String json, String source, String baseDir) implements TrialRunnerFactory {
    @Override
    public TrialRunner create() {
      return SearchConfig.parse(json, source, Path.of(baseDir)).runner();
    }
  }
}
