package dev.finetune.peft;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.finetune.core.checkpoint.AtomicFiles;
import dev.finetune.core.checkpoint.HostTensor;
import dev.finetune.core.checkpoint.SafeTensors;
import dev.finetune.core.model.EncoderConfig;
import dev.finetune.core.model.HiddenActivation;
import dev.finetune.core.model.Projection;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.params.ModelParameter;
import dev.finetune.core.train.ModelTransform;
import dev.finetune.schedules.ParameterSelector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Saves and loads only what a parameter-efficient method trained, plus the classification head
 * and the method's configuration: {@code adapter_config.json} and {@code
 * adapter_model.safetensors}, in Hugging Face PEFT's layout where PEFT has the method.
 *
 * <table>
 *   <caption>Layouts (keys shown for BERT; RoBERTa has {@code roberta.})</caption>
 *   <tr><th>method</th><th>{@code peft_type}</th><th>keys</th></tr>
 *   <tr><td>LoRA (any named adapter)</td><td>LORA</td>
 *       <td>{@code base_model.model.bert.encoder.layer.0.attention.self.query.lora_A.weight}
 *       (the adapter name is left out, as PEFT saves it)</td></tr>
 *   <tr><td>IA3</td><td>IA3</td>
 *       <td>{@code base_model.model.bert.encoder.layer.0.attention.self.key.ia3_l} (H, 1),
 *       {@code ...layer.0.output.dense.ia3_l} (1, FFN)</td></tr>
 *   <tr><td>prompt tuning</td><td>PROMPT_TUNING</td><td>{@code prompt_embeddings} (n, H); a text
 *       initialisation is recorded as {@code RANDOM} with {@code prompt_tuning_init_text}, as PEFT
 *       would demand a tokenizer path for {@code TEXT}</td></tr>
 *   <tr><td>prefix tuning</td><td>PREFIX_TUNING</td>
 *       <td>{@code prompt_embeddings} (n, L·2·H): the prefix itself; with a projection, the MLP's
 *       output (what PEFT saves), so loading gives the prefix without its MLP</td></tr>
 *   <tr><td>bottleneck adapters</td><td>BOTTLENECK (this library's, not PEFT's)</td>
 *       <td>{@code base_model.model.bert.encoder.layer.0.output.adapter.down.weight}, {@code
 *       .down.bias}, {@code .up.weight}, {@code .up.bias}; {@code attention.output.adapter.}
 *       (Houlsby) and {@code output.adapter_parallel.} (parallel); the layers' LayerNorms when
 *       they train</td></tr>
 *   <tr><td>BitFit</td><td>BITFIT (this library's)</td>
 *       <td>{@code base_model.model.bert.encoder.layer.0.attention.self.query.bias} ..., the
 *       trained biases, listed in the config's {@code biases}</td></tr>
 * </table>
 *
 * <p>The head is listed in {@code modules_to_save} and saved under the keys PEFT writes for it:
 * {@code base_model.model.classifier.weight} (prompt and prefix tuning: {@code
 * base_model.classifier.weight}), the pooler as {@code base_model.model.bert.pooler.dense.weight};
 * keys with PEFT's in-memory {@code .modules_to_save[.default]} segment load too. Loading checks
 * every shape before it changes the model, then re-creates the method on the model and copies the
 * values; a mismatch names the key, the file's shape and the model's.
 *
 * <pre>{@code
 * Lora lora = Peft.lora().r(8);
 * FineTune.of(model).peft(lora).fit(train, dev);
 * AdapterCheckpoint.save(model, lora, Path.of("runs/sst2-lora"));
 * try (var fresh = Encoders.load(base).forSequenceClassification(2)) {
 *   AdapterCheckpoint.load(fresh, Path.of("runs/sst2-lora"));   // injects LoRA, copies weights
 * }
 * }</pre>
 */
public final class AdapterCheckpoint {

  /** The configuration file name. */
  public static final String CONFIG = "adapter_config.json";
  /** The weights file name. */
  public static final String WEIGHTS = "adapter_model.safetensors";
  /** PEFT's key for prompt and prefix tuning tables. */
  public static final String PROMPT_EMBEDDINGS = "prompt_embeddings";

  private static final String TUNER_ROOT = "base_model.model.";
  private static final String PROMPT_ROOT = "base_model.";
  private static final String SAVED = ".modules_to_save";
  private static final List<String> TYPES =
      List.of("LORA", "IA3", "PROMPT_TUNING", "PREFIX_TUNING", "BOTTLENECK", "BITFIT");

  private AdapterCheckpoint() {}

  /** What one method contributes to a checkpoint: its config fields and its tensors. */
  private record Saved(String type, String root, JsonObject config, Map<String, HostTensor> tensors) {}

  /** What loading a checkpoint expects: the method, our name for each file key, and shapes. */
  private record Plan(ModelTransform method, UnaryOperator<String> rename,
      Map<String, long[]> expected) {}

  /**
   * Writes the unnamed (default) LoRA adapter and the head.
   *
   * @param model a model with LoRA installed
   * @param dir the folder (created if needed)
   * @throws IllegalStateException when the model has no LoRA adapter named "default"
   */
  public static void save(SequenceClassifier model, Path dir) {
    write(model, dir, lora(model, Lora.DEFAULT_NAME));
  }

  /**
   * Writes what a method trained on this model and the head.
   *
   * @param model the model the method was applied to
   * @param method the configuration that was applied: a {@link Lora} (its {@link Lora#name()}
   *     chooses the adapter), {@link Ia3}, {@link PromptTuning}, {@link PrefixTuning},
   *     {@link Adapters} or {@link BitFit}
   * @param dir the folder (created if needed)
   * @throws IllegalArgumentException for another kind of transform
   * @throws IllegalStateException when the method is not installed on the model
   */
  public static void save(SequenceClassifier model, ModelTransform method, Path dir) {
    Saved saved;
    if (method instanceof Lora l) {
      saved = lora(model, l.name());
    } else if (method instanceof Ia3) {
      saved = ia3(model);
    } else if (method instanceof PromptTuning p) {
      saved = prompt(model, p);
    } else if (method instanceof PrefixTuning p) {
      saved = prefix(model, p);
    } else if (method instanceof Adapters a) {
      saved = bottleneck(model, a);
    } else if (method instanceof BitFit b) {
      saved = bitFit(model, b);
    } else {
      throw new IllegalArgumentException("cannot save " + method.describe()
          + " as an adapter checkpoint: supported are Lora, Ia3, PromptTuning, PrefixTuning,"
          + " Adapters and BitFit (a method that changes base weights, such as Selective, needs"
          + " the whole model: SequenceClassifier.save)");
    }
    write(model, dir, saved);
  }

  private static void write(SequenceClassifier model, Path dir, Saved saved) {
    Map<String, HostTensor> tensors = new LinkedHashMap<>(saved.tensors());
    String prefix = model.config().modelType().checkpointPrefix();
    for (ModelParameter p : model.parameters().all()) {
      if (p.address().isHead()) {
        tensors.put(headKey(saved.root(), prefix, p.hfName()),
            HostTensor.of(p.parameter().getArray()));
      }
    }
    JsonObject o = new JsonObject();
    o.addProperty("peft_type", saved.type());
    o.addProperty("task_type", "SEQ_CLS");
    o.add("base_model_name_or_path", JsonNull.INSTANCE);
    o.addProperty("inference_mode", true);
    saved.config().entrySet().forEach(e -> o.add(e.getKey(), e.getValue()));
    JsonArray modules = new JsonArray();
    modules.add("classifier");
    if (model.head().pooler().isPresent()) {
      modules.add("pooler");
    }
    o.add("modules_to_save", modules);
    try {
      Files.createDirectories(dir);
      SafeTensors.write(dir.resolve(WEIGHTS), tensors);
      String json = new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(o);
      AtomicFiles.write(dir.resolve(CONFIG), json.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the adapter to " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * PEFT's key for a head parameter: the module's own name, since PEFT's {@code
   * ModulesToSaveWrapper} drops its {@code modules_to_save.<adapter>.} segment when saving (and
   * adds it back when loading).
   */
  private static String headKey(String root, String modelPrefix, String hfName) {
    return root + (hfName.startsWith("pooler.") ? modelPrefix : "") + hfName;
  }

  private static Map<String, HostTensor> tensors(SequenceClassifier model, String root,
      java.util.function.Predicate<ModelParameter> which) {
    String prefix = model.config().modelType().checkpointPrefix();
    Map<String, HostTensor> out = new LinkedHashMap<>();
    for (ModelParameter p : model.parameters().all()) {
      if (which.test(p)) {
        out.put(root + prefix + p.hfName(), HostTensor.of(p.parameter().getArray()));
      }
    }
    return out;
  }

  private static Saved lora(SequenceClassifier model, String name) {
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
          + (Lora.DEFAULT_NAME.equals(name) ? " (no unnamed LoRA adapter: apply Peft.lora() first)"
              : ""));
    }
    String infix = Lora.DEFAULT_NAME.equals(name) ? "" : "." + name;
    String prefix = model.config().modelType().checkpointPrefix();
    Map<String, HostTensor> out = new LinkedHashMap<>();
    for (ModelParameter p : model.parameters().all()) {
      String n = p.hfName();
      for (String part : new String[] {".lora_A", ".lora_B"}) {
        if (n.endsWith(part + infix + ".weight")) {
          String key = n.substring(0, n.length() - (part + infix + ".weight").length())
              + part + ".weight";
          out.put(TUNER_ROOT + prefix + key, HostTensor.of(p.parameter().getArray()));
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
      JsonArray targets = new JsonArray();
      config.targets().forEach(targets::add);
      o.add("target_modules", targets);
    }
    o.addProperty("use_rslora", config.isRsLora());
    if (config.initMethod() == Lora.Init.GAUSSIAN) {
      o.addProperty("init_lora_weights", "gaussian");
    } else {
      o.addProperty("init_lora_weights", true);
    }
    o.addProperty("bias", "none");
    o.addProperty("fan_in_fan_out", false);
    return new Saved("LORA", TUNER_ROOT, o, out);
  }

  /** PEFT matches a string target list by suffix; these regexes name exactly what Ia3 wraps. */
  static final String IA3_TARGETS = ".*\\.attention\\.self\\.(key|value)|.*\\.layer\\.\\d+\\.output\\.dense";
  static final String IA3_FEEDFORWARD = ".*\\.layer\\.\\d+\\.output\\.dense";

  private static Saved ia3(SequenceClassifier model) {
    Map<String, HostTensor> out = tensors(model, TUNER_ROOT, p -> p.hfName().endsWith(".ia3_l"));
    if (out.isEmpty()) {
      throw new IllegalStateException("the model has no IA3 vectors (*.ia3_l) to save; apply Peft.ia3() first");
    }
    JsonObject o = new JsonObject();
    o.addProperty("target_modules", IA3_TARGETS);
    o.addProperty("feedforward_modules", IA3_FEEDFORWARD);
    o.addProperty("fan_in_fan_out", false);
    o.addProperty("init_ia3_weights", true);
    return new Saved("IA3", TUNER_ROOT, o, out);
  }

  private static JsonObject promptLearning(EncoderConfig c, int n) {
    JsonObject o = new JsonObject();
    o.addProperty("num_virtual_tokens", n);
    o.addProperty("token_dim", c.hiddenSize());
    o.addProperty("num_transformer_submodules", 1);
    o.addProperty("num_attention_heads", c.numHeads());
    o.addProperty("num_layers", c.numLayers());
    return o;
  }

  private static ModelParameter required(SequenceClassifier model, String name, String method) {
    return model.parameters().find(name).orElseThrow(() -> new IllegalStateException(
        "the model has no " + name + " to save; apply " + method + " to it first"));
  }

  private static Saved prompt(SequenceClassifier model, PromptTuning method) {
    ModelParameter p = required(model, PromptTuning.NAME, "prompt tuning");
    HostTensor table = HostTensor.of(p.parameter().getArray());
    JsonObject o = promptLearning(model.config(), (int) table.shape()[0]);
    // PEFT refuses TEXT without a tokenizer path, which we do not know; the init does not matter
    // once the trained prompt is loaded, so TEXT is written as RANDOM with the text kept beside it.
    String init = method.peftInit();
    o.addProperty("prompt_tuning_init", "TEXT".equals(init) ? "RANDOM" : init);
    o.addProperty("prompt_tuning_init_text", method.initText());
    o.add("tokenizer_name_or_path", JsonNull.INSTANCE);
    return new Saved("PROMPT_TUNING", PROMPT_ROOT, o, Map.of(PROMPT_EMBEDDINGS, table));
  }

  private static Saved prefix(SequenceClassifier model, PrefixTuning method) {
    required(model, PrefixTuning.EMBEDDING, "prefix tuning");
    HostTensor table = PrefixTuning.table(model);
    JsonObject o = promptLearning(model.config(), (int) table.shape()[0]);
    boolean projected = model.parameters().find(PrefixTuning.TRANSFORM + "0.weight").isPresent();
    o.addProperty("encoder_hidden_size", projected
        ? (int) model.parameters().get(PrefixTuning.TRANSFORM + "0.weight").parameter().getShape().get(0)
        : model.config().hiddenSize());
    o.addProperty("prefix_projection", projected);
    return new Saved("PREFIX_TUNING", PROMPT_ROOT, o, Map.of(PROMPT_EMBEDDINGS, table));
  }

  private static Saved bottleneck(SequenceClassifier model, Adapters method) {
    Map<String, HostTensor> out = tensors(model, TUNER_ROOT, p -> p.hfName().contains(".adapter.")
        || p.hfName().contains(".adapter_parallel.")
        || (method.trainsLayerNorms() && p.address().isEncoderLayer()
            && p.hfName().contains("LayerNorm.")));
    String first = method.blockPrefixes(0).get(0) + "down.weight";
    ModelParameter down = required(model, first, method.describe());
    JsonObject o = new JsonObject();
    o.addProperty("library", "finetune (not a Hugging Face PEFT type)");
    o.addProperty("placement", method.placement().name().toLowerCase(Locale.ROOT));
    o.addProperty("bottleneck_size", down.parameter().getShape().get(0));
    int reduction = method.reductionFactor();
    if (reduction > 0) {
      o.addProperty("reduction_factor", reduction);
    } else {
      o.add("reduction_factor", JsonNull.INSTANCE);
    }
    o.addProperty("non_linearity", method.activationFunction().hfName());
    o.addProperty("scaling", method.scalingFactor());
    o.addProperty("init_weights", method.isNearIdentity() ? "near_identity" : "zero_up");
    o.addProperty("train_layer_norms", method.trainsLayerNorms());
    o.addProperty("hidden_size", model.config().hiddenSize());
    o.addProperty("num_layers", model.config().numLayers());
    return new Saved("BOTTLENECK", TUNER_ROOT, o, out);
  }

  private static Saved bitFit(SequenceClassifier model, BitFit method) {
    int numLayers = model.config().numLayers();
    JsonArray names = new JsonArray();
    Map<String, HostTensor> out = tensors(model, TUNER_ROOT, p -> {
      boolean trained = PeftParameters.isBase(p.address()) && p.address().isBias()
          && p.isTrainable() && method.subset().matches(p.address(), numLayers);
      if (trained) {
        names.add(p.hfName());
      }
      return trained;
    });
    if (out.isEmpty()) {
      throw new IllegalStateException("the model has no trainable bias that " + method.describe()
          + " selects; apply it to the model first");
    }
    JsonObject o = new JsonObject();
    o.addProperty("library", "finetune (not a Hugging Face PEFT type)");
    o.add("biases", names);
    return new Saved("BITFIT", TUNER_ROOT, o, out);
  }

  /**
   * Reads an adapter checkpoint, re-creates its method on the model (LoRA as the unnamed
   * adapter) and copies its values and the head.
   *
   * @param model a model of the base the adapter was trained on, without the method
   * @param dir the folder with {@value #CONFIG} and {@value #WEIGHTS}
   * @return the method it applied (e.g. a {@link Lora}; {@code LoraLayers.of(model)} then
   *     merges or switches it)
   * @throws IllegalArgumentException naming the file, key and shapes when they do not fit, or
   *     the {@code peft_type} when it is not supported; the model is then unchanged
   */
  public static ModelTransform load(SequenceClassifier model, Path dir) {
    return load(model, dir, Lora.DEFAULT_NAME);
  }

  /**
   * Reads a LoRA checkpoint as a named adapter, beside the adapters the model already has
   * (switch with {@link LoraLayers#activate}); the head is replaced by the checkpoint's.
   *
   * @param model a model of the base the adapter was trained on
   * @param dir the folder with {@value #CONFIG} and {@value #WEIGHTS}
   * @param adapterName the LoRA adapter name to install it under
   * @return the LoRA configuration it applied
   * @throws IllegalArgumentException as {@link #load(SequenceClassifier, Path)}, and for a name
   *     given to a method other than LoRA
   */
  public static ModelTransform load(SequenceClassifier model, Path dir, String adapterName) {
    Path configFile = dir.resolve(CONFIG);
    Path weightsFile = dir.resolve(WEIGHTS);
    if (!Files.isRegularFile(configFile) || !Files.isRegularFile(weightsFile)) {
      throw new IllegalArgumentException(
          dir + " is not an adapter checkpoint: it needs " + CONFIG + " and " + WEIGHTS);
    }
    JsonObject config = readJson(configFile);
    String type = config.has("peft_type") ? config.get("peft_type").getAsString() : "(none)";
    if (!"LORA".equals(type) && !Lora.DEFAULT_NAME.equals(adapterName)) {
      throw new IllegalArgumentException("adapter name '" + adapterName + "' given for a "
          + type + " checkpoint; only LoRA adapters can be named");
    }
    Plan plan = switch (type) {
      case "LORA" -> loraPlan(model, configFile, config, adapterName);
      case "IA3" -> ia3Plan(model);
      case "PROMPT_TUNING" -> promptPlan(model, configFile, config);
      case "PREFIX_TUNING" -> prefixPlan(model, configFile, config);
      case "BOTTLENECK" -> bottleneckPlan(model, configFile, config);
      case "BITFIT" -> bitFitPlan(model, configFile, config);
      default -> throw new IllegalArgumentException(configFile + " has peft_type " + type
          + ", which this library cannot load; supported: " + String.join(", ", TYPES));
    };
    Map<String, HostTensor> byName = new LinkedHashMap<>();
    Map<String, String> fileKeys = new LinkedHashMap<>();
    String prefix = model.config().modelType().checkpointPrefix();
    for (Map.Entry<String, HostTensor> e : SafeTensors.read(weightsFile).entrySet()) {
      String n = e.getKey();
      n = n.startsWith(TUNER_ROOT) ? n.substring(TUNER_ROOT.length())
          : n.startsWith(PROMPT_ROOT) ? n.substring(PROMPT_ROOT.length()) : n;
      n = n.startsWith(prefix) ? n.substring(prefix.length()) : n;
      n = n.replace(SAVED + ".default.", ".").replace(SAVED + ".", ".");
      n = plan.rename().apply(n);
      byName.put(n, e.getValue());
      fileKeys.put(n, e.getKey());
    }
    check(model, weightsFile, type, plan.expected(), byName, fileKeys);
    plan.method().apply(model);
    for (Map.Entry<String, HostTensor> e : byName.entrySet()) {
      model.parameters().get(e.getKey()).parameter().getArray().set(e.getValue().data());
    }
    return plan.method();
  }

  private static void check(SequenceClassifier model, Path file, String type,
      Map<String, long[]> expected, Map<String, HostTensor> byName, Map<String, String> fileKeys) {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, long[]> e : expected.entrySet()) {
      HostTensor t = byName.get(e.getKey());
      if (t == null) {
        problems.add(e.getKey() + " is missing from the file");
      } else if (!t.hasShape(e.getValue())) {
        problems.add(fileKeys.get(e.getKey()) + " has shape " + Arrays.toString(t.shape())
            + ", the model expects " + Arrays.toString(e.getValue()));
      }
    }
    for (Map.Entry<String, HostTensor> e : byName.entrySet()) {
      String n = e.getKey();
      if (expected.containsKey(n)) {
        continue;
      }
      var p = model.parameters().find(n);
      if (p.isEmpty() || !p.get().address().isHead()) {
        problems.add(fileKeys.get(n) + " does not belong to this model's " + type
            + " parameters or head");
      } else if (!e.getValue().hasShape(p.get().parameter().getShape().getShape())) {
        problems.add(fileKeys.get(n) + " has shape " + Arrays.toString(e.getValue().shape())
            + ", the model expects " + Arrays.toString(p.get().parameter().getShape().getShape()));
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("the adapter in " + file
          + " does not fit this model (was it trained on another base or head?): "
          + String.join("; ", problems.subList(0, Math.min(5, problems.size())))
          + (problems.size() > 5 ? "; and " + (problems.size() - 5) + " more" : ""));
    }
  }

  private static JsonObject readJson(Path file) {
    try {
      return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("cannot read " + file + " as JSON: " + e.getMessage(), e);
    }
  }

  private static JsonElement field(Path file, JsonObject o, String name) {
    JsonElement e = o.get(name);
    if (e == null || e.isJsonNull()) {
      throw new IllegalArgumentException(file + " lacks \"" + name + "\", which "
          + o.get("peft_type").getAsString() + " needs");
    }
    return e;
  }

  private static Plan loraPlan(SequenceClassifier model, Path file, JsonObject o, String name) {
    Lora lora = Lora.defaults().r(field(file, o, "r").getAsInt())
        .alpha(field(file, o, "lora_alpha").getAsDouble()).name(name);
    if (o.has("lora_dropout")) {
      lora = lora.dropout(o.get("lora_dropout").getAsDouble());
    }
    JsonElement targets = o.get("target_modules");
    if (targets != null && targets.isJsonArray()) {
      List<String> list = new ArrayList<>();
      targets.getAsJsonArray().forEach(t -> list.add(t.getAsString()));
      lora = lora.targets(list.toArray(String[]::new));
    } else if (targets != null && targets.isJsonPrimitive()) {
      lora = lora.targetRegex(targets.getAsString());
    }
    if (o.has("use_rslora") && o.get("use_rslora").getAsBoolean()) {
      lora = lora.rsLora(true);
    }
    if (o.has("init_lora_weights") && "gaussian".equals(o.get("init_lora_weights").getAsString())) {
      lora = lora.init(Lora.Init.GAUSSIAN);
    }
    String infix = Lora.DEFAULT_NAME.equals(name) ? "" : "." + name;
    Map<String, long[]> expected = new LinkedHashMap<>();
    int numLayers = model.config().numLayers();
    for (Projection p : Targets.projections(model)) {
      if (lora.targets(p, numLayers)) {
        expected.put(p.name() + ".lora_A" + infix + ".weight", new long[] {lora.r(), p.inFeatures()});
        expected.put(p.name() + ".lora_B" + infix + ".weight", new long[] {p.outFeatures(), lora.r()});
      }
    }
    UnaryOperator<String> rename = n -> n.replace(".lora_A.weight", ".lora_A" + infix + ".weight")
        .replace(".lora_B.weight", ".lora_B" + infix + ".weight");
    return new Plan(lora, rename, expected);
  }

  private static Plan ia3Plan(SequenceClassifier model) {
    EncoderConfig c = model.config();
    Map<String, long[]> expected = new LinkedHashMap<>();
    for (int i = 0; i < c.numLayers(); i++) {
      String p = "encoder.layer." + i + ".";
      expected.put(p + "attention.self.key.ia3_l", new long[] {c.hiddenSize(), 1});
      expected.put(p + "attention.self.value.ia3_l", new long[] {c.hiddenSize(), 1});
      expected.put(p + "output.dense.ia3_l", new long[] {1, c.intermediateSize()});
    }
    return new Plan(Ia3.defaults(), UnaryOperator.identity(), expected);
  }

  private static UnaryOperator<String> promptKey(String name) {
    return n -> PROMPT_EMBEDDINGS.equals(n) ? name : n;
  }

  private static Plan promptPlan(SequenceClassifier model, Path file, JsonObject o) {
    int n = field(file, o, "num_virtual_tokens").getAsInt();
    return new Plan(PromptTuning.of(n), promptKey(PromptTuning.NAME),
        Map.of(PromptTuning.NAME, new long[] {n, model.config().hiddenSize()}));
  }

  private static Plan prefixPlan(SequenceClassifier model, Path file, JsonObject o) {
    int n = field(file, o, "num_virtual_tokens").getAsInt();
    EncoderConfig c = model.config();
    return new Plan(PrefixTuning.of(n), promptKey(PrefixTuning.EMBEDDING),
        Map.of(PrefixTuning.EMBEDDING, new long[] {n, (long) c.numLayers() * 2 * c.hiddenSize()}));
  }

  private static Plan bottleneckPlan(SequenceClassifier model, Path file, JsonObject o) {
    String placement = field(file, o, "placement").getAsString();
    Adapters method = switch (placement) {
      case "houlsby" -> Adapters.houlsby();
      case "pfeiffer" -> Adapters.pfeiffer();
      case "parallel" -> Adapters.parallel();
      default -> throw new IllegalArgumentException(file + ": placement \"" + placement
          + "\" is unknown; use houlsby, pfeiffer or parallel");
    };
    int m = field(file, o, "bottleneck_size").getAsInt();
    boolean norms = o.has("train_layer_norms") && o.get("train_layer_norms").getAsBoolean();
    method = method.size(m)
        .activation(HiddenActivation.fromHf(field(file, o, "non_linearity").getAsString()))
        .scaling(field(file, o, "scaling").getAsDouble())
        .trainLayerNorms(norms);
    int h = model.config().hiddenSize();
    Map<String, long[]> expected = new LinkedHashMap<>();
    for (int i = 0; i < model.config().numLayers(); i++) {
      for (String p : method.blockPrefixes(i)) {
        expected.put(p + "down.weight", new long[] {m, h});
        expected.put(p + "down.bias", new long[] {m});
        expected.put(p + "up.weight", new long[] {h, m});
        expected.put(p + "up.bias", new long[] {h});
      }
      if (norms) {
        for (String p : new String[] {"attention.output.LayerNorm.", "output.LayerNorm."}) {
          expected.put("encoder.layer." + i + "." + p + "weight", new long[] {h});
          expected.put("encoder.layer." + i + "." + p + "bias", new long[] {h});
        }
      }
    }
    return new Plan(method, UnaryOperator.identity(), expected);
  }

  private static Plan bitFitPlan(SequenceClassifier model, Path file, JsonObject o) {
    List<String> names = new ArrayList<>();
    field(file, o, "biases").getAsJsonArray().forEach(e -> names.add(e.getAsString()));
    Map<String, long[]> expected = new LinkedHashMap<>();
    for (String n : names) {
      var p = model.parameters().find(n);
      if (p.isEmpty()) {
        throw new IllegalArgumentException(file + " lists bias " + n
            + ", which this model does not have (was it trained on another base?)");
      }
      expected.put(n, p.get().parameter().getShape().getShape());
    }
    BitFit method = BitFit.allBiases().only(ParameterSelector.names(names.toArray(String[]::new)));
    return new Plan(method, UnaryOperator.identity(), expected);
  }
}
