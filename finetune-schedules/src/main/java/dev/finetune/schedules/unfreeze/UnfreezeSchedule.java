package dev.finetune.schedules.unfreeze;

import dev.finetune.schedules.ParameterAddress;
import dev.finetune.schedules.ParameterSelector;
import dev.finetune.schedules.policy.PolicyTable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Decides which parameters train at a given epoch and optimizer step; everything else is frozen.
 *
 * <p>Groups, from the top: head (depth 0), layer {@code L-1} (1), ..., layer 0 ({@code L}),
 * embeddings ({@code L+1}) — see {@link ParameterAddress#depth(int)}. See {@link Unfreezing} for
 * the schedules.
 *
 * <pre>{@code
 * UnfreezeSchedule u = Unfreezing.gradual(Pace.perEpoch());
 * List<ParameterAddress> now = u.trainable(addresses, epoch, step);
 * }</pre>
 */
@FunctionalInterface
public interface UnfreezeSchedule {

  /**
   * Tells whether a parameter trains now.
   *
   * @param address the parameter
   * @param numLayers the model's number of encoder layers {@code L}
   * @param epoch the 0-based epoch
   * @param step the 0-based optimizer step (counted over the whole run)
   * @return true when it trains
   */
  boolean isTrainable(ParameterAddress address, int numLayers, long epoch, long step);

  /**
   * Lists the parameters that train now, in the given order; {@code L} is inferred.
   *
   * @param addresses every parameter of the model
   * @param epoch the 0-based epoch
   * @param step the 0-based optimizer step
   * @return the trainable ones
   */
  default List<ParameterAddress> trainable(Collection<ParameterAddress> addresses, long epoch,
      long step) {
    int numLayers = ParameterAddress.numLayers(addresses);
    List<ParameterAddress> out = new ArrayList<>();
    for (ParameterAddress a : addresses) {
      if (isTrainable(a, numLayers, epoch, step)) {
        out.add(a);
      }
    }
    return out;
  }

  /**
   * Lists the groups that train now, top first. A group counts as training when its
   * representative parameter ({@link PolicyTable#representatives(int)}: the classifier weight,
   * each layer's query weight, the word embeddings) does.
   *
   * @param numLayers {@code L}
   * @param epoch the 0-based epoch
   * @param step the 0-based optimizer step
   * @return names such as {@code head}, {@code layer.11}, {@code embeddings}, top first
   */
  default List<String> trainableGroups(int numLayers, long epoch, long step) {
    List<String> out = new ArrayList<>();
    List<ParameterAddress> reps = PolicyTable.representatives(numLayers);
    for (int i = reps.size() - 1; i >= 0; i--) {
      ParameterAddress a = reps.get(i);
      if (isTrainable(a, numLayers, epoch, step)) {
        out.add(a.isHead() ? "head" : a.isEmbeddings() ? "embeddings" : "layer." + a.layer());
      }
    }
    return out;
  }

  /**
   * Keeps some parameters trainable throughout (e.g. PEFT parameters), whatever this schedule
   * says.
   *
   * @param selector the always-trainable parameters
   * @return the combined schedule
   */
  default UnfreezeSchedule alwaysTraining(ParameterSelector selector) {
    return new Unfreezing.AlwaysTraining(this, selector);
  }

  /**
   * Lets this schedule decide only within a selection; everything outside stays frozen (e.g. only
   * adapters unfreeze gradually while the base stays frozen).
   *
   * @param selector the parameters this schedule may unfreeze
   * @return the combined schedule
   */
  default UnfreezeSchedule within(ParameterSelector selector) {
    return new Unfreezing.Within(this, selector);
  }
}
