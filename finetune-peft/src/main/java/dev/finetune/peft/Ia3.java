package dev.finetune.peft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import com.google.gson.JsonObject;
import dev.finetune.core.checkpoint.HostTensor;
import dev.finetune.core.method.AdapterConfig;
import dev.finetune.core.method.AdapterState;
import dev.finetune.core.method.FineTuningMethod;
import dev.finetune.core.method.MethodSpec;
import dev.finetune.core.method.MethodType;
import dev.finetune.core.model.EncoderBlock;
import dev.finetune.core.model.Projection;
import dev.finetune.core.model.ProjectionWrapper;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.params.ModelParameter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * IA3 (Liu et al. 2022): learned vectors that rescale the key and value outputs and the input of
 * the FFN output projection, initialised to ones (identity). Parameters are named and shaped as
 * PEFT does: {@code ...attention.self.key.ia3_l} (H, 1) and {@code ...output.dense.ia3_l}
 * (1, FFN); a fused query-key-value projection (ModernBERT's {@code attn.Wqkv}) is scaled as a
 * whole, as PEFT scales a fused Linear: {@code ...attn.Wqkv.ia3_l} (3H, 1), {@code
 * ...mlp.Wo.ia3_l} (1, FFN). The base is frozen, the head trains.
 *
 * <pre>{@code
 * FineTune.of(model).peft(Peft.ia3()).fit(train, dev);
 * }</pre>
 */
public final class Ia3 implements FineTuningMethod {



  private final boolean trainHead;

  private Ia3(boolean trainHead) {
    this.trainHead = trainHead;
  }

  /**
   * IA3 on key, value and the FFN output, head trainable.
   *
   * @return the configuration
   */
  public static Ia3 defaults() {
    return new Ia3(true);
  }

  /**
   * Chooses whether the head trains.
   *
   * @param value false to freeze the head
   * @return a copy
   */
  public Ia3 trainHead(boolean value) {
    return new Ia3(value);
  }

  @Override
  public String kind() {
    return "ia3";
  }

  @Override
  public void install(SequenceClassifier model) {
    for (EncoderBlock layer : model.encoder().layers()) {
      layer.keyValueProjections().forEach(Ia3::checkFree);
      checkFree(layer.ffnOutput());
    }
    for (EncoderBlock layer : model.encoder().layers()) {
      for (Projection p : layer.keyValueProjections()) {
        scaleOutput(model, p);
      }
      scaleInput(model, layer.ffnOutput());
    }
    PeftParameters.freezeBaseOnce(model);
    PeftParameters.head(model, trainHead);
  }

  private static void scaleOutput(SequenceClassifier model, Projection p) {
    int out = p.outFeatures();
    Parameter l = PeftParameters.add(model, p.name() + ".ia3_l", PeftParameters.constant(out, 1f), out, 1);
    wrap(p, (ctx, base, x) -> base.base(ctx, x).mul(ctx.temporary(ctx.value(l).reshape(out))));
  }

  private static void scaleInput(SequenceClassifier model, Projection p) {
    int in = p.inFeatures();
    Parameter l = PeftParameters.add(model, p.name() + ".ia3_l", PeftParameters.constant(in, 1f), 1, in);
    wrap(p, (ctx, base, x) -> base.base(ctx, x.mul(ctx.temporary(ctx.value(l).reshape(in)))));
  }

  private static void wrap(Projection p, ProjectionWrapper w) {
    checkFree(p);
    p.wrap(w);
  }

  private static void checkFree(Projection p) {
    if (p.wrapper().isPresent()) {
      throw new IllegalStateException("cannot add IA3 to " + p.name() + ": it is already wrapped by "
          + p.wrapper().get().getClass().getSimpleName()
          + " (e.g. LoRA); IA3 and LoRA cannot share a projection");
    }
  }

  @Override
  public String describe() {
    return "ia3(key,value,output.dense)";
  }

  /** @return true for the {@code *.ia3_l} vectors */
  @Override
  public boolean owns(String hfName) {
    return hfName.endsWith(".ia3_l");
  }

  /** The vectors and PEFT's IA3Config fields. */
  @Override
  public AdapterState adapterState(SequenceClassifier model) {
    Map<String, HostTensor> out = new LinkedHashMap<>();
    for (ModelParameter p : model.parameters().all()) {
      if (owns(p.hfName())) {
        out.put(p.hfName(), HostTensor.of(p.parameter().getArray()));
      }
    }
    if (out.isEmpty()) {
      throw new IllegalStateException("the model has no IA3 vectors (*.ia3_l) to save; apply Peft.ia3() first");
    }
    JsonObject o = new JsonObject();
    EncoderBlock first = model.encoder().block(0);
    List<String> scaled = new ArrayList<>();
    for (Projection p : first.keyValueProjections()) {
      scaled.add(relative(first, p));
    }
    scaled.add(relative(first, first.ffnOutput()));
    o.addProperty("target_modules", modules(model, String.join("|", scaled)));
    o.addProperty("feedforward_modules", modules(model, relative(first, first.ffnOutput())));
    o.addProperty("fan_in_fan_out", false);
    o.addProperty("init_ia3_weights", true);
    return AdapterState.tuner(o, out);
  }

  /** A projection's name within its layer, as a regex ({@code attention\\.self\\.key}). */
  private static String relative(EncoderBlock layer, Projection p) {
    return p.name().substring(layer.prefix().length()).replace(".", "\\.");
  }

  /**
   * PEFT matches a string target list by suffix, which would also catch BERT's
   * {@code attention.output.dense}; a regex (full-matched) names exactly what IA3 wraps, in every
   * layer of the family's layout, e.g. {@code (.*\\.)?encoder\\.layer\\.\\d+\\.(attention\\.self\\.key|...)}.
   */
  private static String modules(SequenceClassifier model, String alternatives) {
    String layers = model.config().modelType().encoderLayout().layerPrefix().replace(".", "\\.");
    return "(.*\\.)?" + layers + "\\d+\\.(" + alternatives + ")";
  }

  /**
   * Key and value: W·diag(l) on the output side (rows and bias scaled); the FFN output: columns
   * scaled by l.
   */
  @Override
  public Optional<Map<String, HostTensor>> mergedWeights(SequenceClassifier model) {
    Map<String, HostTensor> out = new LinkedHashMap<>();
    for (EncoderBlock layer : model.encoder().layers()) {
      List<Projection> scaled = new ArrayList<>(layer.keyValueProjections());
      scaled.add(layer.ffnOutput());
      for (Projection p : scaled) {
        NDArray l = model.parameters().get(p.name() + ".ia3_l").parameter().getArray();
        NDArray w = p.weight().getArray();
        try (NDManager scope = w.getManager().newSubManager()) {
          NDArray weight = w.mul(l);
          weight.attach(scope);
          out.put(p.name() + ".weight", HostTensor.of(weight));
          if (p != layer.ffnOutput() && p.bias().isPresent()) {
            NDArray bias = p.bias().get().getArray().mul(l.reshape(p.outFeatures()));
            bias.attach(scope);
            out.put(p.name() + ".bias", HostTensor.of(bias));
          }
        }
      }
    }
    return Optional.of(out);
  }

  @Override
  public Map<String, long[]> expectedTensors(SequenceClassifier model) {
    Map<String, long[]> expected = new LinkedHashMap<>();
    for (EncoderBlock layer : model.encoder().layers()) {
      for (Projection p : layer.keyValueProjections()) {
        expected.put(p.name() + ".ia3_l", new long[] {p.outFeatures(), 1});
      }
      expected.put(layer.ffnOutput().name() + ".ia3_l", new long[] {1, layer.ffnOutput().inFeatures()});
    }
    return expected;
  }

  /**
   * The registry entry {@code ia3}; adapter checkpoints of {@code peft_type} IA3.
   *
   * <pre>{@code
   * FineTuningMethods.parse("ia3");   // Peft.ia3()
   * }</pre>
   */
  public static final class Type implements MethodType {

    /** Creates the entry (for ServiceLoader). */
    public Type() {}

    @Override
    public String name() {
      return "ia3";
    }

    @Override
    public String usage() {
      return "ia3";
    }

    @Override
    public String help() {
      return "IA3: learned rescaling of key, value and the FFN output";
    }

    @Override
    public FineTuningMethod parse(MethodSpec spec) {
      spec.accept();
      return defaults();
    }

    @Override
    public Optional<String> adapterType() {
      return Optional.of("IA3");
    }

    @Override
    public FineTuningMethod fromAdapterConfig(AdapterConfig config) {
      return defaults();
    }
  }
}
