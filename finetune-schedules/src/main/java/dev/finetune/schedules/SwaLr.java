package dev.finetune.schedules;

import dev.finetune.schedules.spec.SpecWriter;

/**
 * PyTorch {@code swa_utils.SWALR} (Izmailov et al. 2018): anneals from the starting LR to
 * {@code swa_lr} over {@code anneal_epochs} steps, then holds it.
 *
 * <p>{@code lr(t) = swa_lr * alpha + lr * (1 - alpha)}, {@code alpha = anneal(min(1, t /
 * max(1, anneal_epochs)))} with {@code anneal} = {@code (1 - cos(pi * x)) / 2} or {@code x}; with
 * {@code anneal_epochs = 0}, {@code alpha = 1} from step 0. This is what PyTorch's recursive
 * update yields when SWALR is stepped once per step and nothing else changes the LR. The unit is
 * whatever you step it by: wrap in {@code per_epoch(...)} for epochs. {@code swa_lr} is an
 * absolute LR; {@code lr} is the optimizer's, so {@link #atBaseLr(double)} scales only it.
 *
 * <pre>{@code
 * LrSchedule s = Schedules.parse("SWALR(swa_lr=0.05, anneal_epochs=10, anneal_strategy=linear, lr=0.1)");
 * s.lr(5);   // 0.075
 * s.lr(10);  // 0.05
 * }</pre>
 *
 * @param swaLr the target learning rate, {@code >= 0}
 * @param annealEpochs steps of the annealing, {@code >= 0} (default 10)
 * @param annealStrategy cos or linear (default cos)
 * @param lr the starting learning rate (PyTorch takes it from the optimizer)
 */
public record SwaLr(double swaLr, long annealEpochs, Anneal annealStrategy, double lr)
    implements LrSchedule {

  static final String NAME = "SWALR";

  /** Validates the arguments. */
  public SwaLr {
    Check.lr(NAME, "swa_lr", swaLr);
    Check.nonNegative(NAME, "anneal_epochs", annealEpochs);
    java.util.Objects.requireNonNull(annealStrategy, "annealStrategy");
    Check.lr(NAME, "lr", lr);
  }

  /**
   * Multiplies the starting LR by the base LR; {@code swa_lr} is an absolute LR and stays.
   *
   * @param baseLr the optimizer's base learning rate
   * @return the schedule in learning rates
   */
  @Override
  public SwaLr atBaseLr(double baseLr) {
    return new SwaLr(swaLr, annealEpochs, annealStrategy, lr * baseLr);
  }

  @Override
  public double lr(long step, long totalSteps) {
    Check.step(NAME, step);
    long s = annealEpochs == 0 ? Math.max(1, step) : step;
    double t = Math.max(0, Math.min(1, s / (double) Math.max(1, annealEpochs)));
    double alpha = annealStrategy.alpha(t);
    return swaLr * alpha + lr * (1 - alpha);
  }

  @Override
  public String toString() {
    return new SpecWriter(NAME).arg("swa_lr", swaLr).arg("anneal_epochs", annealEpochs)
        .arg("anneal_strategy", annealStrategy.specName()).arg("lr", lr).toString();
  }
}
