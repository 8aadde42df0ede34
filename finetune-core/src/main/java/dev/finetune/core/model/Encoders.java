package dev.finetune.core.model;

import ai.djl.Device;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.finetune.core.checkpoint.CheckpointException;
import dev.finetune.core.checkpoint.EmbeddedMiniLm;
import dev.finetune.core.checkpoint.HfCheckpoint;
import dev.finetune.core.checkpoint.HostTensor;
import dev.finetune.core.checkpoint.LoadReport;
import dev.finetune.core.checkpoint.TokenizerVocabulary;
import dev.finetune.core.hub.HubCache;
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
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point for pre-trained encoders: load a Hugging Face model folder ({@code config.json},
 * {@code model.safetensors} or shards, {@code tokenizer.json}), a model of the Hugging Face Hub
 * (from the local Hugging Face cache, downloaded into it when online: {@link HubCache}), or the
 * embedded all-MiniLM-L6-v2.
 *
 * <pre>{@code
 * PretrainedEncoder bert = Encoders.load(Path.of("models/bert"));
 * PretrainedEncoder distil = Encoders.fromHub("distilbert/distilbert-base-uncased");
 * PretrainedEncoder small = Encoders.loader().strict(true).keepLayers(3).device(Device.cpu())
 *     .load(Path.of("models/bert"));
 * PretrainedEncoder minilm = Encoders.embeddedMiniLm();   // no network, cached conversion
 * }</pre>
 */
public final class Encoders {

  private static final Logger LOG = LoggerFactory.getLogger(Encoders.class);

  private Encoders() {}

  /**
   * Loads a model folder with default options (lenient, all layers, CPU).
   *
   * @param dir the folder
   * @return the encoder
   * @throws CheckpointException when a file is missing or inconsistent
   */
  public static PretrainedEncoder load(Path dir) {
    return loader().load(dir);
  }

  /**
   * Loads a Hub model's {@code main} branch with default options, from the Hugging Face cache or
   * downloaded into it ({@link HubCache#system()}: {@code HF_HOME}, {@code HF_HUB_CACHE},
   * {@code HF_ENDPOINT}, {@code HF_TOKEN}, {@code HF_HUB_OFFLINE}).
   *
   * @param repoId e.g. {@code distilbert/distilbert-base-uncased}
   * @return the encoder
   * @throws CheckpointException when the model cannot be found, downloaded or loaded
   */
  public static PretrainedEncoder fromHub(String repoId) {
    return loader().fromHub(repoId);
  }

  /**
   * Loads the embedded all-MiniLM-L6-v2 (Maven artifact, converted once to a cache folder).
   *
   * @return the encoder
   */
  public static PretrainedEncoder embeddedMiniLm() {
    return loader().embeddedMiniLm();
  }

  /**
   * Starts configuring a load.
   *
   * @return a loader with defaults: lenient, all layers, CPU, max length min(512, positions)
   */
  public static Loader loader() {
    return new Loader();
  }

  /**
   * Options for loading an encoder.
   *
   * <pre>{@code
   * Encoders.loader().strict(true).keepLayers(3).maxLength(128).load(dir);
   * }</pre>
   */
  public static final class Loader {
    private boolean strict;
    private int keepLayers;
    private Device device = Device.cpu();
    private int maxLength;
    private HubCache hub;

    private Loader() {}

    /**
     * Sets the Hub cache {@link #fromHub} uses (default {@link HubCache#system()}).
     *
     * @param value e.g. {@code HubCache.of(HubEnvironment.of(Map.of("HF_HUB_OFFLINE", "1")))}
     * @return this loader
     */
    public Loader hub(HubCache value) {
      hub = java.util.Objects.requireNonNull(value, "hub");
      return this;
    }

    private HubCache hub() {
      return hub != null ? hub : HubCache.system();
    }

    /**
     * Loads a Hub model's {@code main} branch with these options.
     *
     * @param repoId e.g. {@code FacebookAI/xlm-roberta-base}
     * @return the encoder; its {@link PretrainedEncoder#name()} is the repository id
     * @throws CheckpointException as {@link HubCache#snapshot(String, String)} and {@link #load}
     */
    public PretrainedEncoder fromHub(String repoId) {
      return fromHub(repoId, "main");
    }

    /**
     * Loads a Hub model at a branch, tag or pinned commit with these options.
     *
     * @param repoId e.g. {@code FacebookAI/xlm-roberta-base}
     * @param revision a branch, tag or 40-character commit hash
     * @return the encoder
     * @throws CheckpointException as {@link HubCache#snapshot(String, String)} and {@link #load}
     */
    public PretrainedEncoder fromHub(String repoId, String revision) {
      Path dir = hub().snapshot(repoId, revision);
      return load(dir, repoId + "@" + revision + " (" + dir + ")", repoId);
    }

