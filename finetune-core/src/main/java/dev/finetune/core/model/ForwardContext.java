package dev.finetune.core.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;

/**
 * What a forward pass needs beside its inputs: where parameter values come from (the DJL
 * {@link ParameterStore}, so DJL trainers see every parameter used), the device, whether it is a
 * training pass (dropout on), the manager that owns the pass's temporaries and the
 * {@link Precision} of its matrix products ({@link #linear}, {@link #matMul}).
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
  private final Precision precision;
  /** Shared with the layer contexts of this pass (one stream per pass); null until a mask. */
  private DropoutSeeds[] dropoutSeeds = new DropoutSeeds[1];
  private LayerCheckpoints layerCheckpoints;
  private InferenceWeights inferenceWeights;

  /**
   * Creates a float32 context.
   *
   * @param store where parameter values come from
   * @param device the device of the pass
   * @param training true to enable dropout
   * @param manager the owner of temporaries (normally the inputs' manager)
   */
  public ForwardContext(ParameterStore store, Device device, boolean training, NDManager manager) {
    this(store, device, training, manager, Precision.FP32);
  }

  /**
   * Creates a context whose matrix products run in {@code precision}.
   *
   * @param store where parameter values come from
   * @param device the device of the pass
   * @param training true to enable dropout
   * @param manager the owner of temporaries (normally the inputs' manager)
   * @param precision the precision of the matrix products
   */
  public ForwardContext(ParameterStore store, Device device, boolean training, NDManager manager,
      Precision precision) {
    this.store = store;
    this.device = device;
    this.training = training;
    this.manager = manager;
    this.precision = java.util.Objects.requireNonNull(precision, "precision");
  }

  /**
   * The precision of this pass's matrix products.
   *
   * @return the precision
   */
  public Precision precision() {
    return precision;
  }

  /**
   * {@code x·wᵀ + b} in this pass's precision: in float32 one fused kernel; in half precision
   * {@code x}, {@code w} and {@code b} are cast down and the result back to {@code x}'s type, with
   * casts that autograd records, so the float32 weights receive float32 gradients.
   *
   * @param x (..., in)
   * @param w (out, in)
   * @param b (out), or null
   * @return (..., out), in {@code x}'s type
   */
  public NDArray linear(NDArray x, NDArray w, NDArray b) {
    if (!precision.isMixed()) {
      if (x.getDataType() == DataType.FLOAT32
          && Device.Type.CPU.equals(x.getDevice().getDeviceType()) && CpuKernels.linearLayers()) {
        return CpuKernels.linear(x, w, b, manager);
      }
      return (b == null ? Linear.linear(x, w) : Linear.linear(x, w, b)).singletonOrThrow();
    }
    DataType half = precision.computeType();
    NDArray xh = cast(x, half);
    NDArray wh = cast(w, half);
    NDArray y = (b == null ? Linear.linear(xh, wh) : Linear.linear(xh, wh, cast(b, half)))
        .singletonOrThrow();
    return cast(y, x.getDataType());
  }

  /**
   * {@code a.matMul(b)} in this pass's precision (attention's products), the result in {@code a}'s
   * type.
   *
   * @param a the left operand
   * @param b the right operand
   * @return the product
   */
  public NDArray matMul(NDArray a, NDArray b) {
    if (!precision.isMixed()) {
      return a.matMul(b);
    }
    DataType half = precision.computeType();
    return cast(cast(a, half).matMul(cast(b, half)), a.getDataType());
  }

  /**
   * A cast that autograd records, owned by this pass. DJL's {@code toType} runs under libtorch's
   * no-grad guard (its result has no gradient function), so a cast to a type DJL can name is a
   * cumulative product over an added axis of length 1 with the target type, which libtorch
   * differentiates as the identity (the gradient returns in the source's type); bfloat16, which
   * DJL 0.35.1 cannot name, goes through {@link Bfloat16Cast}. A bfloat16 array reports
   * {@code UNKNOWN} as its type, so the way back is always a real cast.
   */
  private NDArray cast(NDArray x, DataType type) {
    if (x.getDataType() == type) {
      return x;
    }
    // a view of our own: x may be a parameter (owned by the model, and named)
    NDArray expanded = temporary(x.expandDims(-1));
    NDArray converted = type == DataType.BFLOAT16
        ? Bfloat16Cast.apply(expanded)
        : expanded.cumProd(-1, type);
    return converted.squeeze(-1);
  }

  /** A context for one encoder layer: the pass's store, device and precision; the given stream. */
  private ForwardContext(ForwardContext pass, NDManager manager, DropoutSeeds[] seeds) {
    this(pass.store, pass.device, pass.training, manager, pass.precision);
    dropoutSeeds = seeds;
  }

  /**
   * A context for one layer's forward whose temporaries {@code layerManager} owns and whose masks
   * come from this pass's own stream, in order (the masks a pass without checkpointing draws).
   *
   * @param layerManager the owner of the layer's temporaries
   * @return the layer's context
   */
  ForwardContext forLayer(NDManager layerManager) {
    return new ForwardContext(this, layerManager, dropoutSeeds);
  }

  /**
   * The position of this pass's mask stream before a layer runs (the stream started if it was
   * not), for {@link #forLayer(NDManager, DropoutSeeds)} to draw that layer's masks again.
   *
   * @return a copy of the position; null in evaluation passes, which draw no masks
   */
  DropoutSeeds dropoutPosition() {
    if (!training) {
      return null;
    }
    started();
    return dropoutSeeds[0].copy();
  }

  /**
   * A context for running a layer again: temporaries owned by {@code layerManager}, masks drawn
   * from {@code position} on (gradient checkpointing's recomputation).
   *
   * @param layerManager the owner of the layer's temporaries
   * @param position from {@link #dropoutPosition()}, or null in evaluation
   * @return the layer's context
   */
  ForwardContext forLayer(NDManager layerManager, DropoutSeeds position) {
    return new ForwardContext(this, layerManager,
        new DropoutSeeds[] {position == null ? null : position.copy()});
  }

  /** Asks the encoder to keep only layer inputs and recompute the layers in backward. */
  void checkpointLayers(LayerCheckpoints checkpoints) {
    layerCheckpoints = checkpoints;
  }

  /** The layer checkpoints of a training pass that recomputes layers; null otherwise. */
  LayerCheckpoints layerCheckpoints() {
    return training ? layerCheckpoints : null;
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
   * Each mask comes from a seed of this pass's stream, which starts from one number drawn from
   * the engine's generator per pass, so {@code Engine.setRandomSeed} still makes a pass
   * reproducible. On CPU float32 the mask is drawn by {@link DropoutMasks} on all cores
   * (libtorch's own draws one element at a time on non-Intel CPUs); elsewhere, or with
   * {@code -Dfinetune.dropout=device}, on the tensor's device by libtorch
   * ({@link DropoutMasks#onDevice}).
   *
   * @param x the input
   * @param rate the drop probability
   * @return {@code x} itself in evaluation or when the rate is 0, else a new array
   */
  public NDArray dropout(NDArray x, float rate) {
    if (!training || rate <= 0f) {
      return x;
    }
    if (rate >= 1f) {
      return Dropout.dropout(x, rate, true).singletonOrThrow();
    }
    NDArray mask = DropoutMasks.supports(x, rate)
        ? DropoutMasks.scaledKeep(manager, x.getShape(), rate, nextDropoutSeed())
        : DropoutMasks.onDevice(manager, x, rate, nextDropoutSeed());
    return x.mul(mask);
  }

  private long nextDropoutSeed() {
    return started().next();
  }

  private DropoutSeeds started() {
    if (dropoutSeeds[0] == null) {
      try (NDArray drawn =
          manager.randomInteger(Long.MIN_VALUE, Long.MAX_VALUE, new Shape(), DataType.INT64)) {
        dropoutSeeds[0] = DropoutSeeds.startingAt(drawn.getLong());
      }
    }
    return dropoutSeeds[0];
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
