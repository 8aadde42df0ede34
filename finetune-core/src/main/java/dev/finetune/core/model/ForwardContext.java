package dev.finetune.core.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import java.util.SplittableRandom;

/**
 * What a forward pass needs beside its inputs: where parameter values come from (the DJL
 * {@link ParameterStore}, so DJL trainers see every parameter used), the device, whether it is a
 * training pass (dropout on) and the manager that owns the pass's temporaries.
 *
 * <p>PEFT wrappers and inserted blocks receive it and read their own parameters through
 * {@link #value(Parameter)}.
 *
 * <pre>{@code
 * NDArray a = ctx.value(loraA);          // the parameter's array for this pass
 * NDArray h = ctx.dropout(x, 0.1f);      // identity unless training
 * }</pre>
 */
public final class ForwardContext {

  private final ParameterStore store;
  private final Device device;
  private final boolean training;
  private final NDManager manager;
  private SplittableRandom dropoutSeeds;
  private InferenceWeights inferenceWeights;

  /**
   * Creates a context.
   *
   * @param store where parameter values come from
   * @param device the device of the pass
   * @param training true to enable dropout
   * @param manager the owner of temporaries (normally the inputs' manager)
   */
  public ForwardContext(ParameterStore store, Device device, boolean training, NDManager manager) {
    this.store = store;
    this.device = device;
    this.training = training;
    this.manager = manager;
  }

  /**
   * The value of a parameter for this pass.
   *
   * @param parameter the parameter
   * @return its array on this pass's device
   */
  public NDArray value(Parameter parameter) {
    return store.getValue(parameter, device, training);
  }

  /**
   * Hands an array computed in this pass to the pass's manager, so it is freed with the batch.
   * DJL attaches an op's result to its first operand's manager: an op whose first operand is a
   * parameter ({@code ctx.value(p).reshape(...)}, {@code prompt.concat(words)}) yields an array
   * owned by the model, which would live as long as the model together with the autograd graph
   * it holds. Pass such results through here; never pass a parameter's own array.
   *
   * @param computed an array this pass created
   * @return the same array, now owned by {@link #manager()}
   */
  public NDArray temporary(NDArray computed) {
    computed.attach(manager);
    return computed;
  }

  /**
   * Tells whether this is a training pass.
   *
   * @return true when dropout is active
   */
  public boolean isTraining() {
    return training;
  }

  /**
   * The device of the pass.
   *
   * @return the device
   */
  public Device device() {
    return device;
  }

  /**
   * The manager owning the pass's temporaries; arrays created here are freed with the batch.
   *
   * @return the manager
   */
  public NDManager manager() {
    return manager;
  }

  /**
   * Applies dropout in training passes only: each element is zeroed with probability {@code rate}
   * and the others are scaled by {@code 1 / (1 - rate)}, as {@code torch.nn.functional.dropout}.
   * On CPU the mask is drawn by {@link DropoutMasks} on all cores (libtorch's own draws one
   * element at a time on non-Intel CPUs); its random stream starts from one number drawn from the
   * engine's generator per pass, so {@code Engine.setRandomSeed} still makes a pass reproducible.
   *
   * @param x the input
   * @param rate the drop probability
   * @return {@code x} itself in evaluation or when the rate is 0, else a new array
   */
  public NDArray dropout(NDArray x, float rate) {
    if (!training || rate <= 0f) {
      return x;
    }
    if (!DropoutMasks.supports(x, rate)) {
      return Dropout.dropout(x, rate, true).singletonOrThrow();
    }
    NDArray mask = DropoutMasks.scaledKeep(manager, x.getShape(), rate, nextDropoutSeed());
    return x.mul(mask);
  }

  private long nextDropoutSeed() {
    if (dropoutSeeds == null) {
      try (NDArray drawn =
          manager.randomInteger(Long.MIN_VALUE, Long.MAX_VALUE, new Shape(), DataType.INT64)) {
        dropoutSeeds = new SplittableRandom(drawn.getLong());
      }
    }
    return dropoutSeeds.nextLong();
  }

  /**
   * Lets the layers of this evaluation pass read fused weights ({@link InferenceWeights}).
   *
   * @param weights the fused copies of this pass's model
   * @return this context
   */
  ForwardContext inferenceWeights(InferenceWeights weights) {
    if (training) {
      throw new IllegalStateException("fused inference weights are for evaluation passes only");
    }
    inferenceWeights = weights;
    return this;
  }

  /**
   * The fused weights of this evaluation pass.
   *
   * @return the weights, or null (each projection reads its own parameters)
   */
  InferenceWeights inferenceWeights() {
    return inferenceWeights;
  }
}