    /**
     * Fails on missing or unexpected encoder tensors instead of reporting them (default off).
     *
     * @param value true for strict
     * @return this loader
     */
    public Loader strict(boolean value) {
      strict = value;
      return this;
    }

    /**
     * Keeps only the first {@code k} layers (a smaller, faster model); 0 keeps all.
     *
     * @param k layers to keep, 1..L, or 0 for all
     * @return this loader
     */
    public Loader keepLayers(int k) {
      if (k < 0) {
        throw new IllegalArgumentException("keepLayers must be 0 (all) or positive, got " + k);
      }
      keepLayers = k;
      return this;
    }

    /**
     * Sets the device models are created on (default CPU); a GPU request resolves as {@link
     * Devices#resolve(Device)} does (to the CPU, warned once, when the engine sees no GPU).
     *
     * @param value the device, e.g. {@code Devices.parse("gpu:1")}
     * @return this loader
     * @throws IllegalArgumentException for a GPU number the engine does not have
     */
    public Loader device(Device value) {
      device = Devices.resolve(value);
      return this;
    }

    /**
     * Sets the tokenizer's truncation length (default min(512, the model's positions)).
     *
     * @param value tokens, at most the model's positions
     * @return this loader
     */
    public Loader maxLength(int value) {
      if (value < 2) {
        throw new IllegalArgumentException("maxLength must be at least 2, got " + value);
      }
      maxLength = value;
      return this;
    }

    /**
     * Loads the embedded all-MiniLM-L6-v2 with these options; a damaged cache is converted again.
     *
     * @return the encoder
     */
    public PretrainedEncoder embeddedMiniLm() {
      Path dir = EmbeddedMiniLm.directory();
      try {
        return load(dir, "embedded all-MiniLM-L6-v2 (" + dir + ")", EmbeddedMiniLm.HF_ID);
      } catch (CheckpointException e) {
        LOG.warn("the cached conversion in {} is damaged ({}); converting again", dir, e.getMessage());
        EmbeddedMiniLm.invalidate(dir);
        return load(EmbeddedMiniLm.directory(), "embedded all-MiniLM-L6-v2 (" + dir + ")",
            EmbeddedMiniLm.HF_ID);
      }
    }

    /**
     * Loads a Hugging Face model folder.
     *
     * @param dir the folder
     * @return the encoder
     * @throws CheckpointException naming the file and the problem when something does not fit
     */
    public PretrainedEncoder load(Path dir) {
      return load(dir, dir.toString(), dir.toAbsolutePath().normalize().toString());
    }

    /**
     * Loads a base model by the name an adapter checkpoint records
     * ({@code base_model_name_or_path}): a folder,
     * {@value dev.finetune.core.checkpoint.EmbeddedMiniLm#HF_ID} for the embedded model, or else a
     * Hub repository id ({@code org/name}) through {@link #fromHub(String)}.
     *
     * @param nameOrPath the recorded name
     * @return the encoder
     * @throws CheckpointException when it is neither the embedded model nor a model folder
     */
    public PretrainedEncoder loadByName(String nameOrPath) {
      if (EmbeddedMiniLm.HF_ID.equals(nameOrPath)) {
        return embeddedMiniLm();
      }
      Path dir = Path.of(nameOrPath);
      if (Files.isDirectory(dir)) {
        return load(dir);
      }
      if (nameOrPath.matches("[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*")) {
        try {
          return fromHub(nameOrPath);
        } catch (CheckpointException e) {
          throw new CheckpointException("the base model " + nameOrPath + " is neither a folder here,"
              + " nor the embedded " + EmbeddedMiniLm.HF_ID + ", nor loadable from the Hub ("
              + e.getMessage() + "); name the base folder explicitly", e);
        }
      }
      throw new CheckpointException("the base model " + nameOrPath + " is neither a folder here"
          + " nor the embedded " + EmbeddedMiniLm.HF_ID + "; name the base folder explicitly");
    }

