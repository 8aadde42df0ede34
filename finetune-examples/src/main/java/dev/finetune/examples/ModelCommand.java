package dev.finetune.examples;

import dev.finetune.core.checkpoint.CheckpointException;
import dev.finetune.core.data.DataException;
import dev.finetune.core.model.Devices;
import dev.finetune.core.predict.Predictor;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The frame that the commands which use a saved model ({@link Predict}, {@link Evaluate}) share:
 * the options parsed against the command's lists, {@code --help}, {@code --model} required, the
 * predictor built from the common options ({@code --model}, {@code --adapter}, {@code --device},
 * {@code --batch-size}, {@code --max-length}), and every error as one line: exit 2 for bad
 * arguments (with the usage when the options themselves are wrong), 1 for bad files.
 *
 * <pre>{@code
 * return ModelCommand.run(args, USAGE, FLAGS, VALUED, true, o -> {}, (o, predictor) -> {
 *   out.println(predictor.predict("a fine film").label());
 *   return 0;
 * }, out, err);
 * }</pre>
 */
final class ModelCommand {

  /** Checks the parsed options before any model is loaded; throws IllegalArgumentException. */
  interface Check {
    void check(Map<String, String> options);
  }

  /** The command's work with the loaded predictor; returns the exit code. */
  interface Body {
    int run(Map<String, String> options, Predictor predictor) throws IOException;
  }

  private ModelCommand() {}

  /**
   * Parses, checks, loads the predictor, runs the body and turns failures into exit codes.
   *
   * @param args the command line
   * @param usage the command's usage text
   * @param flags options without a value
   * @param valued options with a value
   * @param frozen whether the predictor fuses its weights once for speed ({@code predict}); else
   *     its logits are the evaluation path's ({@code evaluate})
   * @param check the command's own checks of the options
   * @param body the command's work
   * @param out where --help goes
   * @param err where errors go
   * @return 0 on success, 2 on bad arguments, 1 on bad files, or what the body returns
   */
  static int run(String[] args, String usage, List<String> flags, List<String> valued,
      boolean frozen, Check check, Body body, PrintStream out, PrintStream err) {
    Map<String, String> o;
    try {
      o = CommandLineOptions.parse(args, flags, valued);
      if (o.containsKey("help")) {
        out.print(usage);
        return 0;
      }
      if (!o.containsKey("model")) {
        throw new IllegalArgumentException("--model DIR is required");
      }
      check.check(o);
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      err.print(usage);
      return 2;
    }
    try (Predictor predictor = load(o, frozen)) {
      return body.run(o, predictor);
    } catch (NumberFormatException e) {
      err.println("error: a number option is not a number: " + e.getMessage());
      return 2;
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      return 2;
    } catch (IOException | UncheckedIOException | DataException | CheckpointException e) {
      err.println("error: " + e.getMessage());
      return 1;
    }
  }

  /** The predictor the common options describe; {@code frozen} fuses its weights once. */
  static Predictor load(Map<String, String> o, boolean frozen) {
    Predictor.Loader loader = Predictor.loader()
        .device(Devices.resolve(Devices.parse(o.getOrDefault("device", "cpu"))))
        .batchSize(Integer.parseInt(o.getOrDefault("batch-size", "32")));
    if (o.containsKey("max-length")) {
      loader.maxLength(Integer.parseInt(o.get("max-length")));
    }
    if (frozen) {
      loader.frozen();
    }
    if (o.containsKey("adapter")) {
      return loader.base(Path.of(o.get("model"))).load(Path.of(o.get("adapter")));
    }
    return loader.load(Path.of(o.get("model")));
  }
}
