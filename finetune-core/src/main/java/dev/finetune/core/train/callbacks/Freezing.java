package dev.finetune.core.train.callbacks;

import dev.finetune.core.train.ListenerState;
import dev.finetune.core.train.StatefulListener;
import dev.finetune.core.train.TrainingContext;
import dev.finetune.schedules.ParameterAddress;
import dev.finetune.schedules.ParameterSelector;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Freezes or unfreezes the parameters a selector picks, from a given epoch or step, optionally
 * until another one.
 *
 * <ul>
 *   <li>{@code Freezing.freeze(sel).untilEpoch(1)}: frozen from the start; at the start of epoch 1
 *       they train again. {@code untilStep(n)}: the first {@code n} optimizer steps (0 to n-1) run
 *       without them.
 *   <li>{@code Freezing.freeze(sel).atEpoch(2)} / {@code atStep(n)}: frozen from then on.
 *   <li>{@code Freezing.unfreeze(sel).atStep(100)} / {@code atEpoch(1)}: parameters frozen before
 *       the fit (by you) start training at step 100.
 * </ul>
 *
 * <p>Ending a freeze unfreezes only the selected parameters that were trainable when the fit
 * started ({@link TrainingContext#trainableAtStart()}), so a PEFT method's frozen base stays
 * frozen. An explicit {@code unfreeze(sel)} unfreezes whatever the selector picks. Times are
 * checked at every epoch start and step start; "step n" is the 0-based optimizer step about to
 * run. Whether the freeze is in force is saved in resume checkpoints (key {@code freezing},
 * numbered when repeated), so a resume exactly at the end of the freeze still reverts it. The
 * settings are immutable; the callback may be reused across fits.
 *
 * <pre>{@code
 * FineTune.of(model)
 *     .callbacks(Freezing.freeze(ParameterSelector.embeddings()).untilEpoch(1),
 *                Freezing.unfreeze(ParameterSelector.layer(0)).atStep(100))
 *     .fit(train, dev);
 * }</pre>
 */
public final class Freezing implements StatefulListener {

  private static final Logger LOG = LoggerFactory.getLogger(Freezing.class);

  private final boolean freeze;
  private final ParameterSelector selector;
  private final Moment from;
  private final Moment until;
  private boolean inForce;

  private Freezing(boolean freeze, ParameterSelector selector, Moment from, Moment until) {
    this.freeze = freeze;
    this.selector = selector;
    this.from = from;
    this.until = until;
  }

  /**
   * Starts a freeze of the selected parameters; say when with the returned object.
   *
   * @param selector the parameters, e.g. {@code ParameterSelector.embeddings()}
   * @return the choice of time
   */
  public static When freeze(ParameterSelector selector) {
    return new When(true, Objects.requireNonNull(selector, "selector"));
  }

  /**
   * Starts an unfreeze of the selected parameters; say when with the returned object.
   *
   * @param selector the parameters, e.g. {@code ParameterSelector.layer(0)}
   * @return the choice of time
   */
  public static When unfreeze(ParameterSelector selector) {
    return new When(false, Objects.requireNonNull(selector, "selector"));
  }

  /**
   * When a {@link Freezing} acts.
   *
   * <pre>{@code
   * TrainingListener l = Freezing.freeze(ParameterSelector.encoderLayers()).untilStep(500);
   * }</pre>
   */
  public static final class When {
    private final boolean freeze;
    private final ParameterSelector selector;

    private When(boolean freeze, ParameterSelector selector) {
      this.freeze = freeze;
      this.selector = selector;
    }

    /**
     * Acts from the fit's start until the start of an epoch, then reverts.
     *
     * @param epoch the 0-based epoch at which the parameters return to their former state, {@code >= 1}
     * @return the callback
     */
    public Freezing untilEpoch(int epoch) {
      return new Freezing(freeze, selector, null, Moment.epoch(epoch, "untilEpoch", 1));
    }

    /**
     * Acts from the fit's start for the first {@code step} optimizer steps, then reverts.
     *
     * @param step the 0-based step at which the parameters return to their former state, {@code >= 1}
     * @return the callback
     */
    public Freezing untilStep(long step) {
      return new Freezing(freeze, selector, null, Moment.step(step, "untilStep", 1));
    }

    /**
     * Acts from the start of an epoch on.
     *
     * @param epoch the 0-based epoch, {@code >= 0}
     * @return the callback
     */
    public Freezing atEpoch(int epoch) {
      return new Freezing(freeze, selector, Moment.epoch(epoch, "atEpoch", 0), null);
    }

    /**
     * Acts from an optimizer step on.
     *
     * @param step the 0-based step, {@code >= 0}
     * @return the callback
     */
    public Freezing atStep(long step) {
      return new Freezing(freeze, selector, Moment.step(step, "atStep", 0), null);
    }
  }

  /** A point in the run: an epoch start or an optimizer step. */
  private record Moment(boolean epochs, long value) {
    static Moment epoch(long value, String what, long min) {
      return new Moment(true, check(value, what, min));
    }

    static Moment step(long value, String what, long min) {
      return new Moment(false, check(value, what, min));
    }

    private static long check(long value, String what, long min) {
      if (value < min) {
        throw new IllegalArgumentException(
            "Freezing." + what + "(" + value + "): must be >= " + min);
      }
      return value;
    }

    boolean reached(TrainingContext ctx) {
      return (epochs ? ctx.epoch() : ctx.globalStep()) >= value;
    }

    @Override
    public String toString() {
      return (epochs ? "epoch " : "step ") + value;
    }
  }

  @Override
  public void onFitStart(TrainingContext context) {
    if (!context.resumed()) {
      inForce = false;
    }
    update(context);
  }

  /** @return {@code "freezing"} */
  @Override
  public String stateKey() {
    return "freezing";
  }

  /** @return whether the freeze (or unfreeze) is in force */
  @Override
  public ListenerState saveState(TrainingContext context) {
    return ListenerState.builder().put("in_force", inForce).build();
  }

  @Override
  public void restoreState(TrainingContext context, ListenerState state) {
    inForce = state.getBoolean("in_force");
  }

  @Override
  public void onEpochStart(TrainingContext context) {
    update(context);
  }

  @Override
  public void onStepStart(TrainingContext context) {
    update(context);
  }

  private void update(TrainingContext ctx) {
    boolean now = (from == null || from.reached(ctx)) && (until == null || !until.reached(ctx));
    if (now == inForce) {
      return;
    }
    inForce = now;
    int numLayers = ctx.numLayers();
    Predicate<ParameterAddress> selected = a -> selector.matches(a, numLayers);
    int changed;
    if (now) {
      changed = freeze ? ctx.parameters().freeze(selected) : ctx.parameters().unfreeze(selected);
    } else if (freeze) {
      Set<String> allowed = ctx.trainableAtStart();
      changed = ctx.parameters().unfreeze(a -> selected.test(a) && allowed.contains(a.name()));
    } else {
      changed = ctx.parameters().freeze(selected);
    }
    boolean frozen = now == freeze;
    LOG.info("{} {} parameter tensors at epoch {} step {} ({})", frozen ? "froze" : "unfroze",
        changed, ctx.epoch(), ctx.globalStep(), this);
  }

  @Override
  public String toString() {
    return (freeze ? "freeze" : "unfreeze") + " " + selector
        + (from != null ? " from " + from : "") + (until != null ? " until " + until : "");
  }
}
