package dev.finetune.core.method;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.finetune.core.checkpoint.AtomicFiles;
import dev.finetune.core.checkpoint.HostTensor;
import dev.finetune.core.checkpoint.SafeTensors;
import dev.finetune.core.model.ProblemType;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.params.ModelParameter;
import dev.finetune.core.train.ModelTransform;
import dev.finetune.schedules.ParameterRole;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Predicate;
import java.util.zip.CRC32C;

/**
 * Adapter checkpoints of any registered method: {@code adapter_config.json} and {@code
 * adapter_model.safetensors} with what the method trained and the head, in Hugging Face PEFT's
 * layout ({@link AdapterState.Layout}). The method writes its own fields and tensors
 * ({@link FineTuningMethod#adapterState}) and is found again by the file's {@code peft_type}
 * ({@link FineTuningMethods#forAdapterType}); this class adds the common fields, the head and the
 * shape checks. {@code dev.finetune.peft.AdapterCheckpoint} documents the layouts of the library's
 * methods.
 *
 * <pre>{@code
 * FineTune.of(model).peft(Peft.lora()).fit(train, dev);
 * MethodCheckpoint.save(model, dir);                  // what was applied: the LoRA and the head
 * try (SequenceClassifier fresh = Encoders.load(base).forSequenceClassification(2)) {
 *   MethodCheckpoint.load(fresh, dir);                // applies LoRA, copies the weights
 * }
 * }</pre>
 */
public final class MethodCheckpoint {

  /** The configuration file name. */
  public static final String CONFIG = "adapter_config.json";
  /** The weights file name. */
  public static final String WEIGHTS = "adapter_model.safetensors";

  /** The key of the base model (PEFT's). */
  public static final String BASE = "base_model_name_or_path";
  /** The key of the head's pooling (this library's; PEFT ignores unknown keys). */
  public static final String POOLING = "finetune_pooling";
  /** The key of the base's layer count, for a base cut to its first layers (this library's). */
  public static final String LAYERS = "finetune_num_layers";
  /** The key of the head's class names, index = class id (this library's). */
  public static final String LABELS = "finetune_label_names";
  /**
   * The key of the head's problem type (Hugging Face's name); a file without it holds a
   * single-label head (files before regression heads) unless it has one output.
   */
  public static final String PROBLEM_TYPE = "problem_type";

  /** PEFT's key for the head's task: {@code SEQ_CLS}, or {@value #TOKEN_TASK}. */
  public static final String TASK_TYPE = "task_type";

  /** PEFT's {@code task_type} of token-classification adapters. */
  public static final String TOKEN_TASK = "TOKEN_CLS";
  /** The key of the base weights' fingerprint (this library's). */
  public static final String FINGERPRINT = "finetune_base_fingerprint";

  private static final String SAVED = ".modules_to_save";
  private static final String MODULES_TO_SAVE = "modules_to_save";

  private MethodCheckpoint() {}

  /**
   * Tells whether a folder holds an adapter checkpoint.
   *
   * @param dir a folder
   * @return true when it has {@value #CONFIG} and {@value #WEIGHTS}
   */
  public static boolean isAdapterCheckpoint(Path dir) {
    return Files.isRegularFile(dir.resolve(CONFIG)) && Files.isRegularFile(dir.resolve(WEIGHTS));
  }

  /**
   * The method whose adapter checkpoint reproduces the model, from what was applied to it
   * ({@link SequenceClassifier#appliedMethods()}).
   *
   * @param model a model
   * @return the one adapter method applied; empty when none was, so the model is saved whole
   *     (full fine-tuning, selective methods)
   * @throws IllegalStateException when neither an adapter nor the whole model would reload it:
   *     several adapter methods, or one beside a method that changes base weights
   */
  public static Optional<FineTuningMethod> adapterOf(SequenceClassifier model) {
    List<FineTuningMethod> adapters = new ArrayList<>();
    List<String> whole = new ArrayList<>();
    for (ModelTransform t : model.appliedMethods()) {
      if (t instanceof FineTuningMethod m && !m.changesBaseWeights()) {
        adapters.add(m);
      } else if (t != FineTuningMethods.full()) {
        whole.add(t.describe());
      }
    }
    if (adapters.isEmpty()) {
      return Optional.empty();
    }
    List<String> names = adapters.stream().map(ModelTransform::describe).toList();
    if (adapters.size() > 1) {
      throw new IllegalStateException("several methods were applied to the model " + names
          + " and an adapter checkpoint holds one; save each with"
          + " AdapterCheckpoint.save(model, method, dir)");
    }
    if (!whole.isEmpty()) {
      throw new IllegalStateException("the model has " + names.get(0) + " beside " + whole
          + ", which trains base weights or is not a registered method: neither its adapter"
          + " checkpoint nor the whole model reloads it; apply only one kind, or save both"
          + " (SequenceClassifier.save and AdapterCheckpoint.save(model, method, dir))");
    }
    return Optional.of(adapters.get(0));
  }

