package dev.finetune.peft;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import dev.finetune.core.checkpoint.HostTensor;
import dev.finetune.core.method.AdapterConfig;
import dev.finetune.core.method.AdapterState;
import dev.finetune.core.method.FineTuningMethod;
import dev.finetune.core.method.MethodSpec;
import dev.finetune.core.method.MethodType;
import dev.finetune.core.model.Scalars;
import dev.finetune.core.model.EncoderBlock;
import dev.finetune.core.model.EncoderLayout;
import dev.finetune.core.model.ModelTypes;
import dev.finetune.core.model.ForwardContext;
import dev.finetune.core.model.HiddenActivation;
import dev.finetune.core.model.HiddenTransform;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.params.ModelParameter;
import dev.finetune.schedules.ParameterRole;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

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
public final class Adapters implements FineTuningMethod {

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

  int reductionFactor() {
    return size > 0 ? -1 : reduction;
  }

  /**
   * The names of the parameters this configuration adds to a layer, down/up weight and bias per
   * block, e.g. {@code encoder.layer.0.output.adapter.down.weight} (named under the layer's
   * attention and feed-forward blocks, DistilBERT {@code transformer.layer.0.ffn.adapter.}).
   *
   * @param layer the layer
   * @return the name prefixes of its blocks, ending in a dot
   */
  List<String> blockPrefixes(EncoderBlock layer) {
    String attention = layer.attentionBlockName() + ".";
    String ffn = layer.ffnBlockName() + ".";
    return switch (placement) {
      case HOULSBY -> List.of(attention + "adapter.", ffn + "adapter.");
      case PFEIFFER -> List.of(ffn + "adapter.");
      case PARALLEL -> List.of(ffn + "adapter_parallel.");
    };
  }

  /** @return {@code houlsby}, {@code pfeiffer} or {@code parallel} */
  @Override
  public String kind() {
    return placement.name().toLowerCase(Locale.ROOT);
  }

