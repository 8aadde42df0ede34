package dev.finetune.core.train.callbacks;

import dev.finetune.core.train.ListenerState;
import dev.finetune.core.train.StatefulListener;
import dev.finetune.core.train.TrainingContext;

/**
 * An exponential moving average of the trainable weights, updated after every optimizer step (or
 * every n): the first update copies the weights, later ones do
 * {@code avg = decay * avg + (1 - decay) * w} (PyTorch's {@code AveragedModel} with an EMA
 * update). At fit end the averaged weights are copied into the model (which keeps them),
 * evaluated and reported as an extra row labelled {@code ema}; the last epoch row keeps the plain
 * weights' metrics. Used together with {@link Swa}, the callback listed last leaves its weights in
 * the model. The average lives in its own NDManager, closed at fit end; it is saved in resume
 * checkpoints (key {@code ema}) and restored exactly on resume.
 *
 * <pre>{@code
 * FineTune.of(model).callbacks(Ema.decay(0.999)).fit(train, dev);
 * }</pre>
 */
public final class Ema implements StatefulListener {

  /** The label of the averaged weights' row in the report. */
  public static final String LABEL = "ema";

  private final double decay;
  private final long every;
  private WeightAverage average;

  private Ema(double decay, long every) {
    this.decay = decay;
    this.every = every;
  }

  /**
   * An EMA with this decay, updated every step.
   *
   * @param decay in [0, 1), e.g. 0.999
   * @return the callback
   */
  public static Ema decay(double decay) {
    if (!(decay >= 0 && decay < 1)) {
      throw new IllegalArgumentException("Ema.decay(" + decay + "): must be in [0, 1), e.g. 0.999");
    }
    return new Ema(decay, 1);
  }

  /**
   * Updates the average every {@code n} optimizer steps (default 1).
   *
   * @param n {@code >= 1}
   * @return a new callback
   */
  public Ema everySteps(long n) {
    if (n < 1) {
      throw new IllegalArgumentException("Ema.everySteps(" + n + "): must be >= 1");
    }
    return new Ema(decay, n);
  }

  @Override
  public void onFitStart(TrainingContext context) {
    if (!context.resumed() || average == null) {
      closeAverage();
      average = new WeightAverage(context);
    }
  }

  @Override
  public void onStepEnd(TrainingContext context, double loss) {
    if (context.globalStep() % every == 0) {
      average.addExponential(context, decay);
    }
  }

  @Override
  public void onFitEnd(TrainingContext context) {
    try {
      if (average.count() > 0) {
        WeightAverage.swapInAndReport(context, average, LABEL);
      }
    } finally {
      closeAverage();
    }
  }

  private void closeAverage() {
    if (average != null) {
      average.close();
      average = null;
    }
  }

  /** @return {@code "ema"} */
  @Override
  public String stateKey() {
    return LABEL;
  }

  /** @return the running average: its count, parameter names and tensors */
  @Override
  public ListenerState saveState(TrainingContext context) {
    return average.state();
  }

  @Override
  public void restoreState(TrainingContext context, ListenerState state) {
    closeAverage();
    average = WeightAverage.restored(context, state, "Ema");
  }

  @Override
  public String toString() {
    return "EMA decay " + decay;
  }
}