  /**
   * Writes exactly what was applied to the model, with the head.
   *
   * @param model a model with one adapter method applied
   * @param dir the folder (created if needed)
   * @throws IllegalStateException when nothing saveable was applied, or several methods were
   */
  public static void save(SequenceClassifier model, Path dir) {
    if (model.appliedMethods().isEmpty()) {
      throw new IllegalStateException("the model has no adapter to save: no fine-tuning method"
          + " was applied to it (so no unnamed LoRA adapter either); apply one first"
          + " (FineTune.peft(...) or model.apply(method)), or save the whole model with"
          + " SequenceClassifier.save");
    }
    FineTuningMethod method = adapterOf(model).orElseThrow(() -> new IllegalStateException(
        "the model has no adapter to save: " + model.appliedMethods().stream()
            .map(ModelTransform::describe).toList() + " train base weights; save the whole model"
            + " with SequenceClassifier.save"));
    save(model, method, dir);
  }

  /**
   * Writes what a method trained on this model and the head.
   *
   * @param model the model the method was applied to
   * @param method the method
   * @param dir the folder (created if needed)
   * @throws IllegalArgumentException for a transform that is no registered adapter method
   * @throws IllegalStateException when the method is not installed on the model
   */
  public static void save(SequenceClassifier model, ModelTransform method, Path dir) {
    if (!(method instanceof FineTuningMethod m)) {
      throw new IllegalArgumentException("cannot save " + method.describe() + " as an adapter"
          + " checkpoint: it is no FineTuningMethod, so what it trained is unknown; save the"
          + " whole model with SequenceClassifier.save");
    }
    Optional<String> type = m.changesBaseWeights() ? Optional.empty()
        : FineTuningMethods.typeOf(m).adapterType();
    if (type.isEmpty()) {
      throw new IllegalArgumentException("cannot save " + method.describe() + " as an adapter"
          + " checkpoint: it trains base weights, so it needs the whole model:"
          + " SequenceClassifier.save (methods with adapter checkpoints: "
          + FineTuningMethods.adapterTypes() + ")");
    }
    write(model, m, dir, type.get(), m.adapterState(model));
  }

  /**
   * The base an adapter checkpoint was trained on, as it recorded it.
   *
   * @param dir an adapter folder
   * @return {@code base_model_name_or_path} (a folder, or a Hugging Face id such as
   *     {@value dev.finetune.core.checkpoint.EmbeddedMiniLm#HF_ID}); empty when not recorded
   * @throws IllegalArgumentException when the folder is no adapter checkpoint
   */
  public static Optional<String> baseModel(Path dir) {
    JsonObject json = readConfig(dir);
    return json.has(BASE) && !json.get(BASE).isJsonNull()
        ? Optional.of(json.get(BASE).getAsString())
        : Optional.empty();
  }

