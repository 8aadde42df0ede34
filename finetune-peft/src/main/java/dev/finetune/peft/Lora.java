package dev.finetune.peft;

import ai.djl.nn.Parameter;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.finetune.core.checkpoint.HostTensor;
import dev.finetune.core.method.AdapterConfig;
import dev.finetune.core.method.AdapterState;
import dev.finetune.core.method.FineTuningMethod;
import dev.finetune.core.method.MethodSpec;
import dev.finetune.core.method.MethodType;
import dev.finetune.core.model.Projection;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.params.ModelParameter;
import dev.finetune.core.params.ParameterAddresses;
import dev.finetune.schedules.ParameterSelector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * LoRA (Hu et al. 2021): each target projection W gets a trainable low-rank update, y = x·Wᵀ + b
 * + s·(dropout(x)·Aᵀ)·Bᵀ with A (r, in), B (out, r) and s = alpha/r (or alpha/√r with rsLoRA).
 * A starts Kaiming-uniform as PEFT ({@code kaiming_uniform_(a=√5)}, i.e. U(±1/√in)) or Gaussian
 * N(0, 1/r²), B starts at zero, so the model is unchanged at initialisation. The base is frozen,
 * the head trains. Parameters are named as PEFT names them, e.g.
 * {@code encoder.layer.0.attention.self.query.lora_A.weight}. Immutable: every setter returns a
 * copy. Merge into the base weights with {@link LoraLayers#merge()}.
 *
 * <pre>{@code
 * FineTune.of(model).peft(Peft.lora().r(8).alpha(16).dropout(0.1)).fit(train, dev);
 * LoraLayers.of(model).merge();      // fold B·A into W for inference
 * }</pre>
 */
public final class Lora implements FineTuningMethod {

  /** How A is initialised (B always starts at zero). */
  public enum Init {
    /** U(-1/√in, 1/√in): PEFT's default {@code kaiming_uniform_(a=√5)}. */
    KAIMING_UNIFORM,
    /** N(0, (1/r)²): PEFT's {@code init_lora_weights="gaussian"}. */
    GAUSSIAN
  }

  /** The name of the unnamed adapter; its parameters carry no adapter segment, as in PEFT files. */
  public static final String DEFAULT_NAME = "default";

  private final int r;
  private final double alpha;
  private final float dropout;
  private final List<String> targets;
  private final String targetRegex;
  private final boolean rsLora;
  private final Init init;
  private final long seed;
  private final boolean trainHead;
  private final String name;

  private Lora(int r, double alpha, float dropout, List<String> targets, String targetRegex,
      boolean rsLora, Init init, long seed, boolean trainHead, String name) {
    if (r < 1) {
      throw new IllegalArgumentException("LoRA rank r must be >= 1, got " + r);
    }
    if (!(alpha > 0)) {
      throw new IllegalArgumentException("LoRA alpha must be > 0, got " + alpha);
    }
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("LoRA dropout must be in [0, 1), got " + dropout);
    }
    if (name.isBlank() || name.contains(".")) {
      throw new IllegalArgumentException("adapter name must be non-blank without dots: '" + name + "'");
    }
    this.r = r;
    this.alpha = alpha;
    this.dropout = dropout;
    this.targets = List.copyOf(targets);
    this.targetRegex = targetRegex;
    this.rsLora = rsLora;
    this.init = Objects.requireNonNull(init, "init");
    this.seed = seed;
    this.trainHead = trainHead;
    this.name = name;
  }

  /**
   * PEFT's defaults: r=8, alpha=8, no dropout, Kaiming-uniform A, and the target modules PEFT
   * chooses for the model's architecture family ({@link
   * dev.finetune.core.model.ModelType#defaultLoraTargets()}: query and value for BERT and RoBERTa),
   * resolved when the method is applied.
   *
   * @return the default configuration
   */
  public static Lora defaults() {
    return new Lora(8, 8, 0f, List.of(), null, false, Init.KAIMING_UNIFORM, 42,
        true, DEFAULT_NAME);
  }

  /** @param value the rank r @return a copy */
  public Lora r(int value) {
    return new Lora(value, alpha, dropout, targets, targetRegex, rsLora, init, seed, trainHead, name);
  }

  /** @param value lora_alpha @return a copy */
  public Lora alpha(double value) {
    return new Lora(r, value, dropout, targets, targetRegex, rsLora, init, seed, trainHead, name);
  }

  /** @param value dropout on the LoRA branch's input @return a copy */
  public Lora dropout(double value) {
    return new Lora(r, alpha, (float) value, targets, targetRegex, rsLora, init, seed, trainHead, name);
  }

  /**
   * Targets by module-name suffix, as PEFT's list form ({@code "query"}, {@code "output.dense"}).
   *
   * @param modules the suffixes
   * @return a copy
   */
  public Lora targets(String... modules) {
    if (modules.length == 0) {
      throw new IllegalArgumentException("LoRA needs at least one target module, e.g. query");
    }
    return new Lora(r, alpha, dropout, List.of(modules), null, rsLora, init, seed, trainHead, name);
  }

  /**
   * Targets modules whose full name matches a regex, as PEFT's string form.
   *
   * @param regex e.g. {@code encoder\.layer\.[3-5]\..*\.(query|value)}
   * @return a copy
   */
  public Lora targetRegex(String regex) {
    Pattern.compile(regex);
    return new Lora(r, alpha, dropout, List.of(), regex, rsLora, init, seed, trainHead, name);
  }

  /** @param value true for rsLoRA scaling alpha/√r @return a copy */
  public Lora rsLora(boolean value) {
    return new Lora(r, alpha, dropout, targets, targetRegex, value, init, seed, trainHead, name);
  }

  /** @param value how A is initialised @return a copy */
  public Lora init(Init value) {
    return new Lora(r, alpha, dropout, targets, targetRegex, rsLora, value, seed, trainHead, name);
  }

  /** @param value the initialisation seed @return a copy */
  public Lora seed(long value) {
    return new Lora(r, alpha, dropout, targets, targetRegex, rsLora, init, value, trainHead, name);
  }

  /** @param value false to freeze the classification head too @return a copy */
  public Lora trainHead(boolean value) {
    return new Lora(r, alpha, dropout, targets, targetRegex, rsLora, init, seed, value, name);
  }

  /**
   * Names the adapter, so several LoRAs can sit on one base (switch with
   * {@link LoraLayers#activate}); named parameters read {@code ...query.lora_A.NAME.weight}.
   *
   * @param value the adapter name
   * @return a copy
   */
  public Lora name(String value) {
    return new Lora(r, alpha, dropout, targets, targetRegex, rsLora, init, seed, trainHead, value);
  }

  /** @return the rank */
  public int r() {
    return r;
  }

  /** @return lora_alpha */
  public double alpha() {
    return alpha;
  }

  /** @return the dropout rate */
  public float dropoutRate() {
    return dropout;
  }

  /**
   * The target suffixes given.
   *
   * @return the suffixes; empty when a regex is used or when the family's defaults apply
   */
  public List<String> targets() {
    return targets;
  }

  /**
   * The target suffixes in force on a model: those given, else the family's defaults.
   *
   * @param model the model LoRA is (or will be) applied to
   * @return the suffixes; empty when a regex is used
   */
  public List<String> targets(SequenceClassifier model) {
    if (targetRegex != null || !targets.isEmpty()) {
      return targets;
    }
    return model.config().modelType().defaultLoraTargets();
  }

  /** @return the target regex, or null */
  public String targetRegex() {
    return targetRegex;
  }

  /** @return true for rsLoRA */
  public boolean isRsLora() {
    return rsLora;
  }

  /** @return the adapter name */
  public String name() {
    return name;
  }

  /** @return whether the head trains */
  public boolean trainsHead() {
    return trainHead;
  }

  /** @return the A initialisation */
  public Init initMethod() {
    return init;
  }

  /**
   * The factor s applied to B·A.
   *
   * @return alpha/r, or alpha/√r with rsLoRA
   */
  public double scaling() {
    return rsLora ? alpha / Math.sqrt(r) : alpha / r;
  }

  /**
   * Tells whether a projection is a target.
   *
   * @param projection a projection of the model
   * @param model the model
   * @return true when LoRA goes there
   */
  boolean targets(Projection projection, SequenceClassifier model) {
    if (targetRegex != null) {
      return projection.name().matches(targetRegex);
    }
    return ParameterSelector.modules(targets(model).toArray(String[]::new))
        .matches(ParameterAddresses.of(projection.name() + ".weight"), model.config().distinctLayers());
  }

  /**
   * Applies LoRA ({@code model.apply(this)}) and returns the handle to merge, unmerge and switch
   * adapters.
   *
   * @param model the model
   * @return its LoRA layers
   */
  public LoraLayers inject(SequenceClassifier model) {
    model.apply(this);
    return LoraLayers.of(model);
  }

  @Override
  public String kind() {
    return "lora";
  }

  /** Installs LoRA, freezes the base (unless an earlier method did) and sets the head. */
  @Override
  public void install(SequenceClassifier model) {
    List<Projection> chosen = new ArrayList<>();
    for (Projection p : Targets.projections(model)) {
      if (targets(p, model)) {
        chosen.add(p);
      }
    }
    if (chosen.isEmpty()) {
      throw new IllegalArgumentException(
          "LoRA targets " + (targetRegex != null ? "regex " + targetRegex : targets(model))
              + " match no projection; module names look like "
              + Targets.projections(model).stream().limit(6).map(Projection::name).toList());
    }
    for (Projection p : chosen) {
      LoraWrapper.checkCanAdd(p, name);
    }
    for (Projection p : chosen) {
      LoraWrapper wrapper = LoraWrapper.on(p);
      String infix = DEFAULT_NAME.equals(name) ? "" : "." + name;
      int in = p.inFeatures();
      int out = p.outFeatures();
      String aName = p.name() + ".lora_A" + infix + ".weight";
      String bName = p.name() + ".lora_B" + infix + ".weight";
      float[] a = init == Init.KAIMING_UNIFORM
          ? PeftParameters.uniform(seed, aName, r * in, 1.0 / Math.sqrt(in))
          : PeftParameters.normal(seed, aName, r * in, 1.0 / r);
      Parameter pa = PeftParameters.add(model, aName, a, r, in);
      Parameter pb = PeftParameters.add(model, bName, new float[out * r], out, r);
      wrapper.add(name, new LoraWrapper.Adapter(this, pa, pb));
    }
    PeftParameters.freezeBaseOnce(model);
    PeftParameters.head(model, trainHead);
  }

  private String infix() {
    return DEFAULT_NAME.equals(name) ? "" : "." + name;
  }

  /** @return true for this adapter's {@code lora_A} and {@code lora_B} matrices */
  @Override
  public boolean owns(String hfName) {
    return hfName.endsWith(".lora_A" + infix() + ".weight")
        || hfName.endsWith(".lora_B" + infix() + ".weight");
  }

  /** The matrices without the adapter name (as PEFT saves them) and PEFT's LoraConfig fields. */
  @Override
  public AdapterState adapterState(SequenceClassifier model) {
    Lora config = null;
    for (LoraWrapper w : LoraLayers.of(model).wrappers()) {
      LoraWrapper.Adapter a = w.adapters().get(name);
      if (a != null) {
        config = a.config();
        if (w.isMerged(name)) {
          throw new IllegalStateException("unmerge() the LoRA adapter '" + name + "' before saving it");
        }
      }
    }
    if (config == null) {
      throw new IllegalStateException("the model has no LoRA adapter named '" + name
          + "' to save; present: " + LoraLayers.of(model).adapterNames()
          + (DEFAULT_NAME.equals(name) ? " (no unnamed LoRA adapter: apply Peft.lora() first)"
              : ""));
    }
    String infix = infix();
    Map<String, HostTensor> out = new LinkedHashMap<>();
    for (ModelParameter p : model.parameters().all()) {
      String n = p.hfName();
      for (String part : new String[] {".lora_A", ".lora_B"}) {
        if (n.endsWith(part + infix + ".weight")) {
          String key = n.substring(0, n.length() - (part + infix + ".weight").length())
              + part + ".weight";
          out.put(key, HostTensor.of(p.parameter().getArray()));
        }
      }
    }
    JsonObject o = new JsonObject();
    o.addProperty("r", config.r());
    o.addProperty("lora_alpha", config.alpha());
    o.addProperty("lora_dropout", config.dropoutRate());
    if (config.targetRegex() != null) {
      o.addProperty("target_modules", config.targetRegex());
    } else {
      JsonArray list = new JsonArray();
      config.targets(model).forEach(list::add);
      o.add("target_modules", list);
    }
    o.addProperty("use_rslora", config.isRsLora());
    if (config.initMethod() == Init.GAUSSIAN) {
      o.addProperty("init_lora_weights", "gaussian");
    } else {
      o.addProperty("init_lora_weights", true);
    }
    o.addProperty("bias", "none");
    o.addProperty("fan_in_fan_out", false);
    return AdapterState.tuner(o, out);
  }

  /** W + s·B·A for each projection where this adapter is active and not merged yet. */
  @Override
  public Optional<Map<String, HostTensor>> mergedWeights(SequenceClassifier model) {
    Map<String, HostTensor> out = new LinkedHashMap<>();
    for (LoraWrapper w : LoraLayers.of(model).wrappers()) {
      if (w.adapters().containsKey(name) && w.active().contains(name) && !w.isMerged(name)) {
        out.put(w.projection().name() + ".weight", w.mergedWeight(name));
      }
    }
    return Optional.of(out);
  }

  @Override
  public Map<String, long[]> expectedTensors(SequenceClassifier model) {
    Map<String, long[]> expected = new LinkedHashMap<>();
    for (Projection p : Targets.projections(model)) {
      if (targets(p, model)) {
        expected.put(p.name() + ".lora_A" + infix() + ".weight", new long[] {r, p.inFeatures()});
        expected.put(p.name() + ".lora_B" + infix() + ".weight", new long[] {p.outFeatures(), r});
      }
    }
    return expected;
  }

  /** Adds this adapter's name to a saved {@code lora_A}/{@code lora_B} key. */
  @Override
  public String parameterName(String savedName) {
    return savedName.replace(".lora_A.weight", ".lora_A" + infix() + ".weight")
        .replace(".lora_B.weight", ".lora_B" + infix() + ".weight");
  }

  @Override
  public String describe() {
    return "lora(r=" + r + ", alpha=" + alpha + (rsLora ? ", rslora" : "") + ", targets="
        + (targetRegex != null ? targetRegex
            : targets.isEmpty() ? "the family's default" : String.join(",", targets)) + ")";
  }

  @Override
  public String toString() {
    return describe();
  }

  /**
   * The registry entry {@code lora}: {@code lora(8)}, {@code lora(r=16,alpha=32,dropout=0.1,
   * targets=query|key|value)}; adapter checkpoints of {@code peft_type} LORA.
   *
   * <pre>{@code
   * FineTuningMethods.parse("lora(r=16,alpha=32)");   // Peft.lora().r(16).alpha(32)
   * }</pre>
   */
  public static final class Type implements MethodType {

    /** Creates the entry (for ServiceLoader). */
    public Type() {}

    @Override
    public String name() {
      return "lora";
    }

    @Override
    public String usage() {
      return "lora(8)";
    }

    @Override
    public String help() {
      return "LoRA of rank r on query and value: lora(r=8, alpha=8, dropout=0, targets=query|value)";
    }

    @Override
    public FineTuningMethod parse(MethodSpec spec) {
      spec.accept("r", "alpha", "dropout", "targets");
      Lora lora = defaults().r(spec.intArg(0, "r", 8));
      lora = lora.alpha(spec.doubleArg(1, "alpha", lora.alpha()))
          .dropout(spec.doubleArg(2, "dropout", 0));
      List<String> targets = spec.listArg(3, "targets");
      if (spec.arg(3, "targets").isPresent()) {
        if (targets.stream().anyMatch(String::isBlank)) {
          throw new IllegalArgumentException("'" + spec.text() + "': targets needs module"
              + " suffixes separated by |, e.g. targets=query|value");
        }
        lora = lora.targets(targets.toArray(String[]::new));
      }
      return lora;
    }

    @Override
    public Optional<String> adapterType() {
      return Optional.of("LORA");
    }

    /** PEFT's LoraConfig: r, lora_alpha, lora_dropout, target_modules, use_rslora, init. */
    @Override
    public FineTuningMethod fromAdapterConfig(AdapterConfig c) {
      Lora lora = defaults().r(c.required("r").getAsInt())
          .alpha(c.required("lora_alpha").getAsDouble())
          .name(c.adapterName() == null ? DEFAULT_NAME : c.adapterName());
      Optional<JsonElement> dropout = c.optional("lora_dropout");
      if (dropout.isPresent()) {
        lora = lora.dropout(dropout.get().getAsDouble());
      }
      JsonElement targets = c.json().get("target_modules");
      if (targets != null && targets.isJsonArray()) {
        List<String> list = new ArrayList<>();
        targets.getAsJsonArray().forEach(t -> list.add(t.getAsString()));
        lora = lora.targets(list.toArray(String[]::new));
      } else if (targets != null && targets.isJsonPrimitive()) {
        lora = lora.targetRegex(targets.getAsString());
      }
      if (c.optional("use_rslora").map(JsonElement::getAsBoolean).orElse(false)) {
        lora = lora.rsLora(true);
      }
      if (c.optional("init_lora_weights").map(JsonElement::getAsString)
          .filter("gaussian"::equals).isPresent()) {
        lora = lora.init(Init.GAUSSIAN);
      }
      return lora;
    }
  }
}
