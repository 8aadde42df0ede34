package dev.finetune.core.metrics;

/**
 * A running weighted mean, e.g. of per-batch mean losses weighted by batch size, so that the
 * result equals the mean over all examples. Mutable, not thread-safe.
 *
 * <pre>{@code
 * MeanAccumulator loss = new MeanAccumulator();
 * loss.add(batchMeanLoss, batchSize);
 * double epochLoss = loss.mean();
 * }</pre>
 */
public final class MeanAccumulator {

  private double sum;
  private long count;

  /**
   * Adds {@code weight} observations whose mean is {@code mean}.
   *
   * @param mean the mean of the new observations
   * @param weight how many observations, {@code >= 0}
   */
  public void add(double mean, long weight) {
    if (weight < 0) {
      throw new IllegalArgumentException("weight must be >= 0, was " + weight);
    }
    sum += mean * weight;
    count += weight;
  }

  /**
   * Adds one observation.
   *
   * @param value the observation
   */
  public void add(double value) {
    add(value, 1);
  }

  /**
   * The weighted mean so far.
   *
   * @return the mean, NaN when nothing was added
   */
  public double mean() {
    return count == 0 ? Double.NaN : sum / count;
  }

  /**
   * The total weight so far.
   *
   * @return the number of observations
   */
  public long count() {
    return count;
  }

  /** Forgets everything added. */
  public void reset() {
    sum = 0;
    count = 0;
  }
}
