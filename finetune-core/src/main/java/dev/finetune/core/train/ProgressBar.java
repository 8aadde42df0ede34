package dev.finetune.core.train;

import dev.finetune.core.report.EpochRecord;
import java.io.PrintStream;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A one-line progress bar on the terminal (epoch, step/total, loss, LR, tokens/s, ETA), redrawn
 * at most 4 times a second. When standard error is not a terminal (CI, redirected output) the
 * same line goes to the log at every tenth of an epoch instead; when disabled, nothing is shown.
 */
final class ProgressBar implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ProgressBar.class);
  private static final long REDRAW_NANOS = 250_000_000L;

  private final boolean enabled;
  private final boolean logging;
  private final int epochs;
  private final long stepsPerEpoch;
  private final PrintStream out = System.err;
  private long lastDraw;
  private long epochStart = System.nanoTime();
  private long startStep;
  private boolean drawn;

  ProgressBar(boolean requested, int epochs, long stepsPerEpoch) {
    this.enabled = requested && System.console() != null;
    this.logging = requested && !enabled;
    this.epochs = epochs;
    this.stepsPerEpoch = stepsPerEpoch;
  }

  void step(int epoch, long stepInEpoch, double loss, double lr, double tokensPerSecond) {
    long now = System.nanoTime();
    if (logging) {
      long every = Math.max(1, stepsPerEpoch / 10);
      if (stepInEpoch % every == 0 || stepInEpoch == stepsPerEpoch) {
        LOG.info(String.format(Locale.ROOT, "epoch %d/%d step %d/%d loss %.4f lr %.2e %,.0f tok/s ETA %s",
            epoch + 1, epochs, stepInEpoch, stepsPerEpoch, loss, lr, tokensPerSecond,
            formatSeconds(eta(now, stepInEpoch))));
      }
      return;
    }
    if (!enabled) {
      return;
    }
    if (now - lastDraw < REDRAW_NANOS && stepInEpoch < stepsPerEpoch) {
      return;
    }
    lastDraw = now;
    int width = 24;
    int filled = (int) Math.min(width, width * stepInEpoch / Math.max(1, stepsPerEpoch));
    String bar = "#".repeat(filled) + "-".repeat(width - filled);
    out.print(String.format(Locale.ROOT,
        "\repoch %d/%d [%s] %d/%d loss %.4f lr %.2e %,.0f tok/s ETA %s   ",
        epoch + 1, epochs, bar, stepInEpoch, stepsPerEpoch, loss, lr, tokensPerSecond,
        formatSeconds(eta(now, stepInEpoch))));
    out.flush();
    drawn = true;
  }

  /** Marks the start (or, on resume, the restart) of an epoch at a step within it. */
  void startEpoch(long firstStepInEpoch) {
    epochStart = System.nanoTime();
    startStep = firstStepInEpoch;
  }

  private double eta(long now, long stepInEpoch) {
    long done = stepInEpoch - startStep;
    return done > 0 ? (now - epochStart) / 1e9 / done * (stepsPerEpoch - stepInEpoch) : 0;
  }

  void epochDone(EpochRecord record) {
    if (logging) {
      LOG.info("epoch {}/{} done in {} s: train loss {}, validation {}", record.epoch(), epochs,
          String.format(Locale.ROOT, "%.1f", record.seconds()),
          String.format(Locale.ROOT, "%.4f", record.trainLoss()), record.validationMetrics());
    }
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
