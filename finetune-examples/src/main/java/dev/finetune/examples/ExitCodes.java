package dev.finetune.examples;

import java.io.PrintStream;
import java.util.Map;
import java.util.TreeMap;

/**
 * The mains' exit codes, their help text, and how a failure is printed: one line with the
 * exception's message (which names the file, line or key), its root cause when that adds
 * something, and the stack trace only under {@code --verbose}.
 *
 * <pre>{@code
 * try {
 *   ...
 * } catch (RuntimeException e) {
 *   ExitCodes.print(e, err, verbose);
 *   return ExitCodes.of(e);
 * }
 * }</pre>
 */
public final class ExitCodes {

  /** The run finished (a callback such as early stopping may have ended it before its epochs). */
  public static final int OK = 0;
  /** Something failed: a data, model, checkpoint or output file, or the run itself. */
  public static final int FAILED = 1;
  /** Bad options or configuration. */
  public static final int USAGE = 2;
  /** The run diverged: the training loss became NaN or infinite. */
  public static final int DIVERGED = 3;
  /** Stopped by SIGTERM or Ctrl-C after the step in progress (checkpoint and report saved; see {@link SignalStop}). */
  public static final int STOPPED = 4;

  private static final Map<Integer, String> MEANINGS = new TreeMap<>(Map.of(
      OK, "success (a callback such as early stopping may have ended the run early)",
      FAILED, "failure: a data, model, checkpoint or output file could not be used, or the run"
          + " failed (the message names the file, line or key; --verbose adds the stack trace)",
      USAGE, "bad options or configuration",
      DIVERGED, "the run diverged: the training loss became NaN or infinite (the report is still"
          + " printed and saved)",
      STOPPED, "stopped by a signal (SIGTERM, Ctrl-C) after the step in progress: the resume"
          + " checkpoint (Quickstart: with --checkpoints; a grid cell or search trial: always) and"
          + " the report so far were saved; run the same command again to continue"));

  private ExitCodes() {}

  /**
   * The help text's exit-code section for the given codes.
   *
   * @param codes the codes a main uses
   * @return lines such as {@code "  0  success ..."}
   */
  public static String help(int... codes) {
    StringBuilder out = new StringBuilder("\nexit codes:\n");
    for (int code : codes) {
      out.append("  ").append(code).append("  ").append(MEANINGS.get(code)).append('\n');
    }
    return out.toString();
  }

  /**
   * The exit code of a failure: {@link #USAGE} for a bad argument, else {@link #FAILED}.
   *
   * @param failure what was thrown
   * @return the code
   */
  public static int of(Throwable failure) {
    return failure instanceof IllegalArgumentException ? USAGE : FAILED;
  }

  /**
   * Prints a failure as one line ({@code error: ...}), and its stack trace when verbose.
   *
   * @param failure what was thrown
   * @param err the stream
   * @param verbose whether to add the stack trace
   */
  public static void print(Throwable failure, PrintStream err, boolean verbose) {
    err.println("error: " + oneLine(failure));
    if (verbose) {
      failure.printStackTrace(err);
    } else if (!isExpected(failure)) {
      err.println("(an unexpected " + failure.getClass().getSimpleName()
          + "; run again with --verbose for the stack trace)");
    }
  }

  /**
   * A failure as one line: its message (the type's name when it has none, or when the type is
   * not one the library throws on purpose), then the root cause when its message adds to it.
   *
   * @param failure what was thrown
   * @return the line
   */
  public static String oneLine(Throwable failure) {
    String message = failure.getMessage();
    StringBuilder line = new StringBuilder();
    if (!isExpected(failure) || message == null || message.isBlank()) {
      line.append(failure.getClass().getSimpleName());
      if (message != null && !message.isBlank()) {
        line.append(": ");
      }
    }
    if (message != null) {
      line.append(message);
    }
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String rootMessage = root.getMessage();
    if (root != failure && rootMessage != null && !line.toString().contains(rootMessage)) {
      line.append(" (cause: ").append(root.getClass().getSimpleName()).append(": ")
          .append(rootMessage).append(')');
    }
    return line.toString().replaceAll("\\s*\\R\\s*", " ");
  }

  /** The exception types whose messages the library writes for users. */
  private static boolean isExpected(Throwable failure) {
    return failure instanceof IllegalArgumentException
        || failure instanceof IllegalStateException
        || failure instanceof java.io.UncheckedIOException
        || failure instanceof java.io.IOException
        || failure.getClass().getPackageName().startsWith("dev.finetune.");
  }
}
