package dev.finetune.core.train.callbacks;

import dev.finetune.core.report.EpochRecord;
import dev.finetune.core.train.ListenerState;
import dev.finetune.core.train.StatefulListener;
import dev.finetune.core.train.TrainingContext;
import dev.finetune.schedules.Anneal;
import dev.finetune.schedules.LrSchedule;
import dev.finetune.schedules.SwaLr;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stochastic weight averaging (Izmailov et al. 2018), the RoBERTa-style recipe: the run's own
 * schedule for the first part of training, then an SWA phase in which the learning rate follows
 * PyTorch's {@code SWALR} (anneal over {@code annealSteps} optimizer steps, cosine, from the LR in
 * force when the phase starts to {@code swaLr}, then hold it) while an equal-weight running
 * average of the trainable weights is kept — updated at the end of every epoch in the phase
 * (PyTorch's usual loop), or every n steps with {@link #averageEverySteps(long)}.
 *
 * <p>At fit end the averaged weights are copied into the model (it keeps them: that is the
 * point of SWA), evaluated on the validation set and reported as an extra row labelled
 * {@code swa}; the last epoch row still holds the plain final weights' metrics. Transformers use
 * LayerNorm, so no batch-norm statistics need recomputing. The average lives in its own NDManager,
 * closed at fit end. On resume (its state is saved in resume checkpoints under the key
 * {@code swa}) the LR phase and the running average are restored exactly, so a resumed run ends
 * with the same weights as an uninterrupted one.
 *
 * <pre>{@code
 * FineTune.of(model).epochs(4)
 *     .callbacks(Swa.lastFraction(0.25).lr(1e-5))          // or Swa.fromEpoch(3)
 *     .fit(train, dev);
 * report.extraRows();   // includes the "swa" row
 * }</pre>
 */
public final class Swa implements StatefulListener {

  private static final Logger LOG = LoggerFactory.getLogger(Swa.class);
  /** The label of the averaged weights' row in the report. */
  public static final String LABEL = "swa";

  private final double fraction;
  private final int fromEpoch;
  private final Double swaLr;
  private final long annealSteps;
  private final Anneal anneal;
  private final long averageEvery;

  private long startStep;
  private boolean started;
  private WeightAverage average;

  private Swa(double fraction, int fromEpoch, Double swaLr, long annealSteps, Anneal anneal,
      long averageEvery) {
    this.fraction = fraction;
    this.fromEpoch = fromEpoch;
    this.swaLr = swaLr;
    this.annealSteps = annealSteps;
    this.anneal = anneal;
    this.averageEvery = averageEvery;
  }

  /**
   * Averages over the last {@code fraction} of the optimizer steps.
   *
   * @param fraction in (0, 1], e.g. 0.25
   * @return the callback: LR held at the LR in force when the phase starts, anneal 10 steps
   *     cosine, average at epoch ends
   */
  public static Swa lastFraction(double fraction) {
    if (!(fraction > 0 && fraction <= 1)) {
      throw new IllegalArgumentException(
          "Swa.lastFraction(" + fraction + "): the fraction must be in (0, 1], e.g. 0.25");
    }
    return new Swa(fraction, -1, null, 10, Anneal.COS, 0);
  }

  /**
   * Starts the SWA phase at the start of an epoch.
   *
   * @param epoch 0-based, {@code >= 0}
   * @return the callback
   */
  public static Swa fromEpoch(int epoch) {
    if (epoch < 0) {
      throw new IllegalArgumentException("Swa.fromEpoch(" + epoch + "): must be >= 0");
    }
    return new Swa(0, epoch, null, 10, Anneal.COS, 0);
  }

  /**
   * Sets the SWA learning rate (PyTorch's {@code swa_lr}); default: the LR in force when the phase
   * starts.
   *
   * @param value {@code >= 0}, e.g. 1e-5
   * @return a new callback
   */
  public Swa lr(double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException("Swa.lr(" + value + "): must be a finite value >= 0");
    }
    return new Swa(fraction, fromEpoch, value, annealSteps, anneal, averageEvery);
  }

  /**
   * Sets the annealing to {@code swaLr} (PyTorch's {@code anneal_epochs} and
   * {@code anneal_strategy}, counted in optimizer steps; default 10 steps, cosine).
   *
   * @param steps {@code >= 0}; 0 jumps to {@code swaLr} at once
   * @param strategy {@link Anneal#COS} or {@link Anneal#LINEAR}
   * @return a new callback
   */
  public Swa anneal(long steps, Anneal strategy) {
    if (steps < 0) {
      throw new IllegalArgumentException("Swa.anneal(" + steps + ", ...): steps must be >= 0");
    }
    return new Swa(fraction, fromEpoch, swaLr, steps, java.util.Objects.requireNonNull(strategy),
        averageEvery);
  }

  /**
   * Updates the average every {@code n} optimizer steps of the SWA phase instead of at epoch ends.
   *
   * @param n {@code >= 1}
   * @return a new callback
   */
  public Swa averageEverySteps(long n) {
    if (n < 1) {
      throw new IllegalArgumentException("Swa.averageEverySteps(" + n + "): must be >= 1");
    }
    return new Swa(fraction, fromEpoch, swaLr, annealSteps, anneal, n);
  }

  /**
   * The first optimizer step of the SWA phase in a run.
   *
   * @param stepsPerEpoch optimizer steps per epoch
   * @param totalSteps optimizer steps of the run
   * @return the 0-based step
   */
  public long startStep(long stepsPerEpoch, long totalSteps) {
    if (fromEpoch >= 0) {
      return fromEpoch * stepsPerEpoch;
    }
    return Math.min(totalSteps - 1, (long) Math.floor((1 - fraction) * totalSteps + 1e-9));
  }

  /**
   * The schedule of the SWA phase: PyTorch's SWALR, counted from the phase's first step.
   *
   * @param lrAtStart the run's LR at the phase's first step
   * @return the SWALR schedule (step 0 = the phase's first step)
   */
  public SwaLr swaLr(double lrAtStart) {
    return new SwaLr(swaLr != null ? swaLr : lrAtStart, annealSteps, anneal, lrAtStart);
  }

  @Override
  public void onFitStart(TrainingContext context) {
    startStep = startStep(context.stepsPerEpoch(), context.totalSteps());
    started = false;
    if (!context.resumed() || average == null) {
      closeAverage();
      average = new WeightAverage(context);
    }
    if (fromEpoch >= context.config().epochs()) {
      LOG.warn("Swa.fromEpoch({}) but the run has only {} epochs: no averaging will happen",
          fromEpoch, context.config().epochs());
    } else if (averageEvery == 0 && context.config().epochs() - startStep / context.stepsPerEpoch() < 2) {
      LOG.warn("the SWA phase (from step {}) spans fewer than 2 epoch ends, so the average holds a"
          + " single snapshot; use averageEverySteps(n) to average within epochs", startStep);
    }
  }

  @Override
  public void onStepStart(TrainingContext context) {
    if (!started && context.globalStep() >= startStep) {
      started = true;
      double lrAtStart = context.config().absoluteSchedule().lr(startStep, context.totalSteps());
      context.overrideSchedule(new Shifted(swaLr(lrAtStart), startStep));
      LOG.info("SWA phase from step {}: {}", startStep, swaLr(lrAtStart));
    }
  }

  @Override
  public void onStepEnd(TrainingContext context, double loss) {
    if (averageEvery > 0 && context.globalStep() > startStep
        && (context.globalStep() - startStep) % averageEvery == 0) {
      average.addEqual(context);
    }
  }

  @Override
  public void onEpochEnd(TrainingContext context, EpochRecord record) {
    if (averageEvery == 0 && context.globalStep() > startStep) {
      average.addEqual(context);
    }
  }

  @Override
  public void onFitEnd(TrainingContext context) {
    try {
      if (average.count() == 0) {
        LOG.warn("the run ended before the SWA phase averaged anything (phase from step {});"
            + " the model keeps its final weights", startStep);
        return;
      }
      LOG.info("swapping in the average of {} snapshots", average.count());
      WeightAverage.swapInAndReport(context, average, LABEL);
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

  /** @return {@code "swa"} */
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
    average = WeightAverage.restored(context, state, "Swa");
  }

  /** A schedule whose step 0 is a later step of the run. */
  private record Shifted(LrSchedule schedule, long offset) implements LrSchedule {
    @Override
    public double lr(long step, long totalSteps) {
      return schedule.lr(Math.max(0, step - offset), totalSteps);
    }

    @Override
    public String toString() {
      return schedule + " from step " + offset;
    }
  }

  @Override
  public String toString() {
    return "SWA " + (fromEpoch >= 0 ? "from epoch " + fromEpoch : "over the last " + fraction)
        + (swaLr != null ? ", swa_lr " + swaLr : "");
  }
}
