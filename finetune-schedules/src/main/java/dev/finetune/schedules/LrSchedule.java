package dev.finetune.schedules;

import java.util.OptionalDouble;

/**
 * A learning-rate schedule: the LR in force for optimizer update number {@code step} (0-based).
 *
 * <p>{@code totalSteps} is the number of optimizer steps of the whole run as the trainer knows it.
 * Schedules that span a fixed number of steps of their own ({@code num_training_steps},
 * {@code total_steps}, ...) use that and ignore it; those configured without one take the
 * caller's, so {@code Schedules.warmup(0.1).thenLinearDecay()} fits any run. Pass
 * {@link #UNKNOWN_TOTAL} when the total is unknown.
 *
 * <p>Values are learning rates. One rule, PyTorch's, says which depend on the optimizer's
 * learning rate: every argument the reference names as an LR ({@code max_lr}, {@code base_lr},
 * {@code eta_min}, {@code lr_end}, {@code swa_lr}) is an absolute LR; the LR a reference takes
 * from the optimizer is carried as {@code lr} (default 1.0, which makes the values multipliers)
 * and stands for the base LR. Hence a schedule is either
 *
 * <ul>
 *   <li><b>absolute</b> ({@link #absolute()}): it takes nothing from the optimizer
 *       ({@code OneCycleLR}, {@code CyclicLR}); or
 *   <li><b>relative</b>: it starts from the optimizer's LR ({@code StepLR}, {@code LinearLR},
 *       {@code ExponentialLR}, {@code ConstantLR}, {@code PolynomialLR}, {@code constant}, Hugging
 *       Face's {@code *_with_warmup}, {@code inverse_sqrt}, ULMFiT's {@code slanted_triangular}),
 *       possibly towards an absolute floor or target ({@code CosineAnnealingLR},
 *       {@code CosineAnnealingWarmRestarts}, {@code polynomial_decay_with_warmup},
 *       {@code SWALR}).
 * </ul>
 *
 * <p>{@link #atBaseLr(double)} is the schedule an optimizer with a base learning rate follows: an
 * absolute schedule unchanged, a relative one with {@code lr} multiplied by the base LR and its
 * absolute floor or target as it is. The trainer applies it to a schedule given as an object; a
 * spec parsed with {@link Schedules#parse(String, double)} gets the base LR as {@code lr} where it
 * has no {@code lr=}, with the same values (an explicit {@code lr=} in a spec pins the optimizer's
 * LR, so the base LR no longer applies; in Java, keep a relative schedule's {@code lr} at 1.0 to
 * follow the base LR). Composites: {@code warmup}, {@code scaled} and {@code per_epoch} are as
 * absolute as the schedule they wrap; {@code SequentialLR} resolves each part by its own kind
 * (PyTorch's {@code SequentialLR} hands the same optimizer to each) and is absolute when all
 * parts are.
 *
 * <p>Parameter groups multiply the schedule's value by their {@code LrPolicy} multiplier, which
 * equals PyTorch's per-group schedules because every schedule here is linear in its LR arguments.
 *
 * <p>{@code toString()} is a spec that {@link Schedules#parse(String)} reads back to an equal
 * schedule.
 *
 * <pre>{@code
 * LrSchedule s = Schedules.parse("OneCycleLR(max_lr=0.01,total_steps=100)");
 * double lr = s.lr(10, 100);
 * double momentum = s.momentum(10, 100).orElse(0.9);
 * Schedules.warmup(0.1).thenLinearDecay().atBaseLr(2e-5).lr(10, 100);  // 2e-5, the peak
 * Schedules.oneCycle(1e-4).atBaseLr(2e-5).lr(29, 100);                  // 1e-4, the peak
 * }</pre>
 */
public interface LrSchedule {

  /** The total to pass when the run's length is unknown. */
  long UNKNOWN_TOTAL = 0;

  /**
   * Computes the learning rate in force for an optimizer step.
   *
   * @param step the 0-based optimizer step
   * @param totalSteps the run's total number of optimizer steps, or {@link #UNKNOWN_TOTAL}
   * @return the learning rate
   * @throws IllegalArgumentException for a negative step, or when the schedule needs a total and
   *     has none
   */
  double lr(long step, long totalSteps);

  /**
   * Computes the learning rate for a schedule that needs no run length.
   *
   * @param step the 0-based optimizer step
   * @return the learning rate
   */
  default double lr(long step) {
    return lr(step, UNKNOWN_TOTAL);
  }

  /**
   * Tells the momentum (SGD momentum or Adam's beta1) that the schedule cycles, if it cycles one
   * ({@code OneCycleLR} and {@code CyclicLR} with {@code cycle_momentum=True}).
   *
   * @param step the 0-based optimizer step
   * @param totalSteps the run's total number of optimizer steps, or {@link #UNKNOWN_TOTAL}
   * @return the momentum, or empty when the schedule leaves momentum alone
   */
  default OptionalDouble momentum(long step, long totalSteps) {
    return OptionalDouble.empty();
  }

  /**
   * Tells whether the values are learning rates of their own (the definition carries them all, as
   * {@code OneCycleLR(max_lr)} does) rather than depending on the optimizer's learning rate.
   *
   * @return true for absolute schedules; false (the default) for relative ones
   */
  default boolean absolute() {
    return false;
  }

  /**
   * The schedule an optimizer with a base learning rate follows: this one when it is
   * {@link #absolute()}, else its values times {@code baseLr} (those with an absolute floor or
   * target scale only their {@code lr}; composites resolve each part).
   *
   * @param baseLr the optimizer's base learning rate, {@code >= 0}
   * @return the schedule in learning rates
   */
  default LrSchedule atBaseLr(double baseLr) {
    Check.lr("atBaseLr", "baseLr", baseLr);
    return absolute() ? this : scaled(baseLr);
  }

  /**
   * Multiplies every learning rate by a factor.
   *
   * @param factor the factor, {@code >= 0}
   * @return the scaled schedule
   */
  default LrSchedule scaled(double factor) {
    return new Scaled(this, factor);
  }

  /**
   * Steps this schedule once per epoch instead of once per optimizer step.
   *
   * @param stepsPerEpoch optimizer steps in one epoch
   * @return the per-epoch schedule
   */
  default LrSchedule perEpoch(long stepsPerEpoch) {
    return new PerEpoch(this, stepsPerEpoch);
  }

  /**
   * Puts a linear warm-up from 0 of a number of steps in front of this schedule.
   *
   * @param steps warm-up steps
   * @return the warmed-up schedule
   */
  default LrSchedule withWarmup(long steps) {
    return new Warmup(this, WarmupLength.steps(steps), Warmup.Mode.LINEAR, 0.0);
  }

  /**
   * Runs this schedule for {@code steps} steps, then {@code next} from its own step 0.
   *
   * @param steps how many steps this schedule runs
   * @param next the schedule that follows
   * @return the sequence
   */
  default LrSchedule then(long steps, LrSchedule next) {
    return Sequential.of(this, steps, next);
  }

  /**
   * Tabulates the learning rate of steps {@code 0..totalSteps-1}.
   *
   * @param totalSteps the run's total number of optimizer steps
   * @return one learning rate per step
   */
  default double[] values(int totalSteps) {
    double[] out = new double[totalSteps];
    for (int i = 0; i < totalSteps; i++) {
      out[i] = lr(i, totalSteps);
    }
    return out;
  }
}
