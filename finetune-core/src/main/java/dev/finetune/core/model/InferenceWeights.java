package dev.finetune.core.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.finetune.core.optim.NoGradScope;
import java.util.Objects;

/**
 * Copies of a frozen model's weights laid out for prediction: per layer, the query, key and value
 * projections concatenated into one (3H, H) weight and (3H) bias, so a layer computes them in one
 * matrix product instead of three, with the attention scale 1/√d folded into the query rows. On
 * the CPU, when libtorch's oneDNN kernels compile ({@link CpuKernels}), each BERT-shaped layer
 * also gets its four weight matrices packed for oneDNN (query/key/value fused, unscaled) and
 * runs as one kernel call. The
 * copies are made once, when this object is built, so they answer for the weights of that moment:
 * use them only while the model does not change (a predictor that loaded its model, or one built
 * with {@code frozen()}); after a weight update build new ones.
 *
 * <p>A layer whose query, key or value projection is wrapped (LoRA, IA3) at forward time runs its
 * projections one by one through the wrappers, so installing a method later is safe; a layer
 * whose weights changed in place is not detected; a layer with a wrapped projection, an inserted
 * block or a key/value prefix runs the eager path. Folding the scale and oneDNN's summation
 * order change float rounding: logits agree with
 * {@link SequenceClassifier#forward(NDList, boolean)} within ≈ 1e-6, not bit for bit.
 *
 * <pre>{@code
 * try (InferenceWeights fused = InferenceWeights.of(model);
 *     NDManager batch = model.manager().newSubManager()) {
 *   NDArray logits = model.forwardForPrediction(inputs, fused).singletonOrThrow();
 * }
 * }</pre>
 */
public final class InferenceWeights implements AutoCloseable {

  private final Encoder encoder;
  private final NDManager manager;
  private final NDArray[] qkvWeight;
  private final NDArray[] qkvBias;
  private final CpuKernels.PackedLayer[] packed;
  private final NDArray noMask;

