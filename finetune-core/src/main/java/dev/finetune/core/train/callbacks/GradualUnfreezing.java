package dev.finetune.core.train.callbacks;

import dev.finetune.core.params.ModelParameter;
import dev.finetune.core.train.TrainingContext;
import dev.finetune.core.train.TrainingListener;
import dev.finetune.schedules.unfreeze.Pace;
import dev.finetune.schedules.unfreeze.UnfreezeSchedule;
import dev.finetune.schedules.unfreeze.Unfreezing;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives an {@link UnfreezeSchedule} from {@code finetune-schedules}: at every epoch start and
 * step start it makes exactly the parameters the schedule names trainable and freezes the rest.
 * Default: ULMFiT gradual unfreezing (Howard and Ruder 2018), the head alone in epoch 0, then one
 * more encoder layer from the top each epoch, the embeddings last.
 *
 * <p>The schedule only ever unfreezes parameters that were trainable when the fit started
 * ({@link TrainingContext#trainableAtStart()}): a parameter that a PEFT method or your own code
 * froze on purpose stays frozen. With LoRA, for example, gradual unfreezing thaws the adapters
 * layer by layer while the base weights never train. While this callback runs it owns the
 * trainable flags; do not combine it with {@link Freezing} on the same parameters.
 *
 * <pre>{@code
 * FineTune.of(model)
 *     .callbacks(GradualUnfreezing.perEpoch())                      // ULMFiT
 *     // or GradualUnfreezing.everySteps(500), GradualUnfreezing.chainThaw(Pace.perEpoch()),
 *     // GradualUnfreezing.gradual().startingWith(2).everyEpochs(1),
 *     // GradualUnfreezing.following(Unfreezing.freezeUntilStep(ParameterSelector.encoderLayers(), 100))
 *     .epochs(3)
 *     .fit(train, dev);
 * }</pre>
 */
public final class GradualUnfreezing implements TrainingListener {

  private static final Logger LOG = LoggerFactory.getLogger(GradualUnfreezing.class);

  private final UnfreezeSchedule schedule;
  private Set<String> applied;

  private GradualUnfreezing(UnfreezeSchedule schedule) {
    this.schedule = Objects.requireNonNull(schedule, "schedule");
  }

  /**
   * ULMFiT gradual unfreezing: the head in epoch 0, one more group from the top per epoch.
   *
   * @return the callback
   */
  public static GradualUnfreezing perEpoch() {
    return gradual().perEpoch();
  }

  /**
   * Gradual unfreezing with one more group every {@code n} epochs.
   *
   * @param n epochs per group, {@code >= 1}
   * @return the callback
   */
  public static GradualUnfreezing everyEpochs(long n) {
    return gradual().everyEpochs(n);
  }

  /**
   * Gradual unfreezing with one more group every {@code n} optimizer steps.
   *
   * @param n steps per group, {@code >= 1}
   * @return the callback
   */
  public static GradualUnfreezing everySteps(long n) {
    return gradual().everySteps(n);
  }

  /**
   * Gradual unfreezing, to be given a pace (and optionally a number of initial groups).
   *
   * @return the choice of pace
   */
  public static Gradual gradual() {
    return new Gradual(1);
  }

  /**
   * Chain-thaw (Felbo et al. 2017): the head, then each group alone from the bottom, then all.
   *
   * @param pace how fast the stages advance, e.g. {@code Pace.perEpoch()}
   * @return the callback
   */
  public static GradualUnfreezing chainThaw(Pace pace) {
    return new GradualUnfreezing(Unfreezing.chainThaw(pace));
  }

  /**
   * Follows any unfreeze schedule.
   *
   * @param schedule e.g. {@code Unfreezing.freezeUntilStep(ParameterSelector.encoderLayers(), 100)}
   * @return the callback
   */
  public static GradualUnfreezing following(UnfreezeSchedule schedule) {
    return new GradualUnfreezing(schedule);
  }

  /**
   * The pace of a gradual unfreezing.
   *
   * <pre>{@code
   * GradualUnfreezing u = GradualUnfreezing.gradual().startingWith(2).everySteps(200);
   * }</pre>
   */
  public static final class Gradual {
    private final int initialGroups;

    private Gradual(int initialGroups) {
      this.initialGroups = initialGroups;
    }

    /**
     * Sets how many groups train from the start (default 1: the head alone).
     *
     * @param groups groups from the top, {@code >= 1}
     * @return a new choice
     */
    public Gradual startingWith(int groups) {
      if (groups < 1) {
        throw new IllegalArgumentException(
            "gradual unfreezing: startingWith(" + groups + ") must be >= 1 (1 = the head alone)");
      }
      return new Gradual(groups);
    }

    /** @return one more group per epoch (ULMFiT) */
    public GradualUnfreezing perEpoch() {
      return with(Pace.perEpoch());
    }

    /** @param n epochs per group @return the callback */
    public GradualUnfreezing everyEpochs(long n) {
      return with(Pace.everyEpochs(n));
    }

    /** @param n optimizer steps per group @return the callback */
    public GradualUnfreezing everySteps(long n) {
      return with(Pace.everySteps(n));
    }

    /** @param pace any pace @return the callback */
    public GradualUnfreezing with(Pace pace) {
      return new GradualUnfreezing(Unfreezing.gradual(pace, initialGroups));
    }
  }

  /**
   * The schedule this callback follows.
   *
   * @return the schedule
   */
  public UnfreezeSchedule schedule() {
    return schedule;
  }

  @Override
  public void onFitStart(TrainingContext context) {
    applied = null;
    apply(context);
  }

  @Override
  public void onEpochStart(TrainingContext context) {
    apply(context);
  }

  @Override
  public void onStepStart(TrainingContext context) {
    apply(context);
  }

  private void apply(TrainingContext ctx) {
    Set<String> allowed = ctx.trainableAtStart();
    int numLayers = ctx.numLayers();
    Set<String> wanted = new HashSet<>();
    for (ModelParameter p : ctx.parameters().all()) {
      if (allowed.contains(p.hfName())
          && schedule.isTrainable(p.address(), numLayers, ctx.epoch(), ctx.globalStep())) {
        wanted.add(p.hfName());
      }
    }
    if (wanted.equals(applied)) {
      return;
    }
    if (wanted.isEmpty()) {
      throw new IllegalStateException("unfreeze schedule " + schedule + " leaves no parameter"
          + " trainable at epoch " + ctx.epoch() + " step " + ctx.globalStep() + " among the "
          + allowed.size() + " that were trainable at the start; check the schedule's selection"
          + " against the PEFT method (e.g. add .alwaysTraining(ParameterSelector.role(PEFT)))");
    }
    ctx.parameters().trainOnly(a -> wanted.contains(a.name()));
    applied = wanted;
    LOG.info("epoch {} step {}: training groups {} ({} parameter tensors)", ctx.epoch(),
        ctx.globalStep(), schedule.trainableGroups(numLayers, ctx.epoch(), ctx.globalStep()),
        wanted.size());
  }

  @Override
  public String toString() {
    return "unfreezing " + schedule;
  }
}
