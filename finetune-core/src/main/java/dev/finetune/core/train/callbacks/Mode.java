package dev.finetune.core.train.callbacks;

import java.util.Locale;

/**
 * Whether a monitored metric improves by going up or down. {@link #infer(String)} gives
 * {@link #MIN} for losses and errors ({@code hamming_loss}, {@code mse}) and {@link #MAX} for everything else (accuracy, f1, mcc, ...).
 *
 * <pre>{@code
 * EarlyStopping.on("loss").mode(Mode.MIN);   // the same as the inferred mode
 * }</pre>
 */
public enum Mode {
  /** Larger is better. */
  MAX,
  /** Smaller is better. */
  MIN;

  /**
   * Infers the mode from a metric's name: names ending in {@code loss} (or {@code error},
   * {@code perplexity}, {@code mse}, {@code mae}) are minimised, others maximised.
   *
   * @param metric the metric's name
   * @return the mode
   */
  public static Mode infer(String metric) {
    String m = metric.toLowerCase(Locale.ROOT);
    return m.endsWith("loss") || m.endsWith("error") || m.endsWith("perplexity")
        || m.endsWith("mse") || m.endsWith("mae") ? MIN : MAX;
  }

  /**
   * Tells whether {@code value} beats {@code best} by more than {@code minDelta}.
   *
   * @param value the new value
   * @param best the best so far, NaN when none
   * @param minDelta the smallest change that counts, {@code >= 0}
   * @return true when it improves
   */
  boolean improves(double value, double best, double minDelta) {
    if (Double.isNaN(value)) {
      return false;
    }
    if (Double.isNaN(best)) {
      return true;
    }
    return this == MAX ? value > best + minDelta : value < best - minDelta;
  }
}
