package dev.finetune.experiments.grid;

import ai.djl.Device;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.finetune.core.data.DatasetSplit;
import dev.finetune.core.data.TaskData;
import dev.finetune.core.data.Tasks;
import dev.finetune.core.data.TextDataset;
import dev.finetune.core.data.tokens.TokenSplit;
import dev.finetune.core.model.Encoders;
import dev.finetune.core.model.PretrainedEncoder;
import dev.finetune.core.train.ModelTransform;
import dev.finetune.core.train.Setting;
import dev.finetune.core.train.TrainingListener;
import dev.finetune.core.train.TrainingSettings;
import dev.finetune.schedules.Schedules;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Reads a grid from a JSON config file (format in {@code docs/GRIDS.md}). Top-level keys: {@code
 * name} and {@code task} (a name of the task registry {@link Tasks}: {@code sst2}, {@code cola},
 * {@code imdb}, {@code mrpc}, {@code stsb}, {@code trec}, {@code trec_fine}, {@code goemotions},
 * or the token-classification task {@code conll2003}, whose cells train a token head and report
 * entity {@code f1}, {@code precision}, {@code recall}, word {@code accuracy} and {@code f1_<TYPE>};
 * it picks the reader and the head) are required; {@code data}
 * (the task's folder; default: the data root, then the cache), {@code model} (a Hugging Face
 * folder; default the embedded all-MiniLM-L6-v2), {@code layers} (keep the first K encoder
 * layers), {@code train_size} (seeded sample, seed 42; sentences for a token task),
 * {@code validation_size} (first N),
 * {@code seeds} (repeats, default {@code [42]}), any option below as the shared default, and
 * {@code axes}: an object whose keys are options and whose values are arrays of values, crossed
 * in order. An axis value is a plain value, or {@code {"name": "...", "value": ...}} to name it.
 *
 * <p>Options: every setting of {@link TrainingSettings} under its snake_case key ({@code epochs},
 * {@code batch_size}, {@code max_grad_norm}, {@code device}, ...: numbers and booleans as JSON
 * numbers and booleans, a device as a string such as {@code "gpu:1"}; the model is created on that
 * device; {@code truncation} as a string such as {@code "only_second"}), except {@code seed}, which is the top-level {@code seeds}; {@code learning_rate} is the
 * base that {@code lr_scale} multiplies. Besides: {@code lr_scale}, {@code train_fraction}
 * (numbers); {@code optimizer}, {@code lr_policy}, {@code method}, {@code schedule} (a
 * PyTorch/Hugging Face spec, parsed by {@code Schedules.parse} with the learning rate as its base
 * LR); {@code callbacks} (a name or an array of names, {@code []} for none); names as in
 * {@link NamedOptions}.
 *
 * <pre>{@code
 * {
 *   "name": "sst2-methods", "task": "sst2", "data": "../shared/data/sst2",
 *   "layers": 3, "train_size": 1000, "validation_size": 500, "seeds": [42, 43],
 *   "epochs": 2, "batch_size": 32, "max_length": 64, "learning_rate": 5e-5,
 *   "axes": {
 *     "method": ["full", "bitfit", {"name": "lora16", "value": "lora(16)"}],
 *     "lr_scale": [1, 10]
 *   }
 * }
 * }</pre>
 *
 * {@code ExperimentGrid grid = GridConfig.read(Path.of("grid.json"));}
 */
public final class GridConfig {

  /** The options that are not training settings: they configure the cell, not just the chain. */
  private static final List<String> GRID_OPTIONS = List.of("lr_scale", "train_fraction",
      "optimizer", "lr_policy", "method", "schedule", "callbacks");

  /**
   * The options usable at the top level and as axes: the JSON keys of {@link TrainingSettings},
   * then the grid's own options.
   */
  public static final List<String> OPTIONS = Stream.concat(
      TrainingSettings.ALL.stream().map(Setting::jsonKey), GRID_OPTIONS.stream()).toList();

  private static final Set<String> TOP_ONLY = Set.of("name", "task", "data", "model", "layers",
      "train_size", "validation_size", "seeds", "axes");

  private static final long DATA_SEED = 42;

