package dev.finetune.peft;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import dev.finetune.core.model.Scalars;
import dev.finetune.core.model.EncoderLayer;
import dev.finetune.core.model.ForwardContext;
import dev.finetune.core.model.HiddenActivation;
import dev.finetune.core.model.HiddenTransform;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.train.ModelTransform;
import dev.finetune.schedules.ParameterRole;
import java.util.List;

/**
 * Bottleneck adapters: h + up(act(down(h))) with down (m, H), up (H, m). Houlsby et al. 2019 put
 * one after the attention output and one after the FFN output of every layer; Pfeiffer et al.
 * only after the FFN; the parallel adapter (He et al. 2022) runs beside the FFN and adds
 * s·up(act(down(x))) to its output. Up starts at zero by default (exact identity at
 * initialisation); {@link #nearIdentity()} draws both from a truncated normal σ=1e-2 as Houlsby.
 * The base is frozen, the head trains. Immutable: every setter returns a copy.
 *
 * <pre>{@code
 * FineTune.of(model).peft(Adapters.houlsby().reduction(16)).fit(train, dev);
 * FineTune.of(model).peft(Adapters.pfeiffer().size(64).activation(HiddenActivation.GELU));
 * }</pre>
 */
public final class Adapters implements ModelTransform {

  /** Where the adapters go. */
  public enum Placement {
    /** After attention output and after FFN output. */
    HOULSBY,
    /** After FFN output only. */
    PFEIFFER,
    /** Parallel to the FFN. */
    PARALLEL
  }

  private final Placement placement;
  private final int reduction;
  private final int size;
  private final HiddenActivation activation;
  private final boolean nearIdentity;
  private final double scaling;
  private final long seed;
  private final boolean trainHead;
  private final boolean trainLayerNorms;

  private Adapters(Placement placement, int reduction, int size, HiddenActivation activation,
      boolean nearIdentity, double scaling, long seed, boolean trainHead, boolean trainLayerNorms) {
    if (reduction < 1 && size < 1) {
      throw new IllegalArgumentException("adapter reduction factor or size must be >= 1");
    }
    this.placement = placement;
    this.reduction = reduction;
    this.size = size;
    this.activation = activation;
    this.nearIdentity = nearIdentity;
    this.scaling = scaling;
    this.seed = seed;
    this.trainHead = trainHead;
    this.trainLayerNorms = trainLayerNorms;
  }

  private static Adapters of(Placement placement, double scaling) {
    return new Adapters(placement, 16, -1, HiddenActivation.RELU, false, scaling, 42, true, false);
  }

  /**
   * Houlsby adapters, reduction factor 16, ReLU, zero-initialised up-projection.
   *
   * @return the configuration
   */
  public static Adapters houlsby() {
    return of(Placement.HOULSBY, 1.0);
  }

  /**
   * Pfeiffer adapters (after the FFN only), reduction factor 16.
   *
   * @return the configuration
   */
  public static Adapters pfeiffer() {
    return of(Placement.PFEIFFER, 1.0);
  }

  /**
   * Parallel adapter beside the FFN, reduction 16, scaling 4 (He et al. 2022).
   *
   * @return the configuration
   */
  public static Adapters parallel() {
    return of(Placement.PARALLEL, 4.0);
  }

  /**
   * Bottleneck size m = H / factor.
   *
   * @param factor the reduction factor, e.g. 16
   * @return a copy
   */
  public Adapters reduction(int factor) {
    if (factor < 1) {
      throw new IllegalArgumentException("reduction factor must be >= 1, got " + factor);
    }
    return new Adapters(placement, factor, -1, activation, nearIdentity, scaling, seed, trainHead,
        trainLayerNorms);
  }

  /**
   * Bottleneck size m directly.
   *
   * @param m the bottleneck width
   * @return a copy
   */
  public Adapters size(int m) {
    if (m < 1) {
      throw new IllegalArgumentException("adapter size must be >= 1, got " + m);
    }
    return new Adapters(placement, -1, m, activation, nearIdentity, scaling, seed, trainHead,
        trainLayerNorms);
  }

  /**
   * The non-linearity between down and up projection.
   *
   * @param value e.g. RELU or GELU
   * @return a copy
   */
  public Adapters activation(HiddenActivation value) {
    return new Adapters(placement, reduction, size, java.util.Objects.requireNonNull(value),
        nearIdentity, scaling, seed, trainHead, trainLayerNorms);
  }

  /**
   * Houlsby's initialisation: down and up weights from N(0, 1e-4) truncated at 2σ, biases zero
   * (near, not exactly, identity).
   *
   * @return a copy
   */
  public Adapters nearIdentity() {
    return new Adapters(placement, reduction, size, activation, true, scaling, seed, trainHead,
        trainLayerNorms);
  }

  /**
   * The factor on a parallel adapter's output.
   *
   * @param value s
   * @return a copy
   */
  public Adapters scaling(double value) {
    return new Adapters(placement, reduction, size, activation, nearIdentity, value, seed,
        trainHead, trainLayerNorms);
  }

