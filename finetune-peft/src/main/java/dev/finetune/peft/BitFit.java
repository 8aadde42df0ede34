package dev.finetune.peft;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.finetune.core.checkpoint.HostTensor;
import dev.finetune.core.method.AdapterConfig;
import dev.finetune.core.method.AdapterState;
import dev.finetune.core.method.FineTuningMethod;
import dev.finetune.core.method.MethodSpec;
import dev.finetune.core.method.MethodType;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.params.ModelParameter;
import dev.finetune.schedules.ParameterAddress;
import dev.finetune.schedules.ParameterSelector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * BitFit (Ben Zaken et al. 2021): train only the biases of the base (all of them, LayerNorm
 * biases included, or a chosen subset) and the head. Combines with LoRA or adapters: the first
 * frozen-base method freezes the base, later ones add what they train.
 *
 * <pre>{@code
 * FineTune.of(model).peft(Peft.bitFit()).fit(train, dev);
 * FineTune.of(model).peft(Peft.bitFit().only(ParameterSelector.modules("query", "intermediate.dense")));
 * }</pre>
 */
public final class BitFit implements FineTuningMethod {

  private final ParameterSelector subset;
  private final boolean trainHead;

  private BitFit(ParameterSelector subset, boolean trainHead) {
    this.subset = subset;
    this.trainHead = trainHead;
  }

  /**
   * Every bias of the base.
   *
   * @return the configuration
   */
  public static BitFit allBiases() {
    return new BitFit(ParameterSelector.all(), true);
  }

  /**
   * Restricts to the biases a selector also picks.
   *
   * @param selector e.g. {@code ParameterSelector.modules("query")}
   * @return a copy
   */
  public BitFit only(ParameterSelector selector) {
    return new BitFit(java.util.Objects.requireNonNull(selector), trainHead);
  }

  /**
   * Chooses whether the head trains.
   *
   * @param value false to freeze the head
   * @return a copy
   */
  public BitFit trainHead(boolean value) {
    return new BitFit(subset, value);
  }

  @Override
  public String kind() {
    return "bitfit";
  }

  @Override
  public void install(SequenceClassifier model) {
    int numLayers = model.config().distinctLayers();
    PeftParameters.freezeBaseOnce(model);
    int n = model.parameters().unfreeze(a -> selects(a, numLayers));
    if (n == 0) {
      throw new IllegalArgumentException("BitFit selector " + subset + " matches no bias of the model"
          + " (a " + model.config().modelType().hfName() + " model without biases, such as ModernBERT"
          + " with attention_bias, mlp_bias and norm_bias false, leaves BitFit nothing to train;"
          + " choose another method)");
    }
    PeftParameters.head(model, trainHead);
  }

  /** @return false: BitFit trains base biases and creates no parameter */
  /** Nothing to fold: the biases BitFit trains are base parameters already. */
  @Override
  public Optional<Map<String, HostTensor>> mergedWeights(SequenceClassifier model) {
    return Optional.of(Map.of());
  }

  @Override
  public boolean owns(String hfName) {
    return false;
  }

  private boolean selects(ParameterAddress a, int numLayers) {
    return PeftParameters.isBase(a) && a.isBias() && subset.matches(a, numLayers);
  }

  /** The trained biases, listed in the config's {@code biases}. */
  @Override
  public AdapterState adapterState(SequenceClassifier model) {
    int numLayers = model.config().distinctLayers();
    JsonArray names = new JsonArray();
    Map<String, HostTensor> out = new LinkedHashMap<>();
    for (ModelParameter p : model.parameters().all()) {
      if (selects(p.address(), numLayers) && p.isTrainable()) {
        names.add(p.hfName());
        out.put(p.hfName(), HostTensor.of(p.parameter().getArray()));
      }
    }
    if (out.isEmpty()) {
      throw new IllegalStateException("the model has no trainable bias that " + describe()
          + " selects; apply it to the model first");
    }
    JsonObject o = new JsonObject();
    o.addProperty("library", "finetune (not a Hugging Face PEFT type)");
    o.add("biases", names);
    return AdapterState.tuner(o, out);
  }

  @Override
  public Map<String, long[]> expectedTensors(SequenceClassifier model) {
    int numLayers = model.config().distinctLayers();
    Map<String, long[]> expected = new LinkedHashMap<>();
    for (ModelParameter p : model.parameters().all()) {
      if (selects(p.address(), numLayers)) {
        expected.put(p.hfName(), p.parameter().getShape().getShape());
      }
    }
    return expected;
  }

  /**
   * The registry entry {@code bitfit}; adapter checkpoints of {@code peft_type} BITFIT (ours).
   *
   * <pre>{@code
   * FineTuningMethods.parse("bitfit");   // Peft.bitFit()
   * }</pre>
   */
  public static final class Type implements MethodType {

    /** Creates the entry (for ServiceLoader). */
    public Type() {}

    @Override
    public String name() {
      return "bitfit";
    }

    @Override
    public String usage() {
      return "bitfit";
    }

    @Override
    public String help() {
      return "BitFit: only the biases of the base train";
    }

    @Override
    public FineTuningMethod parse(MethodSpec spec) {
      spec.accept();
      return allBiases();
    }

    @Override
    public Optional<String> adapterType() {
      return Optional.of("BITFIT");
    }

    /** The biases listed in {@code biases}; each must exist on the model. */
    @Override
    public FineTuningMethod fromAdapterConfig(AdapterConfig c) {
      List<String> names = new ArrayList<>();
      c.required("biases").getAsJsonArray().forEach(e -> names.add(e.getAsString()));
      for (String n : names) {
        if (c.model().parameters().find(n).isEmpty()) {
          throw new IllegalArgumentException(c.file() + " lists bias " + n
              + ", which this model does not have (was it trained on another base?)");
        }
      }
      return allBiases().only(ParameterSelector.names(names.toArray(String[]::new)));
    }
  }

  @Override
  public String describe() {
    return "bitfit(" + subset + ")";
  }
}