  @Override
  public void install(SequenceClassifier model) {
    int h = model.config().hiddenSize();
    int m = bottleneck(h);
    for (EncoderBlock layer : model.encoder().layers()) {
      List<String> blocks = blockPrefixes(layer);
      switch (placement) {
        case HOULSBY -> {
          layer.insertAfterAttention(block(model, blocks.get(0), h, m, true));
          layer.insertAfterFfn(block(model, blocks.get(1), h, m, true));
        }
        case PFEIFFER -> layer.insertAfterFfn(block(model, blocks.get(0), h, m, true));
        case PARALLEL -> layer.insertParallelToFfn(block(model, blocks.get(0), h, m, false));
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

  /** @return true for the down and up projections of this placement's blocks */
  @Override
  public boolean owns(String hfName) {
    for (EncoderLayout layout : ModelTypes.encoderLayouts()) {
      int index = layout.layerIndex(hfName);
      if (index < 0) {
        continue;
      }
      String rest = hfName.substring(layout.layer(index).length());
      boolean owned = switch (placement) {
        case HOULSBY -> rest.startsWith(layout.attentionBlock() + ".adapter.")
            || rest.startsWith(layout.ffnBlock() + ".adapter.");
        case PFEIFFER -> rest.startsWith(layout.ffnBlock() + ".adapter.");
        case PARALLEL -> rest.startsWith(layout.ffnBlock() + ".adapter_parallel.");
      };
      if (owned) {
        return true;
      }
    }
    return false;
  }

  /** The blocks (and the layers' LayerNorms when they train) and this library's BOTTLENECK fields. */
  @Override
  public AdapterState adapterState(SequenceClassifier model) {
    String first = blockPrefixes(model.encoder().block(0)).get(0);
    PeftParameters.required(model, first + "down.weight", describe());
    Map<String, HostTensor> out = new LinkedHashMap<>();
    for (ModelParameter p : model.parameters().all()) {
      if (owns(p.hfName()) || (trainLayerNorms && p.address().isEncoderLayer()
          && p.address().role() == ParameterRole.LAYER_NORM)) {
        out.put(p.hfName(), HostTensor.of(p.parameter().getArray()));
      }
    }
    ModelParameter down = model.parameters().get(first + "down.weight");
    JsonObject o = new JsonObject();
    o.addProperty("library", "finetune (not a Hugging Face PEFT type)");
    o.addProperty("placement", kind());
    o.addProperty("bottleneck_size", down.parameter().getShape().get(0));
    int factor = reductionFactor();
    if (factor > 0) {
      o.addProperty("reduction_factor", factor);
    } else {
      o.add("reduction_factor", JsonNull.INSTANCE);
    }
    o.addProperty("non_linearity", activation.hfName());
    o.addProperty("scaling", scaling);
    o.addProperty("init_weights", nearIdentity ? "near_identity" : "zero_up");
    o.addProperty("train_layer_norms", trainLayerNorms);
    o.addProperty("hidden_size", model.config().hiddenSize());
    o.addProperty("num_layers", model.config().numLayers());
    return AdapterState.tuner(o, out);
  }

  @Override
  public Map<String, long[]> expectedTensors(SequenceClassifier model) {
    int h = model.config().hiddenSize();
    int m = bottleneck(h);
    Map<String, long[]> expected = new LinkedHashMap<>();
    for (int i = 0; i < model.config().distinctLayers(); i++) {
      for (String p : blockPrefixes(model.encoder().block(i))) {
        expected.put(p + "down.weight", new long[] {m, h});
        expected.put(p + "down.bias", new long[] {m});
        expected.put(p + "up.weight", new long[] {h, m});
        expected.put(p + "up.bias", new long[] {h});
      }
    }
    if (trainLayerNorms) {
      for (ModelParameter p : model.parameters().all()) {
        if (p.address().isEncoderLayer() && p.address().role() == ParameterRole.LAYER_NORM) {
          expected.put(p.hfName(), p.parameter().getShape().getShape());
        }
      }
    }
    return expected;
  }

  /**
   * The registry entries {@code houlsby}, {@code pfeiffer} and {@code parallel}:
   * {@code houlsby(16)} (the reduction factor) or {@code houlsby(size=64)}; adapter checkpoints of
   * {@code peft_type} BOTTLENECK (this library's), any placement.
   *
   * <pre>{@code
   * FineTuningMethods.parse("houlsby(size=64)");   // Adapters.houlsby().size(64)
   * FineTuningMethods.parse("parallel(16, scaling=2)");
   * }</pre>
   */
  public abstract static class Type implements MethodType {
    private final Placement placement;

    Type(Placement placement) {
      this.placement = placement;
    }

    @Override
    public String name() {
      return placement.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String usage() {
      return name() + "(16)";
    }

    @Override
    public String help() {
      return switch (placement) {
        case HOULSBY -> "bottleneck adapters after attention and FFN, houlsby(reduction=16) or houlsby(size=M)";
        case PFEIFFER -> "bottleneck adapters after the FFN, pfeiffer(reduction=16) or pfeiffer(size=M)";
        case PARALLEL -> "a scaled bottleneck adapter beside the FFN, parallel(reduction=16, scaling=4)";
      };
    }

    @Override
    public FineTuningMethod parse(MethodSpec spec) {
      spec.accept("reduction", "size", "scaling");
      Adapters a = of(placement, placement == Placement.PARALLEL ? 4.0 : 1.0)
          .reduction(spec.intArg(0, "reduction", 16));
      if (spec.arg(1, "size").isPresent()) {
        a = a.size(spec.intArg(1, "size", 0));
      }
      return a.scaling(spec.doubleArg(2, "scaling", a.scaling));
    }

    @Override
    public Optional<String> adapterType() {
      return Optional.of("BOTTLENECK");
    }

    /** Reads placement, bottleneck_size, non_linearity, scaling and train_layer_norms. */
    @Override
    public FineTuningMethod fromAdapterConfig(AdapterConfig c) {
      String name = c.required("placement").getAsString();
      Placement kind = switch (name) {
        case "houlsby" -> Placement.HOULSBY;
        case "pfeiffer" -> Placement.PFEIFFER;
        case "parallel" -> Placement.PARALLEL;
        default -> throw new IllegalArgumentException(c.file() + ": placement \"" + name
            + "\" is unknown; use houlsby, pfeiffer or parallel");
      };
      return of(kind, kind == Placement.PARALLEL ? 4.0 : 1.0)
          .size(c.required("bottleneck_size").getAsInt())
          .activation(HiddenActivation.fromHf(c.required("non_linearity").getAsString()))
          .scaling(c.required("scaling").getAsDouble())
          .trainLayerNorms(c.optional("train_layer_norms").map(e -> e.getAsBoolean()).orElse(false));
    }
  }

  /** The entry {@code houlsby}: <pre>{@code FineTuningMethods.parse("houlsby"); }</pre> */
  public static final class Houlsby extends Type {
    /** Creates the entry (for ServiceLoader). */
    public Houlsby() {
      super(Placement.HOULSBY);
    }
  }

  /** The entry {@code pfeiffer}: <pre>{@code FineTuningMethods.parse("pfeiffer"); }</pre> */
  public static final class Pfeiffer extends Type {
    /** Creates the entry (for ServiceLoader). */
    public Pfeiffer() {
      super(Placement.PFEIFFER);
    }
  }

  /** The entry {@code parallel}: <pre>{@code FineTuningMethods.parse("parallel"); }</pre> */
  public static final class Parallel extends Type {
    /** Creates the entry (for ServiceLoader). */
    public Parallel() {
      super(Placement.PARALLEL);
    }
  }

  @Override
  public String describe() {
    return placement.name().toLowerCase(java.util.Locale.ROOT) + "-adapter("
        + (size > 0 ? "size=" + size : "reduction=" + reduction) + ", "
        + activation.hfName() + ")";
  }
}