  private static final String DEVICE_KEY = TrainingSettings.DEVICE.jsonKey();

  private final String source;
  /** The device of the top-level {@code device} key, or null for the loader's default. */
  private Device device;
  /** The device of each variant of a {@code device} axis, by variant name. */
  private final Map<String, Device> deviceAxis = new HashMap<>();

  private GridConfig(String source) {
    this.source = source;
  }

  /**
   * Reads a config file into a grid (data and model load lazily, on the first cell).
   *
   * @param file the JSON file
   * @return the grid
   * @throws GridConfigException naming the file, key, expected and actual value
   */
  public static ExperimentGrid read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new GridConfigException(file.toString(), "(file)", "a readable JSON file",
          e.getClass().getSimpleName() + " " + e.getMessage());
    }
    Path base = file.toAbsolutePath().getParent();
    return parse(text, file.toString(), base);
  }

  /**
   * Parses config text into a grid.
   *
   * @param json the JSON text
   * @param source the name used in error messages (e.g. the file name)
   * @param baseDir the folder that relative {@code data} and {@code model} paths are resolved
   *     against
   * @return the grid
   * @throws GridConfigException naming the source, key, expected and actual value
   */
  public static ExperimentGrid parse(String json, String source, Path baseDir) {
    JsonObject root;
    try {
      JsonElement element = JsonParser.parseString(json);
      if (!element.isJsonObject()) {
        throw new GridConfigException(source, "(root)", "a JSON object { ... }", describe(element));
      }
      root = element.getAsJsonObject();
    } catch (JsonParseException e) {
      throw new GridConfigException(source, "(root)", "valid JSON", "a syntax error: " + e.getMessage());
    }
    return new GridConfig(source).build(root, baseDir);
  }

  private ExperimentGrid build(JsonObject root, Path baseDir) {
    for (String key : root.keySet()) {
      if (!TOP_ONLY.contains(key) && !OPTIONS.contains(key)) {
        throw new GridConfigException(source, key, "one of " + TOP_ONLY + " or " + OPTIONS, "an unknown key");
      }
    }
    String name = string(root, "name", true);
    String taskName = string(root, "task", true);
    Tasks.Task task = Tasks.lookup(taskName).orElseThrow(() ->
        new GridConfigException(source, "task", "one of " + Tasks.names(), quote(taskName)));
    String dataDir = string(root, "data", false);
    String modelDir = string(root, "model", false);
    int layers = whole(root, "layers", 0);
    int trainSize = whole(root, "train_size", 0);
    int validationSize = whole(root, "validation_size", 0);
    ExperimentGrid.Builder grid = ExperimentGrid.builder(name);
    grid.seeds(seeds(root));

    Path data = dataDir == null ? null : baseDir.resolve(dataDir);
    Supplier<TaskData> loaded = Lazy.of(() -> subset(task.load(data), trainSize, validationSize));
    grid.data(loaded);
    Path model = modelDir == null ? null : baseDir.resolve(modelDir);
    Supplier<PretrainedEncoder> encoder = Lazy.of(() -> {
      Encoders.Loader loader = Encoders.loader().keepLayers(layers);
      return model == null ? loader.embeddedMiniLm() : loader.load(model);
    });
    grid.model(cell -> {
      PretrainedEncoder.HeadBuilder head = task.head(encoder.get(), loaded.get()).seed(cell.seed());
      Device on = cell.axisValues().containsKey(DEVICE_KEY) ? deviceAxis.get(cell.value(DEVICE_KEY)) : device;
      return (on == null ? head : head.device(on)).build();
    });
    grid.describe("task " + task.name() + (data == null ? "" : " (" + dataDir + ")")
        + (trainSize > 0 ? ", train sample " + trainSize + " (seed " + DATA_SEED + ")" : "")
        + (validationSize > 0 ? ", first " + validationSize + " validation examples" : ""));
    grid.describe("model " + (model == null ? "embedded all-MiniLM-L6-v2" : modelDir)
        + (layers > 0 ? ", first " + layers + " layers" : ""));

    List<Consumer<CellSetup>> defaults = new ArrayList<>();
    for (String key : OPTIONS) {
      if (root.has(key)) {
        defaults.add(option(key, root.get(key), key));
        JsonElement v = root.get(key);
        grid.describe(key + " = " + (v.isJsonPrimitive() ? v.getAsString() : v.toString()));
      }
    }
    grid.configure(s -> {
      s.setting(GridResults.MAIN_METRIC, task.mainMetric());
      defaults.forEach(d -> d.accept(s));
    });
    if (root.has("axes")) {
      JsonElement axes = root.get("axes");
      if (!axes.isJsonObject() || axes.getAsJsonObject().isEmpty()) {
        throw new GridConfigException(source, "axes", "an object of option -> [values], e.g."
            + " {\"method\": [\"full\", \"bitfit\"]}", describe(axes));
      }
      for (Map.Entry<String, JsonElement> a : axes.getAsJsonObject().entrySet()) {
        grid.axis(axis(a.getKey(), a.getValue()));
      }
    }
    return grid.build();
  }

  /**
   * The cells' data: a seeded sample of {@code trainSize} training examples (sentences for a token
   * task), the first {@code validationSize} validation ones, and no test part (a grid compares
   * configurations on validation).
   */
  private static TaskData subset(TaskData loaded, int trainSize, int validationSize) {
    if (loaded instanceof TokenSplit split) {
      return new TokenSplit(split.train().sample(trainSize, DATA_SEED),
          split.validation().take(validationSize), null);
    }
    if (loaded instanceof DatasetSplit split) {
      TextDataset train = trainSize > 0 ? split.train().sample(trainSize, DATA_SEED) : split.train();
      TextDataset dev = validationSize > 0 ? split.validation().take(validationSize) : split.validation();
      return new DatasetSplit(train, dev);
    }
    throw new IllegalStateException("the task gave " + loaded.getClass().getName()
        + ", neither texts (DatasetSplit) nor tagged words (TokenSplit)");
  }

  private Axis axis(String option, JsonElement values) {
    String key = "axes." + option;
    if (!OPTIONS.contains(option)) {
      throw new GridConfigException(source, key, "an option, one of " + OPTIONS, "an unknown option");
    }
    if (!values.isJsonArray() || values.getAsJsonArray().isEmpty()) {
      throw new GridConfigException(source, key, "a non-empty array of values", describe(values));
    }
    List<Variant> variants = new ArrayList<>();
    JsonArray array = values.getAsJsonArray();
    for (int i = 0; i < array.size(); i++) {
      String where = key + "[" + i + "]";
      JsonElement v = array.get(i);
      String variantName;
      JsonElement value;
      if (v.isJsonObject()) {
        JsonObject o = v.getAsJsonObject();
        if (!o.has("name") || !o.has("value") || o.size() != 2) {
          throw new GridConfigException(source, where, "a value or {\"name\": ..., \"value\": ...}", describe(v));
        }
        variantName = o.get("name").getAsString();
        value = o.get("value");
        where = where + ".value";
      } else {
        value = v;
        variantName = nameOf(v);
      }
      try {
        variants.add(Variant.of(variantName, option(option, value, where)));
        if (option.equals(DEVICE_KEY)) {
          deviceAxis.put(variantName, settingValue(TrainingSettings.DEVICE, value, where));
        }
      } catch (GridConfigException e) {
        throw e;
      } catch (IllegalArgumentException e) {
        throw new GridConfigException(source, where, "a name of letters, digits and . _ + -",
            quote(variantName) + " (" + e.getMessage() + ")");
      }
    }
    try {
      return new Axis(option, variants);
    } catch (IllegalArgumentException e) {
      throw new GridConfigException(source, key, "distinct value names", e.getMessage());
    }
  }

  /** A variant name from a plain value: its text with characters outside [A-Za-z0-9._+-] as '_'. */
  private static String nameOf(JsonElement v) {
    if (v.isJsonArray() && v.getAsJsonArray().isEmpty()) {
      return "none";
    }
    String text = v.isJsonPrimitive() ? v.getAsString() : v.toString();
    String name = text.replaceAll("[^A-Za-z0-9._+-]+", "_").replaceAll("^_+|_+$", "");
    return name.isEmpty() ? "value" : name;
  }

  /**
   * Checks one option's value as a config file's would be checked, and returns what it does to a
   * cell (the scheme search applies its sampled values so, with the same names and checks as grid
   * files). A {@code device} value given here is not where the model is created: set the device in
   * the grid's model factory.
   *
   * <pre>{@code
   * Consumer<CellSetup> lr = GridConfig.option("space.json", "learning_rate", new JsonPrimitive(3e-4), "axes.learning_rate");
   * }</pre>
   *
   * @param source the name used in error messages (e.g. the file name)
   * @param option an option of {@link #OPTIONS}
   * @param value its JSON value
   * @param key the key named in error messages, e.g. {@code axes.method[1]}
   * @return what the value does to a cell
   * @throws GridConfigException naming the source, key, expected and actual value
   */
  public static Consumer<CellSetup> option(String source, String option, JsonElement value, String key) {
    if (!OPTIONS.contains(option)) {
      throw new GridConfigException(source, key, "an option, one of " + OPTIONS, "an unknown option");
    }
    return new GridConfig(source).option(option, value, key);
  }

  /** Checks a value now and returns what it does to a cell. */
  private Consumer<CellSetup> option(String option, JsonElement value, String key) {
    for (Setting<?> setting : TrainingSettings.ALL) {
      if (setting.jsonKey().equals(option)) {
        return setting(setting, value, key);
      }
    }
    switch (option) {
      case "lr_scale" -> {
        double f = positiveNumber(value, key);
        return s -> s.scaleLearningRate(f);
      }
      case "train_fraction" -> {
        double f = positiveNumber(value, key);
        if (f > 1) {
          throw new GridConfigException(source, key, "a fraction in (0, 1]", value.toString());
        }
        return Variant.trainFraction("fraction", f, DATA_SEED).configure();
      }
      case "optimizer" -> {
        String text = text(value, key);
        checked(key, text, NamedOptions.OPTIMIZERS, () -> NamedOptions.optimizer(text));
        return s -> s.chain(c -> c.optimizer(NamedOptions.optimizer(text)));
      }
      case "lr_policy" -> {
        String text = text(value, key);
        checked(key, text, NamedOptions.POLICIES, () -> NamedOptions.lrPolicy(text));
        return s -> s.lrPolicy(NamedOptions.lrPolicy(text));
      }
      case "method" -> {
        String text = text(value, key);
        checked(key, text, NamedOptions.methods(), () -> NamedOptions.method(text));
        return s -> {
          ModelTransform m = NamedOptions.method(text);
          if (m != null) {
            s.chain(c -> c.peft(m));
          }
          s.setting("method", text);
        };
      }
      case "schedule" -> {
        String text = text(value, key);
        checked(key, text, List.of("a spec for Schedules.parse, e.g. linear_with_warmup(warmup_ratio=0.1)"),
            () -> Schedules.parse(text, 1.0));
        return s -> s.chain(c -> c.schedule(text));
      }
      case "callbacks" -> {
        List<String> names = new ArrayList<>();
        if (value.isJsonArray()) {
          JsonArray a = value.getAsJsonArray();
          for (int i = 0; i < a.size(); i++) {
            names.add(text(a.get(i), key + "[" + i + "]"));
          }
        } else {
          names.add(text(value, key));
        }
        for (String n : names) {
          checked(key, n, NamedOptions.CALLBACKS, () -> NamedOptions.callback(n));
        }
        return s -> s.chain(c -> c.callbacks(names.stream().map(NamedOptions::callback)
            .toArray(TrainingListener[]::new))).setting("callbacks", String.join(", ", names));
      }
      default -> throw new GridConfigException(source, key, "one of " + OPTIONS, "an unknown option");
    }
  }

  /** A training setting: the learning rate is the cell's base LR, the others go to the chain. */
  private <T> Consumer<CellSetup> setting(Setting<T> setting, JsonElement value, String key) {
    if (setting == TrainingSettings.SEED) {
      throw new GridConfigException(source, key, "the top-level \"seeds\": [...] instead (every cell"
          + " runs once per seed)", describe(value));
    }
    T v = settingValue(setting, value, key);
    if (setting == TrainingSettings.LEARNING_RATE) {
      double lr = (Double) v;
      return s -> s.learningRate(lr);
    }
    if (setting == TrainingSettings.DEVICE && key.equals(DEVICE_KEY)) {
      device = (Device) v;
    }
    return s -> s.chain(c -> c.set(setting, v)).setting(setting.jsonKey(), setting.format(v));
  }

  /** A setting's value from JSON: numbers and booleans as such, other kinds as strings. */
  private <T> T settingValue(Setting<T> setting, JsonElement e, String key) {
    Object raw = null;
    if (e.isJsonPrimitive()) {
      JsonPrimitive p = e.getAsJsonPrimitive();
      boolean textual = !Number.class.isAssignableFrom(setting.type()) && setting.type() != Boolean.class;
      raw = p.isNumber() ? p.getAsNumber() : p.isBoolean() ? p.getAsBoolean() : textual ? p.getAsString() : null;
    }
    T v = setting.coerce(raw).orElseThrow(() -> new GridConfigException(source, key, setting.kind(), describe(e)));
    if (!setting.isValid(v)) {
      throw new GridConfigException(source, key, setting.expected(), describe(e));
    }
    return v;
  }

  private void checked(String key, String text, List<String> known, Supplier<?> build) {
    try {
      build.get();
    } catch (IllegalArgumentException e) {
      String why = e.getMessage() != null && e.getMessage().contains("is unknown; use one of")
          ? "" : " (" + e.getMessage() + ")";
      throw new GridConfigException(source, key, "one of " + known, quote(text) + why);
    }
  }

  private long[] seeds(JsonObject root) {
    if (!root.has("seeds")) {
      return new long[] {42};
    }
    JsonElement e = root.get("seeds");
    if (!e.isJsonArray() || e.getAsJsonArray().isEmpty()) {
      throw new GridConfigException(source, "seeds", "a non-empty array of whole numbers, e.g. [42, 43]", describe(e));
    }
    JsonArray a = e.getAsJsonArray();
    long[] out = new long[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = wholeValue(a.get(i), "seeds[" + i + "]");
    }
    try {
      ExperimentGrid.builder("check").seeds(out);
    } catch (IllegalArgumentException ex) {
      throw new GridConfigException(source, "seeds", "distinct seeds", ex.getMessage());
    }
    return out;
  }

  private String string(JsonObject root, String key, boolean required) {
    JsonElement e = root.get(key);
    if (e == null || e.isJsonNull()) {
      if (required) {
        throw new GridConfigException(source, key, "a string", "nothing (the key is required)");
      }
      return null;
    }
    return text(e, key);
  }

  private String text(JsonElement e, String key) {
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString() || e.getAsString().isBlank()) {
      throw new GridConfigException(source, key, "a non-empty string", describe(e));
    }
    return e.getAsString();
  }

  private int whole(JsonObject root, String key, int fallback) {
    JsonElement e = root.get(key);
    if (e == null || e.isJsonNull()) {
      return fallback;
    }
    long v = wholeValue(e, key);
    if (v < 0 || v > Integer.MAX_VALUE) {
      throw new GridConfigException(source, key, "a whole number >= 0", e.toString());
    }
    return (int) v;
  }

  private long wholeValue(JsonElement e, String key) {
    if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
      double d = e.getAsDouble();
      if (d == Math.rint(d) && Math.abs(d) < 9e15) {
        return (long) d;
      }
    }
    throw new GridConfigException(source, key, "a whole number", describe(e));
  }

  private double positiveNumber(JsonElement e, String key) {
    if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber() && e.getAsDouble() > 0
        && Double.isFinite(e.getAsDouble())) {
      return e.getAsDouble();
    }
    throw new GridConfigException(source, key, "a number > 0", describe(e));
  }

  private static String describe(JsonElement e) {
    if (e == null || e.isJsonNull()) {
      return "null";
    }
    if (e.isJsonPrimitive()) {
      JsonPrimitive p = e.getAsJsonPrimitive();
      return p.isString() ? "the string " + quote(p.getAsString()) : p.isNumber() ? "the number " + p
          : "the boolean " + p;
    }
    return (e.isJsonArray() ? "the array " : "the object ") + e;
  }

  private static String quote(String s) {
    return "\"" + s + "\"";
  }
}
