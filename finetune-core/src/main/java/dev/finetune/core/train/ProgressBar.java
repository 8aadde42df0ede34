package dev.finetune.core.train;

import dev.finetune.core.report.EpochRecord;
import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar on the terminal (epoch, step/total, loss, LR, tokens/s, ETA), redrawn
 * at most 4 times a second. Silent when disabled or when standard error is not a terminal (CI,
 * redirected output); the log still gets one line per epoch.
 */
final class ProgressBar implements AutoCloseable {

  private static final long REDRAW_NANOS = 250_000_000L;

  private final boolean enabled;
  private final int epochs;
  private final long stepsPerEpoch;
  private final PrintStream out = System.err;
  private long lastDraw;
  private long epochStart = System.nanoTime();
  private boolean drawn;

  ProgressBar(boolean requested, int epochs, long stepsPerEpoch) {
    this.enabled = requested && System.console() != null;
    this.epochs = epochs;
    this.stepsPerEpoch = stepsPerEpoch;
  }

  void step(int epoch, long stepInEpoch, double loss, double lr, double tokensPerSecond) {
    if (!enabled) {
      return;
    }
    long now = System.nanoTime();
    if (stepInEpoch == 1) {
      epochStart = now;
    }
    if (now - lastDraw < REDRAW_NANOS && stepInEpoch < stepsPerEpoch) {
      return;
    }
    lastDraw = now;
    double elapsed = (now - epochStart) / 1e9;
    double eta = stepInEpoch > 0 ? elapsed / stepInEpoch * (stepsPerEpoch - stepInEpoch) : 0;
    int width = 24;
    int filled = (int) Math.min(width, width * stepInEpoch / Math.max(1, stepsPerEpoch));
    String bar = "#".repeat(filled) + "-".repeat(width - filled);
    out.print(String.format(Locale.ROOT,
        "\repoch %d/%d [%s] %d/%d loss %.4f lr %.2e %,.0f tok/s ETA %s   ",
        epoch + 1, epochs, bar, stepInEpoch, stepsPerEpoch, loss, lr, tokensPerSecond,
        formatSeconds(eta)));
    out.flush();
    drawn = true;
  }

  void epochDone(EpochRecord record) {
    if (drawn) {
      out.println();
      drawn = false;
    }
  }

  private static String formatSeconds(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }

  @Override
  public void close() {
    if (drawn) {
      out.println();
      drawn = false;
    }
  }
}
