package dev.finetune.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;

/**
 * One training forward pass of a {@link SequenceClassifier} and its backward: the loss's
 * backward, then, when the pass checkpoints its layers, the recomputation of each layer top-down
 * (see {@link SequenceClassifier#trainingPass}). Call {@link #backward} once, inside the gradient
 * collector the pass ran in.
 *
 * <pre>{@code
 * TrainingPass pass = model.trainingPass(store, batch.modelInputs(), checkpointing);
 * NDArray loss = Losses.forProblem(model.problemType()).compute(pass.logits(), batch.labels());
 * pass.backward(collector, loss);
 * }</pre>
 */
public final class TrainingPass {

  private final NDArray logits;
  private final LayerCheckpoints checkpoints;
  private boolean done;

  TrainingPass(NDArray logits, LayerCheckpoints checkpoints) {
    this.logits = logits;
    this.checkpoints = checkpoints;
  }

  /**
   * The pass's logits, owned by the inputs' manager.
   *
   * @return (B, labels), or (B, T, labels) for a token head
   */
  public NDArray logits() {
    return logits;
  }

  /**
   * Tells whether the pass recomputes its layers in the backward.
   *
   * @return true with gradient checkpointing
   */
  public boolean checkpointsLayers() {
    return checkpoints != null;
  }

  /**
   * Back-propagates a scalar computed from {@link #logits()}: the parameters' gradients
   * accumulate as one plain backward would leave them.
   *
   * @param collector the open collector the pass ran in
   * @param loss the scalar to differentiate
   * @throws IllegalStateException when called twice
   */
  public void backward(GradientCollector collector, NDArray loss) {
    if (done) {
      throw new IllegalStateException("a training pass's backward runs once; run a new pass");
    }
    done = true;
    collector.backward(loss);
    if (checkpoints != null) {
      checkpoints.backward();
    }
  }
}