  /**
   * The head an adapter checkpoint was saved with, to build the model it loads onto.
   *
   * <pre>{@code
   * SavedHead head = MethodCheckpoint.savedHead(dir);
   * head.labelNames();   // [negative, positive]
   * }</pre>
   *
   * @param labelNames the class names (empty when the file predates them)
   * @param problemType the head's kind ({@value #PROBLEM_TYPE}; single-label when not recorded)
   * @param pooling the pooling's config value ({@code cls_pooler}, {@code mean}), if recorded
   * @param numLayers the encoder layers the adapter was trained with (the base's first ones);
   *     0 when not recorded
   * @param thresholds a multi-label head's decision thresholds ({@value
   *     SequenceClassifier#THRESHOLDS_KEY}), if recorded
   */
  public record SavedHead(List<String> labelNames, ProblemType problemType,
      Optional<String> pooling, int numLayers, Optional<double[]> thresholds) {

    /**
     * Tells whether the head is a regression head.
     *
     * @return true for regression
     */
    public boolean regression() {
      return problemType == ProblemType.REGRESSION;
    }

    /**
     * Tells whether the head tags tokens (PEFT's {@code task_type} {@value #TOKEN_TASK}).
     *
     * @return true for a token-classification head
     */
    public boolean tokenClassification() {
      return problemType == ProblemType.TOKEN_CLASSIFICATION;
    }
  }

  /**
   * Reads the head an adapter checkpoint records.
   *
   * @param dir an adapter folder
   * @return its head
   * @throws IllegalArgumentException when the folder is no adapter checkpoint
   */
  public static SavedHead savedHead(Path dir) {
    JsonObject json = readConfig(dir);
    List<String> labels = new ArrayList<>();
    if (json.has(LABELS) && json.get(LABELS).isJsonArray()) {
      json.getAsJsonArray(LABELS).forEach(e -> labels.add(e.getAsString()));
    }
    Path file = dir.resolve(CONFIG);
    ProblemType type = ProblemType.SINGLE_LABEL_CLASSIFICATION;
    if (json.has(PROBLEM_TYPE) && !json.get(PROBLEM_TYPE).isJsonNull()) {
      try {
        type = ProblemType.fromHfName(json.get(PROBLEM_TYPE).getAsString());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
      }
    }
    Optional<double[]> thresholds = Optional.empty();
    String key = SequenceClassifier.THRESHOLDS_KEY;
    if (json.has(key) && !json.get(key).isJsonNull()) {
      try {
        JsonArray array = json.getAsJsonArray(key);
        double[] values = new double[array.size()];
        for (int i = 0; i < values.length; i++) {
          values[i] = array.get(i).getAsDouble();
        }
        thresholds = Optional.of(SequenceClassifier.checkThresholds(values, values.length));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(file + ": " + key + " must be an array of numbers in"
            + " (0, 1), one per label: " + e.getMessage(), e);
      }
    }
    Optional<String> pooling = json.has(POOLING)
        ? Optional.of(json.get(POOLING).getAsString()) : Optional.empty();
    int layers = json.has(LAYERS) ? json.get(LAYERS).getAsInt() : 0;
    if (json.has(TASK_TYPE) && TOKEN_TASK.equals(json.get(TASK_TYPE).getAsString())) {
      type = ProblemType.TOKEN_CLASSIFICATION;
    }
    return new SavedHead(List.copyOf(labels), type, pooling, layers, thresholds);
  }

  private static JsonObject readConfig(Path dir) {
    Path configFile = dir.resolve(CONFIG);
    if (!isAdapterCheckpoint(dir)) {
      throw new IllegalArgumentException(
          dir + " is not an adapter checkpoint: it needs " + CONFIG + " and " + WEIGHTS);
    }
    try {
      return JsonParser.parseString(Files.readString(configFile)).getAsJsonObject();
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("cannot read " + configFile + " as JSON: "
          + e.getMessage(), e);
    }
  }

  /**
   * A CRC-32C of the base weights (every parameter but the head, the methods' own (role PEFT) and
   * those the adapter holds), so that an adapter loaded onto another base of the same shape is
   * refused; moving the folder does not change it.
   */
  private static String fingerprint(SequenceClassifier model, Predicate<String> adapterOwned) {
    CRC32C crc = new CRC32C();
    for (ModelParameter p : model.parameters().all()) {
      if (p.address().isHead() || p.address().role() == ParameterRole.PEFT
          || adapterOwned.test(p.hfName())) {
        continue;
      }
      crc.update(p.hfName().getBytes(StandardCharsets.UTF_8));
      crc.update(p.parameter().getArray().toByteArray());
    }
    return String.format("%08x", crc.getValue());
  }