    private PretrainedEncoder load(Path dir, String source, String name) {
      if (!Files.isDirectory(dir)) {
        throw new CheckpointException("model folder not found: " + dir.toAbsolutePath());
      }
      Path configFile = dir.resolve("config.json");
      EncoderConfig full = EncoderConfig.fromJson(configFile);
      Map<String, HostTensor> weights = new LinkedHashMap<>(HfCheckpoint.readWeights(dir));
      checkLayerCount(full, weights, dir);
      EncoderConfig config = full;
      if (keepLayers > 0) {
        if (keepLayers > full.numLayers()) {
          throw new IllegalArgumentException(
              "keepLayers(" + keepLayers + ") exceeds the " + full.numLayers() + " layers of " + source);
        }
        config = full.withNumLayers(keepLayers);
      }
      byte[] tokenizer = readTokenizer(dir, config);
      int length = maxLength > 0 ? maxLength : Math.min(512, config.maxSequenceLength());
      if (length > config.maxSequenceLength()) {
        throw new IllegalArgumentException(
            "maxLength " + length + " exceeds the " + config.maxSequenceLength() + " positions of " + source);
      }
      LoadReport report = match(config, full, weights, dir);
      if (strict && !report.isClean()) {
        throw new CheckpointException(
            "strict load of "
                + source
                + " failed: missing "
                + report.missing()
                + ", unexpected "
                + report.unexpected());
      }
      log(source, config, report);
      return new PretrainedEncoder(
          config, weights, tokenizer, length, device, report, savedPooling(configFile),
          savedLabelNames(configFile), savedProblemType(configFile), savedThresholds(configFile),
          source, name);
    }

    private static byte[] readTokenizer(Path dir, EncoderConfig config) {
      Path file = dir.resolve("tokenizer.json");
      if (!Files.exists(file)) {
        LOG.warn("{} has no tokenizer.json: the model will have no tokenizer", dir);
        return null;
      }
      try {
        byte[] bytes = Files.readAllBytes(file);
        int ids;
        try {
          ids = TokenizerVocabulary.idCount(bytes);
        } catch (CheckpointException e) {
          throw new CheckpointException(file + ": " + e.getMessage(), e);
        }
        if (ids > config.vocabSize()) {
          throw new CheckpointException(
              file
                  + " produces token ids up to "
                  + (ids - 1)
                  + " but config.json has vocab_size "
                  + config.vocabSize()
                  + ": the tokenizer belongs to another model; use the tokenizer.json saved with it");
        }
        return bytes;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file, e);
      }
    }

    private static LoadReport match(
        EncoderConfig config, EncoderConfig full, Map<String, HostTensor> weights, Path dir) {
      Map<String, long[]> expected = ExpectedTensors.encoder(config);
      List<String> missing = new ArrayList<>();
      for (Map.Entry<String, long[]> e : expected.entrySet()) {
        HostTensor t = weights.get(e.getKey());
        if (t == null) {
          missing.add(e.getKey());
        } else if (!t.hasShape(e.getValue())) {
          throw new CheckpointException(
              dir
                  + ": tensor "
                  + e.getKey()
                  + " has shape "
                  + Arrays.toString(t.shape())
                  + " but config.json ("
                  + config
                  + ") expects "
                  + Arrays.toString(e.getValue()));
        }
      }
      List<String> unexpected = new ArrayList<>();
      List<String> dropped = new ArrayList<>();
      List<String> head = new ArrayList<>();
      List<String> skipped = new ArrayList<>();
      ModelType family = config.modelType();
      for (String name : List.copyOf(weights.keySet())) {
        if (expected.containsKey(name)) {
          continue;
        }
        if (isHead(family, name)) {
          head.add(name);
        } else if (isDroppedLayer(family, name, config.distinctLayers(), full.distinctLayers())) {
          dropped.add(name);
          weights.remove(name);
        } else if (isPretrainingHead(family, name)) {
          skipped.add(name);
          weights.remove(name);
        } else if (name.equals("embeddings.position_ids")) {
          weights.remove(name); // a buffer, not a parameter (HF ignores it too)
        } else {
          unexpected.add(name);
        }
      }
      return new LoadReport(missing, unexpected, dropped, head, skipped);
    }

    /**
     * Compares num_hidden_layers with the layers the checkpoint holds before anything is built
     * from the configuration (a config of another model, or a corrupt layer count, fails here).
     */
    private static void checkLayerCount(
        EncoderConfig config, Map<String, HostTensor> weights, Path dir) {
      int highest = -1;
      for (String name : weights.keySet()) {
        highest = Math.max(highest, config.modelType().encoderLayout().layerIndex(name));
      }
      if (highest >= 0 && highest + 1 != config.distinctLayers()) {
        throw new CheckpointException(
            dir.resolve("config.json")
                + ": num_hidden_layers is "
                + config.numLayers()
                + (config.distinctLayers() != config.numLayers()
                    ? " (" + config.distinctLayers() + " with their own weights)" : "")
                + " but the weights hold encoder layers 0.."
                + highest
                + " ("
                + (highest + 1)
                + " layers): config.json and the weights belong to different models; "
                + "use the config.json saved with these weights");
      }
    }

    private static boolean isHead(ModelType family, String name) {
      HeadLayout layout = family.headLayout();
      return name.startsWith("pooler.")
          || name.startsWith(HeadLayout.MEAN_CLASSIFIER + ".")
          || layout.poolerModules().stream().anyMatch(m -> name.startsWith(m + "."))
          || name.startsWith(layout.classifierName() + ".");
    }

