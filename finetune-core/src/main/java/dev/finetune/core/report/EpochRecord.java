package dev.finetune.core.report;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One epoch of a run, as the trainer measured it. Unknown doubles are NaN (e.g. no validation
 * set), unknown byte counts are -1.
 *
 * <pre>{@code
 * EpochRecord record = EpochRecord.builder(1)
 *     .trainLoss(0.41).validationLoss(0.33).validationMetrics(Map.of("accuracy", 0.89))
 *     .seconds(812).tokensPerSecond(960).learningRate(1.2e-5)
 *     .parameters(22_713_602, 22_713_602).build();
 * }</pre>
 *
 * @param epoch the epoch number, from 1
 * @param steps optimizer steps taken so far in the run
 * @param trainLoss mean training loss over the epoch
 * @param validationLoss mean validation loss at the epoch's end
 * @param validationMetrics validation metrics by name (accuracy, f1, mcc, ...), in column order
 * @param learningRate the (base) learning rate at the epoch's end
 * @param seconds wall-clock seconds of the epoch's training
 * @param tokensPerSecond training tokens (non-padding) per second
 * @param peakHeapBytes peak JVM heap during the epoch, -1 if unknown
 * @param peakRssBytes peak process resident set size so far, -1 if unknown
 * @param peakGpuBytes GPU memory in use at its highest observed, -1 if not on a GPU
 * @param trainableParameters number of trainable parameter values at the epoch's end
 * @param totalParameters number of parameter values of the model
 */
public record EpochRecord(
    int epoch,
    long steps,
    double trainLoss,
    double validationLoss,
    Map<String, Double> validationMetrics,
    double learningRate,
    double seconds,
    double tokensPerSecond,
    long peakHeapBytes,
    long peakRssBytes,
    long peakGpuBytes,
    long trainableParameters,
    long totalParameters) {

  /** Copies the metrics into an unmodifiable map that keeps their order. */
  public EpochRecord {
    validationMetrics =
        Collections.unmodifiableMap(
            new LinkedHashMap<>(Objects.requireNonNull(validationMetrics, "validationMetrics")));
  }

  /**
   * A builder with unknown (NaN / -1 / 0) values.
   *
   * @param epoch the epoch number, from 1
   * @return the builder
   */
  public static Builder builder(int epoch) {
    return new Builder(epoch);
  }

  /** Mutable builder of an {@link EpochRecord}; see {@link EpochRecord#builder(int)}. */
  public static final class Builder {
    private final int epoch;
    private long steps;
    private double trainLoss = Double.NaN;
    private double validationLoss = Double.NaN;
    private Map<String, Double> validationMetrics = Map.of();
    private double learningRate = Double.NaN;
    private double seconds = Double.NaN;
    private double tokensPerSecond = Double.NaN;
    private long peakHeapBytes = -1;
    private long peakRssBytes = -1;
    private long peakGpuBytes = -1;
    private long trainableParameters;
    private long totalParameters;

    private Builder(int epoch) {
      this.epoch = epoch;
    }

    /**
     * Sets the run's step count at the epoch's end.
     *
     * @param value the steps
     * @return this builder
     */
    public Builder steps(long value) {
      steps = value;
      return this;
    }

    /**
     * Sets the mean training loss.
     *
     * @param value the loss
     * @return this builder
     */
    public Builder trainLoss(double value) {
      trainLoss = value;
      return this;
    }

    /**
     * Sets the mean validation loss.
     *
     * @param value the loss
     * @return this builder
     */
    public Builder validationLoss(double value) {
      validationLoss = value;
      return this;
    }

    /**
     * Sets the validation metrics (copied, order kept).
     *
     * @param value the metrics by name
     * @return this builder
     */
    public Builder validationMetrics(Map<String, Double> value) {
      validationMetrics = value;
      return this;
    }

    /**
     * Sets the learning rate at the epoch's end.
     *
     * @param value the learning rate
     * @return this builder
     */
    public Builder learningRate(double value) {
      learningRate = value;
      return this;
    }

    /**
     * Sets the epoch's training seconds.
     *
     * @param value the seconds
     * @return this builder
     */
    public Builder seconds(double value) {
      seconds = value;
      return this;
    }

    /**
     * Sets the training throughput.
     *
     * @param value tokens per second
     * @return this builder
     */
    public Builder tokensPerSecond(double value) {
      tokensPerSecond = value;
      return this;
    }

    /**
     * Sets the memory peaks; -1 where unknown.
     *
     * @param heapBytes peak JVM heap
     * @param rssBytes peak resident set size
     * @param gpuBytes peak GPU memory
     * @return this builder
     */
    public Builder memory(long heapBytes, long rssBytes, long gpuBytes) {
      peakHeapBytes = heapBytes;
      peakRssBytes = rssBytes;
      peakGpuBytes = gpuBytes;
      return this;
    }

    /**
     * Sets the parameter counts.
     *
     * @param trainable trainable parameter values
     * @param total all parameter values
     * @return this builder
     */
    public Builder parameters(long trainable, long total) {
      trainableParameters = trainable;
      totalParameters = total;
      return this;
    }

    /**
     * Builds the record.
     *
     * @return the immutable record
     */
    public EpochRecord build() {
      return new EpochRecord(
          epoch,
          steps,
          trainLoss,
          validationLoss,
          validationMetrics,
          learningRate,
          seconds,
          tokensPerSecond,
          peakHeapBytes,
          peakRssBytes,
          peakGpuBytes,
          trainableParameters,
          totalParameters);
    }
  }
}
