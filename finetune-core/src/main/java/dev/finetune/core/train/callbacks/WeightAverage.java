package dev.finetune.core.train.callbacks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.finetune.core.metrics.MetricAccumulator;
import dev.finetune.core.optim.NoGradScope;
import dev.finetune.core.params.ModelParameter;
import dev.finetune.core.report.EvaluationRecord;
import dev.finetune.core.train.ListenerState;
import dev.finetune.core.train.TrainingContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A running average of the trainable parameters (equal-weight for SWA, exponential for EMA), in
 * its own NDManager. Tracks the parameters trainable at fit start plus those trainable at the
 * first update; frozen ones are constant, so averaging them would change nothing. Its state (count,
 * names, averages) goes into resume checkpoints through the owning callback.
 */
final class WeightAverage implements AutoCloseable {

  private final NDManager manager;
  private final Map<String, NDArray> averages = new LinkedHashMap<>();
  private long count;

  WeightAverage(TrainingContext ctx) {
    this.manager = ctx.model().manager().newSubManager();
  }

  long count() {
    return count;
  }

  /** Adds a snapshot with weight 1/(n+1): {@code avg += (w - avg) / (n + 1)}. */
  void addEqual(TrainingContext ctx) {
    update(ctx, 1.0 / (count + 1));
  }

  /** The first call copies; later ones do {@code avg = decay * avg + (1 - decay) * w}. */
  void addExponential(TrainingContext ctx, double decay) {
    update(ctx, count == 0 ? 1.0 : 1 - decay);
  }

  private void update(TrainingContext ctx, double weightOfNew) {
    try (NoGradScope ignored = NoGradScope.enter()) {
      updateWithoutGradients(ctx, weightOfNew);
    }
    count++;
  }

  private void updateWithoutGradients(TrainingContext ctx, double weightOfNew) {
    if (averages.isEmpty()) {
      Set<String> atStart = ctx.trainableAtStart();
      for (ModelParameter p : ctx.parameters().all()) {
        if (p.isTrainable() || atStart.contains(p.hfName())) {
          NDArray copy = p.parameter().getArray().duplicate();
          copy.attach(manager);
          averages.put(p.hfName(), copy);
        }
      }
    } else {
      for (Map.Entry<String, NDArray> e : averages.entrySet()) {
        NDArray w = ctx.parameters().get(e.getKey()).parameter().getArray();
        NDArray scaled = w.mul(weightOfNew);
        e.getValue().muli(1 - weightOfNew).addi(scaled);
        scaled.close();
      }
    }
  }

  /** The count, the averaged parameters' names and the averages (live, not copied). */
  ListenerState state() {
    return ListenerState.builder()
        .put("count", count)
        .putStrings("names", List.copyOf(averages.keySet()))
        .tensors(List.copyOf(averages.values()))
        .build();
  }

  /**
   * A new average holding a saved one (what SWA and EMA restore on resume).
   *
   * @param owner the callback's name for error messages
   */
  static WeightAverage restored(TrainingContext ctx, ListenerState state, String owner) {
    WeightAverage average = new WeightAverage(ctx);
    average.restore(ctx, state, owner);
    return average;
  }

  /** Replaces the average with a saved one, copying its tensors into this average's manager. */
  private void restore(TrainingContext ctx, ListenerState state, String owner) {
    List<String> names = state.getStrings("names");
    List<NDArray> tensors = state.tensors();
    if (names.size() != tensors.size()) {
      throw new IllegalStateException(owner + " state lists " + names.size() + " parameters but has "
          + tensors.size() + " tensors; the checkpoint is damaged, start afresh with another directory");
    }
    averages.values().forEach(NDArray::close);
    averages.clear();
    for (int i = 0; i < names.size(); i++) {
      ModelParameter p = ctx.parameters().get(names.get(i)); // throws, naming it, when missing
      NDArray saved = tensors.get(i);
      if (!p.parameter().getArray().getShape().equals(saved.getShape())) {
        throw new IllegalStateException(owner + " state averages '" + names.get(i) + "' with shape "
            + saved.getShape() + " but the model's is " + p.parameter().getArray().getShape()
            + "; resume with the same model and PEFT setup, or use another checkpoint directory");
      }
      NDArray copy = saved.duplicate();
      copy.attach(manager);
      averages.put(names.get(i), copy);
    }
    count = state.getLong("count");
  }

  /** Copies the averages into the model's live parameters, in place. */
  void copyIntoModel(TrainingContext ctx) {
    try (NoGradScope ignored = NoGradScope.enter()) {
      for (Map.Entry<String, NDArray> e : averages.entrySet()) {
        ctx.parameters().get(e.getKey()).parameter().getArray().set(new NDIndex(":"), e.getValue());
      }
    }
  }

  /** Swaps the averages in, evaluates, and reports the row when there is a validation set. */
  static void swapInAndReport(TrainingContext ctx, WeightAverage average, String label) {
    average.copyIntoModel(ctx);
    Map<String, Double> metrics = ctx.evaluate();
    if (!metrics.isEmpty()) {
      ctx.addEvaluation(new EvaluationRecord(label, Math.max(1, ctx.epoch()),
          metrics.getOrDefault(MetricAccumulator.LOSS, Double.NaN), metrics));
    }
  }

  @Override
  public void close() {
    averages.clear();
    manager.close();
  }
}
