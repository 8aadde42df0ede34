package dev.finetune.core.optim;

/**
 * Dynamic loss scaling for float16 training, as {@code torch.cuda.amp.GradScaler}: the loss is
 * multiplied by {@link #scale()} before backward so that small gradients do not underflow in
 * float16, the gradients are divided by it again (in float32) before clipping and the update, and
 * a step whose gradients hold an infinity or NaN is skipped and halves the scale; after
 * {@code growthInterval} good steps in a row the scale doubles. The state (scale and the count of
 * good steps) is saved in resume checkpoints.
 *
 * <pre>{@code
 * LossScaler scaler = LossScaler.torchDefaults();   // 2^16, x2 every 2000 good steps, x0.5 on inf
 * backward(loss * scaler.scale());
 * gradients /= scaler.scale();
 * boolean finite = Double.isFinite(GradientClipping.clipByGlobalNorm(gradients, 1.0));
 * if (finite) optimizer.step(updates);
 * scaler.update(finite);
 * }</pre>
 */
public final class LossScaler {

  private final double growthFactor;
  private final double backoffFactor;
  private final int growthInterval;
  private double scale;
  private int goodSteps;
  private long skippedSteps;

  /**
   * Creates a scaler.
   *
   * @param initialScale the first scale, finite and {@code > 0}
   * @param growthFactor the factor applied after {@code growthInterval} good steps, {@code > 1}
   * @param backoffFactor the factor applied on a step with an infinity or NaN, in (0, 1)
   * @param growthInterval good steps in a row before the scale grows, {@code >= 1}
   */
  public LossScaler(double initialScale, double growthFactor, double backoffFactor,
      int growthInterval) {
    if (!(initialScale > 0) || Double.isInfinite(initialScale)) {
      throw new IllegalArgumentException("initial loss scale must be finite and > 0, was "
          + initialScale);
    }
    if (!(growthFactor > 1) || Double.isInfinite(growthFactor)) {
      throw new IllegalArgumentException("loss-scale growth factor must be finite and > 1, was "
          + growthFactor);
    }
    if (!(backoffFactor > 0 && backoffFactor < 1)) {
      throw new IllegalArgumentException("loss-scale back-off factor must be in (0, 1), was "
          + backoffFactor);
    }
    if (growthInterval < 1) {
      throw new IllegalArgumentException("loss-scale growth interval must be >= 1, was "
          + growthInterval);
    }
    this.scale = initialScale;
    this.growthFactor = growthFactor;
    this.backoffFactor = backoffFactor;
    this.growthInterval = growthInterval;
  }

  /**
   * PyTorch's defaults: scale 2^16, growth factor 2 every 2000 good steps, back-off 0.5.
   *
   * @return a new scaler
   */
  public static LossScaler torchDefaults() {
    return new LossScaler(65536.0, 2.0, 0.5, 2000);
  }

  /**
   * The scale the next backward's loss is multiplied by.
   *
   * @return the scale
   */
  public double scale() {
    return scale;
  }

  /**
   * Good steps in a row since the scale last changed.
   *
   * @return the count, below the growth interval
   */
  public int goodSteps() {
    return goodSteps;
  }

  /**
   * Steps skipped for an infinity or NaN in the gradients since this scaler was made (or its
   * state restored).
   *
   * @return the count
   */
  public long skippedSteps() {
    return skippedSteps;
  }

  /**
   * Records the outcome of a step: with {@code finite} false the step was skipped and the scale
   * backs off; with true it counts a good step and grows the scale after the growth interval.
   *
   * @param finite whether every unscaled gradient was finite
   */
  public void update(boolean finite) {
    if (!finite) {
      scale *= backoffFactor;
      goodSteps = 0;
      skippedSteps++;
      return;
    }
    goodSteps++;
    if (goodSteps == growthInterval) {
      scale *= growthFactor;
      goodSteps = 0;
    }
  }

  /**
   * Restores the state a checkpoint saved.
   *
   * @param savedScale the scale, finite and {@code > 0}
   * @param savedGoodSteps good steps in a row, in {@code [0, growthInterval)}
   * @param savedSkippedSteps steps skipped so far, {@code >= 0}
   * @throws IllegalArgumentException naming the value out of range
   */
  public void restore(double savedScale, int savedGoodSteps, long savedSkippedSteps) {
    if (!(savedScale > 0) || Double.isInfinite(savedScale)) {
      throw new IllegalArgumentException("saved loss scale must be finite and > 0, was "
          + savedScale);
    }
    if (savedGoodSteps < 0 || savedGoodSteps >= growthInterval) {
      throw new IllegalArgumentException("saved count of good steps " + savedGoodSteps
          + " is outside [0, " + growthInterval + ")");
    }
    if (savedSkippedSteps < 0) {
      throw new IllegalArgumentException("saved count of skipped steps is negative: "
          + savedSkippedSteps);
    }
    scale = savedScale;
    goodSteps = savedGoodSteps;
    skippedSteps = savedSkippedSteps;
  }

  @Override
  public String toString() {
    return "LossScaler[scale=" + scale + ", goodSteps=" + goodSteps + "/" + growthInterval
        + ", skipped=" + skippedSteps + "]";
  }
}