  private static void write(
      SequenceClassifier model, FineTuningMethod method, Path dir, String type, AdapterState state) {
    String prefix = model.config().modelType().checkpointPrefix();
    Map<String, HostTensor> tensors = new LinkedHashMap<>();
    state.tensors().forEach((name, t) -> tensors.put(state.layout().key(prefix, name), t));
    for (ModelParameter p : model.parameters().all()) {
      if (p.address().isHead()) {
        String name = p.hfName();
        tensors.put(state.layout().root() + (name.startsWith("pooler.") ? prefix : "") + name,
            HostTensor.of(p.parameter().getArray()));
      }
    }
    JsonObject o = new JsonObject();
    o.addProperty("peft_type", type);
    o.addProperty(TASK_TYPE, model.problemType().perToken() ? TOKEN_TASK : "SEQ_CLS");
    model.source().ifPresentOrElse(
        source -> o.addProperty(BASE, source), () -> o.add(BASE, JsonNull.INSTANCE));
    o.addProperty("inference_mode", true);
    o.addProperty(POOLING, model.head().pooling().configValue());
    o.addProperty(LAYERS, model.config().numLayers());
    JsonArray labels = new JsonArray();
    model.labelNames().forEach(labels::add);
    o.add(LABELS, labels);
    if (model.problemType().savedAsProblemType()) {
      o.addProperty(PROBLEM_TYPE, model.problemType().hfName());
    }
    if (model.problemType() == ProblemType.MULTI_LABEL_CLASSIFICATION) {
      o.add(SequenceClassifier.THRESHOLDS_KEY, model.thresholdsJson());
    }
    Set<String> own = new HashSet<>();
    state.tensors().keySet().forEach(n -> own.add(method.parameterName(n)));
    o.addProperty(FINGERPRINT, fingerprint(model, n -> method.owns(n) || own.contains(n)));
    state.config().entrySet().forEach(e -> o.add(e.getKey(), e.getValue()));
    JsonArray modules = new JsonArray();
    modules.add("classifier");
    if (model.head().pooler().isPresent()) {
      modules.add("pooler");
    }
    o.add(MODULES_TO_SAVE, modules);
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
   * Reads an adapter checkpoint, applies its method to the model ({@link
   * SequenceClassifier#apply}) and copies its values and the head.
   *
   * @param model a model of the base the adapter was trained on, without the method
   * @param dir the folder with {@value #CONFIG} and {@value #WEIGHTS}
   * @return the method it applied
   * @throws IllegalArgumentException naming the file, key and shapes when they do not fit, or
   *     the {@code peft_type} when no registered method has it; the model is then unchanged
   */
  public static FineTuningMethod load(SequenceClassifier model, Path dir) {
    return load(model, dir, null);
  }

  /**
   * Reads an adapter checkpoint under an adapter name (for methods with named adapters, LoRA).
   *
   * @param model a model of the base the adapter was trained on
   * @param dir the folder
   * @param adapterName the name, or null for the unnamed adapter
   * @return the method it applied
   * @throws IllegalArgumentException as {@link #load(SequenceClassifier, Path)}
   */
  public static FineTuningMethod load(SequenceClassifier model, Path dir, String adapterName) {
    Path configFile = dir.resolve(CONFIG);
    Path weightsFile = dir.resolve(WEIGHTS);
    JsonObject json = readConfig(dir);
    checkPooling(model, configFile, json);
    AdapterConfig config = new AdapterConfig(configFile, json, model, adapterName);
    String type = config.type();
    MethodType entry = FineTuningMethods.forAdapterType(type).orElseThrow(() ->
        new IllegalArgumentException(configFile + " has peft_type " + type + ", which this"
            + " library cannot load; supported: "
            + String.join(", ", FineTuningMethods.adapterTypes())));
    FineTuningMethod method = entry.fromAdapterConfig(config);
    Map<String, long[]> expected = method.expectedTensors(model);
    Map<String, HostTensor> byName = new LinkedHashMap<>();
    Map<String, String> fileKeys = new LinkedHashMap<>();
    String prefix = model.config().modelType().checkpointPrefix();
    for (Map.Entry<String, HostTensor> e : SafeTensors.read(weightsFile).entrySet()) {
      String n = e.getKey();
      for (AdapterState.Layout layout : AdapterState.Layout.values()) {
        if (n.startsWith(layout.root())) {
          n = n.substring(layout.root().length());
          break;
        }
      }
      n = n.startsWith(prefix) ? n.substring(prefix.length()) : n;
      n = n.replace(SAVED + ".default.", ".").replace(SAVED + ".", ".");
      n = method.parameterName(n);
      byName.put(n, e.getValue());
      fileKeys.put(n, e.getKey());
    }
    check(model, weightsFile, type, expected, byName, fileKeys);
    checkHead(model, configFile, weightsFile, json, byName);
    checkBase(model, configFile, json, byName.keySet());
    model.apply(method);
    for (Map.Entry<String, HostTensor> e : byName.entrySet()) {
      model.parameters().get(e.getKey()).parameter().getArray().set(e.getValue().data());
    }
    SavedHead head = savedHead(dir);
    if (head.labelNames().size() == model.numLabels()) {
      model.labelNames(head.labelNames());
    }
    if (model.problemType() == ProblemType.MULTI_LABEL_CLASSIFICATION) {
      head.thresholds().filter(t -> t.length == model.numLabels())
          .ifPresent(model::decisionThresholds);
    }
    return method;
  }

  /**
   * The head modules the config lists in {@code modules_to_save} (all of the model's head when it
   * lists none) must be in the file whole: a folder without them would load and keep a random
   * head.
   */
  private static void checkHead(SequenceClassifier model, Path configFile, Path weightsFile,
      JsonObject json, Map<String, HostTensor> byName) {
    List<String> modules = new ArrayList<>();
    if (json.has(MODULES_TO_SAVE) && json.get(MODULES_TO_SAVE).isJsonArray()) {
      json.getAsJsonArray(MODULES_TO_SAVE).forEach(e -> modules.add(e.getAsString()));
    }
    List<String> missing = new ArrayList<>();
    for (ModelParameter p : model.parameters().all()) {
      String name = p.hfName();
      String module = name.substring(0, Math.max(0, name.indexOf('.')));
      if (p.address().isHead() && (modules.isEmpty() || modules.contains(module))
          && !byName.containsKey(name)) {
        missing.add(name);
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("the adapter in " + weightsFile + " has no head tensors "
          + missing + ", which " + configFile.getFileName()
          + (modules.isEmpty() ? " implies (it lists no modules_to_save, so the whole head)"
              : " lists in modules_to_save " + modules)
          + "; the model would keep a random head. Save the adapter again with its head"
          + " (MethodCheckpoint.save), or remove the modules from modules_to_save if the head"
          + " is meant to stay as the base model has it");
    }
  }

  private static void checkPooling(SequenceClassifier model, Path file, JsonObject json) {
    if (!json.has(POOLING)) {
      return;
    }
    String saved = json.get(POOLING).getAsString();
    String actual = model.head().pooling().configValue();
    if (!saved.equals(actual)) {
      throw new IllegalArgumentException("the adapter in " + file + " was trained with " + saved
          + " pooling on " + baseName(json) + ", but this model has " + actual + " pooling ("
          + model.source().orElse("base not recorded") + "); build the base with "
          + "classifier().pooling(Pooling." + saved.toUpperCase(java.util.Locale.ROOT) + ")");
    }
  }

  private static void checkBase(
      SequenceClassifier model, Path file, JsonObject json, Set<String> adapterTensors) {
    if (!json.has(FINGERPRINT)) {
      return;
    }
    String saved = json.get(FINGERPRINT).getAsString();
    String actual = fingerprint(model, adapterTensors::contains);
    if (!saved.equals(actual)) {
      throw new IllegalArgumentException("the adapter in " + file + " was trained on the base "
          + baseName(json) + " (weights fingerprint " + saved + "), but this model's base is "
          + model.source().orElse("(not recorded)") + " (fingerprint " + actual
          + "): its weights differ; load the base the adapter names");
    }
  }

  private static String baseName(JsonObject json) {
    return json.has(BASE) && !json.get(BASE).isJsonNull() ? json.get(BASE).getAsString()
        : "(not recorded)";
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
}
