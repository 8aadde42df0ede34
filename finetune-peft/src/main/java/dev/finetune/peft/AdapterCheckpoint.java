package dev.finetune.peft;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.finetune.core.checkpoint.AtomicFiles;
import dev.finetune.core.checkpoint.HostTensor;
import dev.finetune.core.checkpoint.SafeTensors;
import dev.finetune.core.model.Projection;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.params.ModelParameter;
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

/**
 * Saves and loads only what LoRA added, plus the head, in PEFT's layout: {@code
 * adapter_config.json} ({@code peft_type}, {@code r}, {@code lora_alpha}, {@code target_modules},
 * ...) and {@code adapter_model.safetensors} with keys such as {@code
 * base_model.model.bert.encoder.layer.0.attention.self.query.lora_A.weight} (the {@code bert.} or
 * {@code roberta.} segment is the base model's, as in {@code *ForSequenceClassification}); the
 * head goes under {@code modules_to_save}.
 *
 * <pre>{@code
 * AdapterCheckpoint.save(model, Path.of("runs/sst2-lora"));
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
  private static final String ROOT = "base_model.model.";
  private static final String SAVED = ".modules_to_save";

  private AdapterCheckpoint() {}

  /**
   * Writes the default LoRA adapter and the head.
   *
   * @param model a model with LoRA installed
   * @param dir the folder (created if needed)
   * @throws IllegalStateException when the model has no LoRA adapter named "default"
   */
  public static void save(SequenceClassifier model, Path dir) {
    LoraLayers layers = LoraLayers.of(model);
    Lora config = null;
    for (LoraWrapper w : layers.wrappers()) {
      LoraWrapper.Adapter a = w.adapters().get(Lora.DEFAULT_NAME);
      if (a != null) {
        config = a.config();
      }
      if (w.isMerged(Lora.DEFAULT_NAME)) {
        throw new IllegalStateException("unmerge() the LoRA adapter before saving it");
      }
    }
    if (config == null) {
      throw new IllegalStateException("the model has no unnamed LoRA adapter to save; apply "
          + "Peft.lora() first (named adapters are not saved in PEFT layout yet)");
    }
    String prefix = model.config().modelType().checkpointPrefix();
    Map<String, HostTensor> tensors = new LinkedHashMap<>();
    for (ModelParameter p : model.parameters().all()) {
      String n = p.hfName();
      if (n.contains(".lora_A.weight") || n.contains(".lora_B.weight")) {
        tensors.put(ROOT + prefix + n, HostTensor.of(p.parameter().getArray()));
      } else if (p.address().isHead()) {
        int dot = n.indexOf('.');
        tensors.put(ROOT + n.substring(0, dot) + SAVED + n.substring(dot),
            HostTensor.of(p.parameter().getArray()));
      }
    }
    try {
      Files.createDirectories(dir);
      SafeTensors.write(dir.resolve(WEIGHTS), tensors);
      AtomicFiles.write(dir.resolve(CONFIG),
          configJson(model, config).getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the adapter to " + dir + ": " + e.getMessage(), e);
    }
  }

  private static String configJson(SequenceClassifier model, Lora lora) {
    JsonObject o = new JsonObject();
    o.addProperty("peft_type", "LORA");
    o.addProperty("task_type", "SEQ_CLS");
    o.add("base_model_name_or_path", null);
    o.addProperty("r", lora.r());
    o.addProperty("lora_alpha", lora.alpha());
    o.addProperty("lora_dropout", lora.dropoutRate());
    if (lora.targetRegex() != null) {
      o.addProperty("target_modules", lora.targetRegex());
    } else {
      JsonArray targets = new JsonArray();
      lora.targets().forEach(targets::add);
      o.add("target_modules", targets);
    }
    o.addProperty("use_rslora", lora.isRsLora());
    if (lora.initMethod() == Lora.Init.GAUSSIAN) {
      o.addProperty("init_lora_weights", "gaussian");
    } else {
      o.addProperty("init_lora_weights", true);
    }
    o.addProperty("bias", "none");
    o.addProperty("fan_in_fan_out", false);
    o.addProperty("inference_mode", true);
    JsonArray saved = new JsonArray();
    saved.add("classifier");
    if (model.head().pooler().isPresent()) {
      saved.add("pooler");
    }
    o.add("modules_to_save", saved);
    Gson gson = new GsonBuilder().setPrettyPrinting().serializeNulls().create();
    return gson.toJson(o);
  }

  /**
   * Reads a PEFT LoRA adapter, installs LoRA on the model as configured and copies its weights
   * and the head.
   *
   * @param model a model without LoRA, of the base the adapter was trained on
   * @param dir the folder with {@value #CONFIG} and {@value #WEIGHTS}
   * @return the installed LoRA layers
   * @throws IllegalArgumentException naming the file, tensor and shapes when they do not fit
   */
  public static LoraLayers load(SequenceClassifier model, Path dir) {
    Path configFile = dir.resolve(CONFIG);
    Path weightsFile = dir.resolve(WEIGHTS);
    if (!Files.isRegularFile(configFile) || !Files.isRegularFile(weightsFile)) {
      throw new IllegalArgumentException(
          dir + " is not an adapter checkpoint: it needs " + CONFIG + " and " + WEIGHTS);
    }
    Lora lora = readConfig(configFile);
    Map<String, HostTensor> tensors = SafeTensors.read(weightsFile);
    String prefix = model.config().modelType().checkpointPrefix();
    Map<String, HostTensor> byName = new LinkedHashMap<>();
    for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
      String n = e.getKey();
      n = n.startsWith(ROOT) ? n.substring(ROOT.length()) : n;
      n = n.startsWith(prefix) ? n.substring(prefix.length()) : n;
      n = n.replace(SAVED + ".default.", ".").replace(SAVED + ".", ".");
      byName.put(n, e.getValue());
    }
    Map<String, long[]> expected = new LinkedHashMap<>();
    int numLayers = model.config().numLayers();
    for (Projection p : Targets.projections(model)) {
      if (lora.targets(p, numLayers)) {
        expected.put(p.name() + ".lora_A.weight", new long[] {lora.r(), p.inFeatures()});
        expected.put(p.name() + ".lora_B.weight", new long[] {p.outFeatures(), lora.r()});
      }
    }
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, long[]> e : expected.entrySet()) {
      HostTensor t = byName.get(e.getKey());
      if (t == null) {
        problems.add(e.getKey() + " is missing");
      } else if (!t.hasShape(e.getValue())) {
        problems.add(e.getKey() + " has shape " + Arrays.toString(t.shape()) + ", the model expects "
            + Arrays.toString(e.getValue()));
      }
    }
    for (Map.Entry<String, HostTensor> e : byName.entrySet()) {
      String n = e.getKey();
      if (expected.containsKey(n)) {
        continue;
      }
      var p = model.parameters().find(n);
      if (p.isEmpty() || !p.get().address().isHead()) {
        problems.add(n + " does not belong to this model's LoRA targets or head");
      } else if (!e.getValue().hasShape(p.get().parameter().getShape().getShape())) {
        problems.add(n + " has shape " + Arrays.toString(e.getValue().shape())
            + ", the model expects " + p.get().parameter().getShape());
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("the adapter in " + weightsFile
          + " does not fit this model (was it trained on another base or head?): "
          + String.join("; ", problems.subList(0, Math.min(5, problems.size())))
          + (problems.size() > 5 ? "; and " + (problems.size() - 5) + " more" : ""));
    }
    LoraLayers layers = lora.inject(model);
    for (Map.Entry<String, HostTensor> e : byName.entrySet()) {
      model.parameters().get(e.getKey()).parameter().getArray().set(e.getValue().data());
    }
    return layers;
  }

  private static Lora readConfig(Path file) {
    JsonObject o;
    try {
      o = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("cannot read " + file + " as JSON: " + e.getMessage(), e);
    }
    String type = o.has("peft_type") ? o.get("peft_type").getAsString() : "(none)";
    if (!"LORA".equals(type)) {
      throw new IllegalArgumentException(
          file + " has peft_type " + type + "; only LORA adapters can be loaded so far");
    }
    Lora lora = Lora.defaults().r(o.get("r").getAsInt()).alpha(o.get("lora_alpha").getAsDouble());
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
    return lora;
  }
}
