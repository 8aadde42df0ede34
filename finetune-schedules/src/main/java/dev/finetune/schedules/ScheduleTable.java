package dev.finetune.schedules;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.OptionalDouble;

/**
 * Prints a schedule as CSV, one row per optimizer step: {@code step,lr} (plus {@code momentum}
 * with {@code --momentum}).
 *
 * <pre>{@code
 * java -cp finetune-schedules.jar dev.finetune.schedules.ScheduleTable \
 *     'OneCycleLR(max_lr=0.01, total_steps=100)' --steps 100 [--lr 2e-5] [--momentum]
 * }</pre>
 *
 * <p>{@code --lr} is the base LR for schedules that take it from the optimizer (when the spec has
 * no {@code lr=}); {@code --steps} is the run's total. Exit code 0 on success, 2 on bad arguments
 * or a bad spec (with the reason on stderr).
 */
public final class ScheduleTable {

  /** Exit code for bad arguments or a bad spec. */
  public static final int USAGE_ERROR = 2;

  private static final String USAGE =
      "usage: ScheduleTable '<spec>' --steps N [--lr X] [--momentum]\n"
          + "  e.g. ScheduleTable 'OneCycleLR(max_lr=0.01,total_steps=100)' --steps 100\n"
          + "  schedules: " + String.join(", ", Schedules.names());

  private ScheduleTable() {}

  /**
   * Runs the command line and exits with its code.
   *
   * @param args the arguments
   */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /**
   * Runs the command line without exiting.
   *
   * @param args the arguments
   * @param out where the CSV goes
   * @param err where errors go
   * @return the exit code: 0 on success, {@link #USAGE_ERROR} otherwise
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    String spec = null;
    Long steps = null;
    double lr = Schedules.DEFAULT_BASE_LR;
    boolean momentum = false;
    try {
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        switch (arg) {
          case "-h", "--help" -> {
            out.println(USAGE);
            return 0;
          }
          case "--steps" -> steps = parseSteps(value(args, ++i, arg));
          case "--lr" -> lr = parseLr(value(args, ++i, arg));
          case "--momentum" -> momentum = true;
          default -> {
            if (arg.startsWith("--")) {
              throw new IllegalArgumentException("unknown option " + arg);
            }
            if (spec != null) {
              throw new IllegalArgumentException(
                  "more than one spec: '" + spec + "' and '" + arg + "' (quote the spec)");
            }
            spec = arg;
          }
        }
      }
      if (spec == null) {
        throw new IllegalArgumentException("missing the schedule spec");
      }
      if (steps == null) {
        throw new IllegalArgumentException("missing --steps N");
      }
      LrSchedule schedule = Schedules.parse(spec, lr);
      StringBuilder csv = new StringBuilder();
      writeCsv(schedule, steps, momentum, csv);
      out.print(csv);
      out.flush();
      return 0;
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      err.println(USAGE);
      return USAGE_ERROR;
    }
  }

  /**
   * Writes {@code step,lr[,momentum]} rows for steps {@code 0..steps-1}, with a header.
   *
   * @param schedule the schedule
   * @param steps the run's total steps
   * @param withMomentum whether to add the momentum column (empty where none is cycled)
   * @param out where to write
   */
  public static void writeCsv(LrSchedule schedule, long steps, boolean withMomentum,
      Appendable out) {
    try {
      out.append(withMomentum ? "step,lr,momentum\n" : "step,lr\n");
      for (long s = 0; s < steps; s++) {
        out.append(Long.toString(s)).append(',').append(Double.toString(schedule.lr(s, steps)));
        if (withMomentum) {
          OptionalDouble m = schedule.momentum(s, steps);
          out.append(',').append(m.isPresent() ? Double.toString(m.getAsDouble()) : "");
        }
        out.append('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }

  private static long parseSteps(String text) {
    long n;
    try {
      n = Long.parseLong(text.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--steps=" + text + " is not an integer; allowed [1, inf)");
    }
    if (n < 1) {
      throw new IllegalArgumentException("--steps=" + text + " is out of range; allowed [1, inf)");
    }
    return n;
  }

  private static double parseLr(String text) {
    double v;
    try {
      v = Double.parseDouble(text.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--lr=" + text + " is not a number; allowed [0, inf)");
    }
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException("--lr=" + text + " is out of range; allowed [0, inf)");
    }
    return v;
  }
}