  private InferenceWeights(SequenceClassifier model, boolean cpuKernels) {
    encoder = model.encoder();
    manager = model.manager().newSubManager();
    int layers = encoder.layers().size();
    qkvWeight = new NDArray[layers];
    qkvBias = new NDArray[layers];
    packed = new CpuKernels.PackedLayer[layers];
    boolean pack = cpuKernels && Device.Type.CPU.equals(model.manager().getDevice().getDeviceType()) && CpuKernels.available();
    float scale = (float) (1.0 / Math.sqrt(encoder.config().headSize()));
    try (NoGradScope ignored = NoGradScope.enter()) {
      for (EncoderBlock block : encoder.layers()) {
        if (!(block instanceof EncoderLayer layer)) {
          continue; // a family with its own layers (ModernBERT) runs unfused
        }
        Projection q = layer.query();
        Projection k = layer.key();
        Projection v = layer.value();
        if (q.bias().isEmpty() || k.bias().isEmpty() || v.bias().isEmpty()) {
          continue; // every family's attention has biases; a layer without runs unfused
        }
        qkvWeight[layer.index()] = fuse(q.weight(), k.weight(), v.weight(), scale);
        qkvBias[layer.index()] = fuse(q.bias().get(), k.bias().get(), v.bias().get(), scale);
        if (pack && layer.attentionOutput().bias().isPresent()
            && layer.intermediate().bias().isPresent() && layer.output().bias().isPresent()) {
          packed[layer.index()] = pack(layer);
        }
      }
      noMask = manager.create(new float[0]);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /**
   * Fuses a model's current weights for prediction.
   *
   * @param model the model; its weights must not change while these copies are used
   * @return the fused copies, owned by a sub-manager of the model's; close them when done
   */
  public static InferenceWeights of(SequenceClassifier model) {
    return of(model, true);
  }

  /**
   * Fuses a model's current weights, with or without the oneDNN kernels (tests compare both).
   *
   * @param model the model
   * @param cpuKernels false to keep every layer on the eager evaluation forward
   * @return the fused copies
   */
  static InferenceWeights of(SequenceClassifier model, boolean cpuKernels) {
    return new InferenceWeights(Objects.requireNonNull(model, "model"), cpuKernels);
  }

  /**
   * Tells whether these copies were made from this encoder.
   *
   * @param other an encoder
   * @return true for the encoder these weights were fused from
   */
  boolean belongsTo(Encoder other) {
    return encoder == other;
  }

  /**
   * The fused query-key-value weight of a layer, query rows pre-scaled.
   *
   * @param layer a layer of the fused encoder
   * @return (3H, H), or null when the layer runs unfused now (a wrapped projection, no bias)
   */
  NDArray qkvWeight(EncoderLayer layer) {
    return unwrapped(layer) ? qkvWeight[layer.index()] : null;
  }

  /**
   * The fused bias of a layer.
   *
   * @param layer a layer of the fused encoder
   * @return (3H)
   */
  NDArray qkvBias(EncoderLayer layer) {
    return qkvBias[layer.index()];
  }

  /**
   * The packed weights of a layer, when it can run as one oneDNN kernel call now.
   *
   * @param layer a layer of the fused encoder
   * @return the packed weights, or null for the eager path (no kernels, not on the CPU, or a
   *     wrapped projection, an inserted block or a key/value prefix on the layer now)
   */
  CpuKernels.PackedLayer packed(EncoderLayer layer) {
    CpuKernels.PackedLayer p = packed[layer.index()];
    if (p == null || !unwrapped(layer) || layer.attentionOutput().wrapper().isPresent()
        || layer.intermediate().wrapper().isPresent() || layer.output().wrapper().isPresent()
        || !layer.afterAttention().isEmpty() || !layer.afterFfn().isEmpty()
        || !layer.parallelToFfn().isEmpty() || layer.keyValuePrefix().isPresent()) {
      return null;
    }
    return p;
  }

  /**
   * The mask argument of {@link CpuKernels#postNormLayer} for an unpadded batch.
   *
   * @return an array with no elements
   */
  NDArray noMask() {
    return noMask;
  }

  private static boolean unwrapped(EncoderLayer layer) {
    return layer.query().wrapper().isEmpty() && layer.key().wrapper().isEmpty()
        && layer.value().wrapper().isEmpty();
  }

  /** [q·scale; k; v] along the first axis, owned by this object's manager. */
  private NDArray fuse(Parameter q, Parameter k, Parameter v, float scale) {
    try (NDManager scratch = manager.newSubManager()) {
      NDArray scaled = q.getArray().mul(scale);
      scaled.attach(scratch); // else owned by the model's manager until it closes
      NDArray joined = NDArrays.concat(new NDList(scaled, k.getArray(), v.getArray()), 0);
      joined.attach(manager);
      return joined;
    }
  }

  /** The layer's weights copied and packed for {@link CpuKernels#postNormLayer}. */
  private CpuKernels.PackedLayer pack(EncoderLayer layer) {
    Projection q = layer.query();
    Projection k = layer.key();
    Projection v = layer.value();
    NDArray qkv;
    NDArray qkvBias;
    try (NDManager scratch = manager.newSubManager()) {
      NDArray joined = NDArrays.concat(
          new NDList(q.weight().getArray(), k.weight().getArray(), v.weight().getArray()), 0);
      joined.attach(scratch);
      qkv = CpuKernels.pack(joined, manager);
      qkvBias = NDArrays.concat(new NDList(q.bias().get().getArray(),
          k.bias().get().getArray(), v.bias().get().getArray()), 0);
      qkvBias.attach(manager);
    }
    EncoderConfig config = layer.config();
    String[] act = config.hiddenAct().oneDnnPostOp();
    return new CpuKernels.PackedLayer(
        qkv, qkvBias,
        CpuKernels.pack(layer.attentionOutput().weight().getArray(), manager),
        copy(layer.attentionOutput().bias().get()),
        copy(layer.attentionNormWeight()), copy(layer.attentionNormBias()),
        CpuKernels.pack(layer.intermediate().weight().getArray(), manager),
        copy(layer.intermediate().bias().get()),
        CpuKernels.pack(layer.output().weight().getArray(), manager),
        copy(layer.output().bias().get()),
        copy(layer.outputNormWeight()), copy(layer.outputNormBias()),
        config.numHeads(), config.layerNormEps(), act[0], act[1]);
  }

  /** A copy owned by this object's manager, outside autograd. */
  private NDArray copy(Parameter p) {
    NDArray c = p.getArray().duplicate();
    c.attach(manager);
    return c;
  }

  /** Frees the copies. */
  @Override
  public void close() {
    manager.close();
  }
}