    private static boolean isPretrainingHead(ModelType family, String name) {
      return family.pretrainingHeads().stream().anyMatch(name::startsWith);
    }

    private static boolean isDroppedLayer(ModelType family, String name, int kept, int total) {
      int layer = family.encoderLayout().layerIndex(name);
      return layer >= kept && layer < total;
    }

    private static void log(String source, EncoderConfig config, LoadReport report) {
      if (!report.missing().isEmpty()) {
        LOG.warn(
            "Some weights of the encoder were not found in {} and will be newly initialised: {}",
            source,
            report.missing());
      }
      if (!report.unexpected().isEmpty()) {
        LOG.warn(
            "Some weights of the checkpoint {} were not used by the encoder: {}",
            source,
            report.unexpected());
      }
      if (!report.skipped().isEmpty()) {
        LOG.info(
            "{}: skipped {} tensors of pre-training heads (not used for classification): {}",
            source,
            report.skipped().size(),
            report.skipped());
      }
      if (!report.head().isEmpty()) {
        LOG.info(
            "{} holds a task head {}: it is loaded when the head's shape fits", source, report.head());
      }
      if (!report.dropped().isEmpty()) {
        LOG.info(
            "kept the first {} layers of {}: {} tensors of the upper layers left out",
            config.numLayers(),
            source,
            report.dropped().size());
      }
      LOG.info("loaded {} from {}", config, source);
    }

    /** {@code id2label} in id order; empty when absent, with gaps, or not an object. */
    private static List<String> savedLabelNames(Path configFile) {
      JsonObject o = readJson(configFile);
      if (!o.has("id2label") || !o.get("id2label").isJsonObject()) {
        return List.of();
      }
      JsonObject map = o.getAsJsonObject("id2label");
      String[] names = new String[map.size()];
      for (Map.Entry<String, com.google.gson.JsonElement> e : map.entrySet()) {
        int id;
        try {
          id = Integer.parseInt(e.getKey().trim());
        } catch (NumberFormatException ex) {
          throw new CheckpointException(configFile + ": id2label key \"" + e.getKey()
              + "\" is not a class id (expected \"0\" .. \"" + (names.length - 1) + "\")");
        }
        if (id < 0 || id >= names.length || names[id] != null) {
          throw new CheckpointException(configFile + ": id2label has ids " + map.keySet()
              + "; expected each of 0 .. " + (names.length - 1) + " once");
        }
        names[id] = e.getValue().getAsString();
      }
      return List.of(names);
    }

    private static JsonObject readJson(Path configFile) {
      try {
        return JsonParser.parseString(Files.readString(configFile, StandardCharsets.UTF_8))
            .getAsJsonObject();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + configFile, e);
      }
    }

    private static ProblemType savedProblemType(Path configFile) {
      JsonObject o = readJson(configFile);
      if (!o.has("problem_type") || o.get("problem_type").isJsonNull()) {
        boolean tokenHead = o.has("architectures") && o.get("architectures").isJsonArray()
            && o.getAsJsonArray("architectures").size() > 0
            && o.getAsJsonArray("architectures").get(0).getAsString()
                .endsWith(ProblemType.TOKEN_ARCHITECTURE_SUFFIX);
        return tokenHead ? ProblemType.TOKEN_CLASSIFICATION : null;
      }
      try {
        return ProblemType.fromHfName(o.get("problem_type").getAsString());
      } catch (IllegalArgumentException e) {
        throw new CheckpointException(configFile + ": " + e.getMessage());
      }
    }

    /** {@code finetune_thresholds}: one number per label; null when absent. */
    private static double[] savedThresholds(Path configFile) {
      JsonObject o = readJson(configFile);
      String key = SequenceClassifier.THRESHOLDS_KEY;
      if (!o.has(key) || o.get(key).isJsonNull()) {
        return null;
      }
      try {
        com.google.gson.JsonArray array = o.getAsJsonArray(key);
        double[] values = new double[array.size()];
        for (int i = 0; i < values.length; i++) {
          values[i] = array.get(i).getAsDouble();
        }
        return SequenceClassifier.checkThresholds(values, values.length);
      } catch (RuntimeException e) {
        throw new CheckpointException(configFile + ": " + key + " must be an array of numbers in"
            + " (0, 1), one per label: " + e.getMessage());
      }
    }

    private static Pooling savedPooling(Path configFile) {
      JsonObject o = readJson(configFile);
      if (!o.has("finetune_pooling")) {
        return null;
      }
      String value = o.get("finetune_pooling").getAsString().toUpperCase(Locale.ROOT);
      try {
        return Pooling.valueOf(value);
      } catch (IllegalArgumentException e) {
        throw new CheckpointException(
            configFile + ": finetune_pooling \"" + value + "\" is not one of cls_pooler, mean");
      }
    }
  }
}
