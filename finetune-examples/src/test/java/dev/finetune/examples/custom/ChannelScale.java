package dev.finetune.examples.custom;

import com.google.gson.JsonObject;
import dev.finetune.core.method.AdapterConfig;
import dev.finetune.core.method.AdapterState;
import dev.finetune.core.method.FineTuningMethod;
import dev.finetune.core.method.MethodParameters;
import dev.finetune.core.method.MethodSpec;
import dev.finetune.core.method.MethodType;
import dev.finetune.core.model.EncoderBlock;
import dev.finetune.core.model.SequenceClassifier;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A fine-tuning method written outside the library: the output of each of the top k encoder layers
 * is scaled by a trainable per-channel vector ({@code encoder.layer.N.output.channel_scale.weight},
 * (H), initialised to ones); the base is frozen, the head trains. Registered by this module's
 * test resources ({@code META-INF/services/dev.finetune.core.method.MethodType}), without any
 * library code knowing it.
 *
 * <pre>{@code
 * FineTune.of(model).peft(FineTuningMethods.parse("channel_scale(2)")).fit(train, dev);
 * }</pre>
 */
public final class ChannelScale implements FineTuningMethod {

  private static final Pattern OWNED =
      Pattern.compile("encoder\\.layer\\.\\d+\\.output\\.channel_scale\\.weight");

  private final int layers;

  /**
   * @param layers how many layers from the top get a scale
   */
  public ChannelScale(int layers) {
    if (layers < 1) {
      throw new IllegalArgumentException("channel_scale needs at least 1 layer, got " + layers);
    }
    this.layers = layers;
  }

  private static String name(int layer) {
    return "encoder.layer." + layer + ".output.channel_scale.weight";
  }

  @Override
  public String kind() {
    return "channel_scale";
  }

  @Override
  public void install(SequenceClassifier model) {
    int numLayers = model.config().numLayers();
    if (layers > numLayers) {
      throw new IllegalArgumentException("channel_scale(" + layers + ") but the model has only "
          + numLayers + " layers");
    }
    int h = model.config().hiddenSize();
    float[] ones = new float[h];
    Arrays.fill(ones, 1f);
    for (EncoderBlock layer : model.encoder().layers()) {
      if (layer.index() >= numLayers - layers) {
        var scale = MethodParameters.add(model, name(layer.index()), ones, h);
        layer.insertAfterFfn((ctx, hidden) -> hidden.mul(ctx.value(scale)));
      }
    }
    model.parameters().trainOnly(a -> owns(a.name()) || a.isHead());
  }

  @Override
  public boolean owns(String hfName) {
    return OWNED.matcher(hfName).matches();
  }

  /** The vectors (the default: what it owns) and its one field, {@code layers}. */
  @Override
  public AdapterState adapterState(SequenceClassifier model) {
    JsonObject config = new JsonObject();
    config.addProperty("layers", layers);
    return AdapterState.tuner(config, FineTuningMethod.super.adapterState(model).tensors());
  }

  @Override
  public Map<String, long[]> expectedTensors(SequenceClassifier model) {
    int numLayers = model.config().numLayers();
    Map<String, long[]> out = new LinkedHashMap<>();
    for (int i = Math.max(0, numLayers - layers); i < numLayers; i++) {
      out.put(name(i), new long[] {model.config().hiddenSize()});
    }
    return out;
  }

  @Override
  public String describe() {
    return "channel_scale(" + layers + ")";
  }

  /** The registry entry {@code channel_scale(K)}; adapter checkpoints of peft_type CHANNEL_SCALE. */
  public static final class Type implements MethodType {

    /** Creates the entry (for ServiceLoader). */
    public Type() {}

    @Override
    public String name() {
      return "channel_scale";
    }

    @Override
    public String usage() {
      return "channel_scale(1)";
    }

    @Override
    public String help() {
      return "a trainable per-channel scale on the output of the top K layers, channel_scale(layers=1)";
    }

    @Override
    public FineTuningMethod parse(MethodSpec spec) {
      spec.accept("layers");
      return new ChannelScale(spec.intArg(0, "layers", 1));
    }

    @Override
    public FineTuningMethod fromAdapterConfig(AdapterConfig config) {
      return new ChannelScale(config.required("layers").getAsInt());
    }
  }
}