  /**
   * The initialisation seed.
   *
   * @param value the seed
   * @return a copy
   */
  public Adapters seed(long value) {
    return new Adapters(placement, reduction, size, activation, nearIdentity, scaling, value,
        trainHead, trainLayerNorms);
  }

  /**
   * Chooses whether the head trains.
   *
   * @param value false to freeze the head
   * @return a copy
   */
  public Adapters trainHead(boolean value) {
    return new Adapters(placement, reduction, size, activation, nearIdentity, scaling, seed, value,
        trainLayerNorms);
  }

  /**
   * Also trains the layers' LayerNorms, as Houlsby et al. did.
   *
   * @param value true to train them
   * @return a copy
   */
  public Adapters trainLayerNorms(boolean value) {
    return new Adapters(placement, reduction, size, activation, nearIdentity, scaling, seed,
        trainHead, value);
  }

  /**
   * The bottleneck width for a hidden size.
   *
   * @param hidden H
   * @return m
   */
  public int bottleneck(int hidden) {
    return size > 0 ? size : Math.max(1, hidden / reduction);
  }

  Placement placement() {
    return placement;
  }

  HiddenActivation activationFunction() {
    return activation;
  }

  double scalingFactor() {
    return scaling;
  }

  int reductionFactor() {
    return size > 0 ? -1 : reduction;
  }

  boolean isNearIdentity() {
    return nearIdentity;
  }

  boolean trainsLayerNorms() {
    return trainLayerNorms;
  }

  /**
   * The names of the parameters this configuration adds to a layer, down/up weight and bias per
   * block, e.g. {@code encoder.layer.0.output.adapter.down.weight}.
   *
   * @param layer the layer index
   * @return the name prefixes of its blocks, ending in a dot
   */
  List<String> blockPrefixes(int layer) {
    String p = "encoder.layer." + layer + ".";
    return switch (placement) {
      case HOULSBY -> List.of(p + "attention.output.adapter.", p + "output.adapter.");
      case PFEIFFER -> List.of(p + "output.adapter.");
      case PARALLEL -> List.of(p + "output.adapter_parallel.");
    };
  }

  @Override
  public void apply(SequenceClassifier model) {
    int h = model.config().hiddenSize();
    int m = bottleneck(h);
    for (EncoderLayer layer : model.encoder().layers()) {
      String p = "encoder.layer." + layer.index() + ".";
      switch (placement) {
        case HOULSBY -> {
          layer.insertAfterAttention(block(model, p + "attention.output.adapter.", h, m, true));
          layer.insertAfterFfn(block(model, p + "output.adapter.", h, m, true));
        }
        case PFEIFFER -> layer.insertAfterFfn(block(model, p + "output.adapter.", h, m, true));
        case PARALLEL ->
            layer.insertParallelToFfn(block(model, p + "output.adapter_parallel.", h, m, false));
      }
    }
    PeftParameters.freezeBaseOnce(model);
    if (trainLayerNorms) {
      model.parameters().unfreeze(a -> a.isEncoderLayer() && a.role() == ParameterRole.LAYER_NORM);
    }
    PeftParameters.head(model, trainHead);
  }

  private HiddenTransform block(SequenceClassifier model, String prefix, int h, int m,
      boolean residual) {
    String dn = prefix + "down.weight";
    String un = prefix + "up.weight";
    float[] down = nearIdentity
        ? PeftParameters.truncatedNormal(seed, dn, m * h, 1e-2)
        : PeftParameters.uniform(seed, dn, m * h, 1.0 / Math.sqrt(h));
    float[] up = nearIdentity ? PeftParameters.truncatedNormal(seed, un, h * m, 1e-2) : new float[h * m];
    Parameter dw = PeftParameters.add(model, dn, down, m, h);
    Parameter db = PeftParameters.add(model, prefix + "down.bias", new float[m], m);
    Parameter uw = PeftParameters.add(model, un, up, h, m);
    Parameter ub = PeftParameters.add(model, prefix + "up.bias", new float[h], h);
    float s = (float) scaling;
    return new HiddenTransform() {
      @Override
      public NDArray apply(ForwardContext ctx, NDArray hidden) {
        NDArray z = Linear.linear(hidden, ctx.value(dw), ctx.value(db)).singletonOrThrow();
        NDArray out = Linear.linear(activation.apply(z), ctx.value(uw), ctx.value(ub))
            .singletonOrThrow();
        if (residual) {
          return hidden.add(out);
        }
        return s == 1f ? out : out.mul(Scalars.like(out, s));
      }

      @Override
      public String toString() {
        return "adapter " + prefix;
      }
    };
  }

  @Override
  public String describe() {
    return placement.name().toLowerCase(java.util.Locale.ROOT) + "-adapter("
        + (size > 0 ? "size=" + size : "reduction=" + reduction) + ", "
        + activation.hfName() + ")";
  }
}
