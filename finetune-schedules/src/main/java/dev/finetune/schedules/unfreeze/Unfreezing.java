package dev.finetune.schedules.unfreeze;

import dev.finetune.schedules.ParameterAddress;
import dev.finetune.schedules.ParameterSelector;
import java.util.Objects;

/**
 * Unfreeze schedules.
 *
 * <ul>
 *   <li>{@link #gradual(Pace)} (ULMFiT gradual unfreezing): at stage {@code s} the groups with
 *       depth {@code < initialGroups + s} train: first the head, then one more layer from the top
 *       each stage, the embeddings last.
 *   <li>{@link #freezeUntilStep(ParameterSelector, long)}: the selected parameters stay frozen
 *       while {@code step < untilStep}; all others train throughout.
 *   <li>{@link #chainThaw(Pace)} (Felbo et al. 2017, cited by ULMFiT): stage 0 trains the head;
 *       stages {@code 1..L+1} train one group alone, from the bottom (embeddings, layer 0, ...,
 *       layer {@code L-1}); from stage {@code L+2} everything trains.
 *   <li>{@link #none()}: everything trains.
 * </ul>
 *
 * <pre>{@code
 * UnfreezeSchedule u = Unfreezing.gradual(Pace.everySteps(500))
 *     .alwaysTraining(ParameterSelector.role(ParameterRole.PEFT));
 * }</pre>
 */
public final class Unfreezing {

  private Unfreezing() {}

  /**
   * ULMFiT gradual unfreezing, starting with the head alone.
   *
   * @param pace how fast one more group unfreezes
   * @return the schedule
   */
  public static UnfreezeSchedule gradual(Pace pace) {
    return new Gradual(pace, 1);
  }

  /**
   * Gradual unfreezing, starting with the top {@code initialGroups} groups.
   *
   * @param pace how fast one more group unfreezes
   * @param initialGroups groups trainable at stage 0, {@code >= 1} (1 = head only)
   * @return the schedule
   */
  public static UnfreezeSchedule gradual(Pace pace, int initialGroups) {
    return new Gradual(pace, initialGroups);
  }

  /**
   * Keeps the selected parameters frozen for the first {@code untilStep} steps.
   *
   * @param frozen the parameters held frozen (e.g. {@code ParameterSelector.head().negate()})
   * @param untilStep the first step at which they train, {@code >= 0}
   * @return the schedule
   */
  public static UnfreezeSchedule freezeUntilStep(ParameterSelector frozen, long untilStep) {
    return new FreezeUntilStep(frozen, untilStep);
  }

  /**
   * Chain-thaw: head, then each group alone from the bottom, then everything.
   *
   * @param pace how fast the stages advance
   * @return the schedule
   */
  public static UnfreezeSchedule chainThaw(Pace pace) {
    return new ChainThaw(pace);
  }

  /**
   * Everything trains throughout.
   *
   * @return the schedule
   */
  public static UnfreezeSchedule none() {
    return new AllTraining();
  }

  /** Everything trains.
   *
   * <pre>{@code
   * Unfreezing.none().isTrainable(address, 12, 0, 0);  // true
   * }</pre>
   */
  public record AllTraining() implements UnfreezeSchedule {
    @Override
    public boolean isTrainable(ParameterAddress address, int numLayers, long epoch, long step) {
      return true;
    }
  }

  /**
   * Gradual unfreezing from the top.
   *
   * <pre>{@code
   * UnfreezeSchedule u = new Unfreezing.Gradual(Pace.perEpoch(), 1);
   * }</pre>
   *
   * @param pace the pace
   * @param initialGroups groups trainable at stage 0
   */
  public record Gradual(Pace pace, int initialGroups) implements UnfreezeSchedule {
    /** Validates the arguments. */
    public Gradual {
      Objects.requireNonNull(pace, "pace");
      if (initialGroups < 1) {
        throw new IllegalArgumentException(
            "gradual: initialGroups=" + initialGroups + " is out of range; allowed [1, inf)");
      }
    }

    @Override
    public boolean isTrainable(ParameterAddress address, int numLayers, long epoch, long step) {
      return address.depth(numLayers) < initialGroups + pace.stage(epoch, step);
    }
  }

  /**
   * Selected parameters frozen until a step.
   *
   * <pre>{@code
   * UnfreezeSchedule u = new Unfreezing.FreezeUntilStep(ParameterSelector.encoderLayers(), 500);
   * }</pre>
   *
   * @param frozen the parameters held frozen
   * @param untilStep the first step at which they train
   */
  public record FreezeUntilStep(ParameterSelector frozen, long untilStep)
      implements UnfreezeSchedule {
    /** Validates the arguments. */
    public FreezeUntilStep {
      Objects.requireNonNull(frozen, "frozen");
      if (untilStep < 0) {
        throw new IllegalArgumentException(
            "freezeUntilStep: untilStep=" + untilStep + " is out of range; allowed [0, inf)");
      }
    }

    @Override
    public boolean isTrainable(ParameterAddress address, int numLayers, long epoch, long step) {
      return step >= untilStep || !frozen.matches(address, numLayers);
    }
  }

  /**
   * Chain-thaw.
   *
   * <pre>{@code
   * UnfreezeSchedule u = new Unfreezing.ChainThaw(Pace.perEpoch());
   * }</pre>
   *
   * @param pace the pace
   */
  public record ChainThaw(Pace pace) implements UnfreezeSchedule {
    /** Validates the pace. */
    public ChainThaw {
      Objects.requireNonNull(pace, "pace");
    }

    @Override
    public boolean isTrainable(ParameterAddress address, int numLayers, long epoch, long step) {
      int depth = address.depth(numLayers);
      long stage = pace.stage(epoch, step);
      if (stage == 0) {
        return depth == 0;
      }
      if (stage <= numLayers + 1) {
        return depth == numLayers + 2 - stage;
      }
      return true;
    }
  }

  /**
   * A schedule plus parameters that always train.
   *
   * <pre>{@code
   * UnfreezeSchedule u = Unfreezing.chainThaw(Pace.perEpoch()).alwaysTraining(ParameterSelector.head());
   * }</pre>
   *
   * @param schedule the schedule
   * @param always the always-trainable parameters
   */
  public record AlwaysTraining(UnfreezeSchedule schedule, ParameterSelector always)
      implements UnfreezeSchedule {
    /** Validates the arguments. */
    public AlwaysTraining {
      Objects.requireNonNull(schedule, "schedule");
      Objects.requireNonNull(always, "always");
    }

    @Override
    public boolean isTrainable(ParameterAddress address, int numLayers, long epoch, long step) {
      return always.matches(address, numLayers)
          || schedule.isTrainable(address, numLayers, epoch, step);
    }
  }

  /**
   * A schedule confined to a selection.
   *
   * <pre>{@code
   * UnfreezeSchedule u = Unfreezing.gradual(Pace.perEpoch()).within(ParameterSelector.role(ParameterRole.PEFT));
   * }</pre>
   *
   * @param schedule the schedule
   * @param scope the parameters it may unfreeze
   */
  public record Within(UnfreezeSchedule schedule, ParameterSelector scope)
      implements UnfreezeSchedule {
    /** Validates the arguments. */
    public Within {
      Objects.requireNonNull(schedule, "schedule");
      Objects.requireNonNull(scope, "scope");
    }

    @Override
    public boolean isTrainable(ParameterAddress address, int numLayers, long epoch, long step) {
      return scope.matches(address, numLayers)
          && schedule.isTrainable(address, numLayers, epoch, step);
    }
  }
}
