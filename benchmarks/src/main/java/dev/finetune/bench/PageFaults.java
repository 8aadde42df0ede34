package dev.finetune.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's minor page faults so far, from {@code /proc/self/stat} (Linux). A training step
 * that faults in fresh pages for its tensors (memory the allocator gave back to the kernel) runs
 * measurably slower, so the whole-step benchmark prints the faults of every step beside its time.
 *
 * <pre>{@code
 * long before = PageFaults.minor();
 * step();
 * long faulted = PageFaults.minor() - before;   // meaningless when either is -1
 * }</pre>
 */
public final class PageFaults {

  private static final Path STAT = Path.of("/proc/self/stat");

  private PageFaults() {}

  /**
   * Minor faults of this process so far.
   *
   * @return the count, or -1 where {@code /proc/self/stat} cannot be read (not Linux)
   */
  public static long minor() {
    try {
      return parseMinor(Files.readString(STAT));
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * Reads {@code minflt}, the 10th field of a {@code /proc/[pid]/stat} line. The second field (the
   * command name, in parentheses) may hold spaces and parentheses, so counting starts after the
   * last {@code ')'}.
   *
   * @param stat the line
   * @return the minor fault count
   * @throws IllegalArgumentException when the line does not have that shape
   */
  static long parseMinor(String stat) {
    int close = stat.lastIndexOf(')');
    if (close < 0) {
      throw new IllegalArgumentException("not a /proc/[pid]/stat line: " + stat);
    }
    // fields after the name: 3 state, 4 ppid, 5 pgrp, 6 session, 7 tty_nr, 8 tpgid, 9 flags, 10 minflt
    String[] rest = stat.substring(close + 1).trim().split(" +");
    if (rest.length < 8) {
      throw new IllegalArgumentException("not a /proc/[pid]/stat line: " + stat);
    }
    return Long.parseLong(rest[7]);
  }
}
