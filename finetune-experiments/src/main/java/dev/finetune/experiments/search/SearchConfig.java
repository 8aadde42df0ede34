package dev.finetune.experiments.search;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.finetune.core.data.Tasks;
import dev.finetune.core.train.StopRequest;
import dev.finetune.experiments.grid.GridConfig;
import dev.finetune.experiments.grid.GridConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a scheme search from a JSON file written like a grid config ({@code docs/GRIDS.md}): the
 * same top-level keys (task, data, model, sizes, {@code seeds} with one seed, any option as the
 * default of every trial), {@code axes} as the {@link SearchSpace} (lists of values, or {@code
 * {"log_uniform": [low, high]}} / {@code {"uniform": [low, high]}} for numbers), and a {@code
 * search} object: {@code strategy} ({@link Strategy#keys()}, default {@code asha}), {@code
 * trials} (default 9), {@code eta} (default 3), {@code min_steps} and {@code max_steps} (the first
 * and the full budget in optimizer steps, default 10 and 90), {@code seed} (sampling, default 42),
 * {@code metric} (default: the task's main metric, {@code Tasks.Task.mainMetric()}: {@code accuracy}
 * for SST-2, {@code mcc} for CoLA, {@code f1} for CoNLL-2003's entities, ...), {@code
 * first_trials} (configurations to try first), {@code max_total_steps} (a cap on all trials'
 * steps together), {@code sampler} ({@code random}, the default, or
 * {@code tpe(...)}: {@link Sampler#parse}) and {@code confirm} ({@code {"top": 2, "seeds": [1, 2,
 * 3]}}: the leaders trained again with fresh seeds, the winner by mean, {@link
 * SchemeSearch.Builder#confirm}). Each trial is the grid config with its values at the
 * top level; the winner's is written as {@code best.json}, a grid config that reproduces it.
 *
 * <pre>{@code
 * {
 *   "name": "sst2-search", "task": "sst2", "data": "../shared/data/sst2", "layers": 3,
 *   "train_size": 1000, "validation_size": 500, "epochs": 3, "batch_size": 32, "max_length": 64,
 *   "axes": {"method": ["full", "bitfit", "lora(8)"],
 *            "learning_rate": {"log_uniform": [1e-5, 1e-3]},
 *            "lr_policy": ["uniform", "layerwise_decay(0.9)"]},
 *   "search": {"strategy": "asha", "trials": 27, "eta": 3, "min_steps": 10, "max_steps": 90, "seed": 7}
 * }
 * }</pre>
 *
 * {@code SearchResults r = SearchConfig.read(Path.of("search.json")).run(Path.of("runs/search"));}
 */
public final class SearchConfig {

  private static final List<String> SEARCH_KEYS =
      List.of("strategy", "trials", "eta", "min_steps", "max_steps", "seed", "metric",
          "first_trials", "sampler", "max_total_steps", "confirm");

  private static final List<String> CONFIRM_KEYS = List.of("top", "seeds");

  private SearchConfig() {}

  /**
   * Reads a search file.
   *
   * @param file the JSON file
   * @return the search, trials drawn (nothing trains yet)
   * @throws GridConfigException naming the file, the key, what was expected and what was found
   */
  public static SchemeSearch read(Path file) {
    return read(file, null);
  }

  /**
   * Reads a search file whose trials stop when {@code stop} is requested
   * ({@link GridTrialRunner#stoppedBy}): the trial in progress saves its checkpoint and the run
   * ends with a {@code GridStoppedException}; the search run again continues it.
   *
   * <pre>{@code
   * SchemeSearch search = SearchConfig.read(Path.of("search.json"), stop);
   * }</pre>
   *
   * @param file the JSON file
   * @param stop the stop request, or null for trials that run to their rung
   * @return the search, trials drawn (nothing trains yet)
   * @throws GridConfigException naming the file, the key, what was expected and what was found
   */
  public static SchemeSearch read(Path file, StopRequest stop) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new GridConfigException(file.toString(), "(file)", "a readable JSON file",
          e.getClass().getSimpleName() + " " + e.getMessage());
    }
    return parse(text, file.toString(), file.toAbsolutePath().getParent(), stop);
  }

  /**
   * Parses search text.
   *
   * @param json the JSON text
   * @param source the name used in error messages
   * @param baseDir the folder relative {@code data} and {@code model} paths are resolved against
   * @return the search
   * @throws GridConfigException naming the source and key
   */
  public static SchemeSearch parse(String json, String source, Path baseDir) {
    return parse(json, source, baseDir, null);
  }

  private static SchemeSearch parse(String json, String source, Path baseDir, StopRequest stop) {
    JsonObject root;
    try {
      JsonElement e = JsonParser.parseString(json);
      if (!e.isJsonObject()) {
        throw new GridConfigException(source, "(root)", "a JSON object { ... }", e.toString());
      }
      root = e.getAsJsonObject();
    } catch (JsonParseException e) {
      throw new GridConfigException(source, "(root)", "valid JSON", "a syntax error: " + e.getMessage());
    }
    JsonObject base = root.deepCopy();
    base.remove("axes");
    base.remove("search");
    for (String pathKey : List.of("data", "model")) {
      if (base.has(pathKey) && base.get(pathKey).isJsonPrimitive()) {
        base.addProperty(pathKey, baseDir.resolve(base.get(pathKey).getAsString()).normalize().toString());
      }
    }
    var baseCells = GridConfig.parse(base.toString(), source, baseDir).cells();
    if (baseCells.size() != 1) {
      throw new GridConfigException(source, "seeds", "one seed (every trial trains with it)",
          String.valueOf(root.get("seeds")));
    }
    long trainingSeed = baseCells.get(0).seed();
    JsonElement axes = root.get("axes");
    if (axes == null || !axes.isJsonObject()) {
      throw new GridConfigException(source, "axes", "the search space: an object of option ->"
          + " [values] or {\"log_uniform\": [low, high]}", String.valueOf(axes));
    }
    SearchSpace space = SearchSpace.parse(axes.getAsJsonObject(), source);
    JsonObject search = root.has("search") && root.get("search").isJsonObject()
        ? root.getAsJsonObject("search") : new JsonObject();
    if (root.has("search") && !root.get("search").isJsonObject()) {
      throw new GridConfigException(source, "search", "an object {\"strategy\": ..., ...}", root.get("search").toString());
    }
    for (String key : search.keySet()) {
      if (!SEARCH_KEYS.contains(key)) {
        throw new GridConfigException(source, "search." + key, "one of " + SEARCH_KEYS, "an unknown key");
      }
    }
    String name = root.get("name").getAsString();
    String metric = search.has("metric")
        ? text(search, "metric", source).toLowerCase(java.util.Locale.ROOT)
        : Tasks.find(root.get("task").getAsString()).mainMetric();
    GridTrialRunner runner = new GridTrialRunner(trial -> GridConfig.parse(
        trialConfig(base, trial).toString(), source + " (trial " + trial.id() + ")", baseDir), metric);
    SchemeSearch.Builder b = SchemeSearch.builder(name, space,
        stop == null ? runner : runner.stoppedBy(stop))
        .metric(metric)
        .trialConfig(trial -> {
          JsonObject c = trialConfig(base, trial);
          c.addProperty("name", name + "-" + trial.id());
          return c;
        });
    try {
      Strategy strategy = search.has("strategy") ? Strategy.parse(text(search, "strategy", source)) : Strategy.ASHA;
      b.strategy(strategy);
      if (search.has("trials")) {
        int trials = (int) whole(search, "trials", 0, source);
        if (strategy == Strategy.HYPERBAND) {
          throw new GridConfigException(source, "search.trials", "no trials with hyperband (it draws the"
              + " trials its brackets need; set the rungs with min_steps, max_steps and eta)", String.valueOf(trials));
        }
        b.trials(trials);
      }
      b.eta((int) whole(search, "eta", 3, source));
      b.steps(whole(search, "min_steps", 10, source), whole(search, "max_steps", 90, source));
      b.seed(whole(search, "seed", 42, source));
      if (search.has("max_total_steps")) {
        long cap = whole(search, "max_total_steps", 0, source);
        if (cap < 1) {
          throw new GridConfigException(source, "search.max_total_steps", "a whole number >= 1 (the"
              + " optimizer steps of all trials together)", String.valueOf(cap));
        }
        b.maxTotalSteps(cap);
      }
      if (search.has("sampler")) {
        String sampler = text(search, "sampler", source);
        try {
          b.sampler(Sampler.parse(sampler));
        } catch (IllegalArgumentException e) {
          throw new GridConfigException(source, "search.sampler", "one of " + Sampler.NAMES
              + ", e.g. \"tpe(startup_trials=10, gamma=0.1, candidates=24)\"", e.getMessage());
        }
      }
      if (search.has("first_trials")) {
        b.firstTrials(firstTrials(search.get("first_trials"), space, source));
      }
      if (search.has("confirm")) {
        confirm(b, search.get("confirm"), trainingSeed, source);
      }
      return b.build();
    } catch (GridConfigException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new GridConfigException(source, "search", "valid search settings", e.getMessage());
    }
  }

  /**
   * The {@code first_trials} array: objects giving a value for every option of the space, each
   * value checked as a grid file's would be.
   */
  static List<Map<String, JsonElement>> firstTrials(JsonElement e, SearchSpace space,
      String source) {
    String key = "search.first_trials";
    if (!e.isJsonArray()) {
      throw new GridConfigException(source, key, "an array of objects option -> value",
          e.toString());
    }
    List<String> options = space.dimensions().stream().map(SearchSpace.Dimension::key).toList();
    List<Map<String, JsonElement>> out = new ArrayList<>();
    JsonArray a = e.getAsJsonArray();
    for (int i = 0; i < a.size(); i++) {
      String at = key + "[" + i + "]";
      if (!a.get(i).isJsonObject()) {
        throw new GridConfigException(source, at, "an object option -> value", a.get(i).toString());
      }
      JsonObject point = a.get(i).getAsJsonObject();
      for (String option : point.keySet()) {
        if (!options.contains(option)) {
          throw new GridConfigException(source, at + "." + option, "one of the axes " + options,
              "an option the space does not search");
        }
      }
      Map<String, JsonElement> values = new LinkedHashMap<>();
      for (String option : options) {
        if (!point.has(option)) {
          throw new GridConfigException(source, at + "." + option,
              "a value for every axis " + options, "none");
        }
        GridConfig.option(source, option, point.get(option), at + "." + option);
        values.put(option, point.get(option));
      }
      out.add(values);
    }
    return out;
  }

  /**
   * The {@code confirm} object: {@code top} (default 1) and {@code seeds}, distinct whole numbers
   * other than the search's training seed.
   */
  private static void confirm(SchemeSearch.Builder b, JsonElement e, long trainingSeed, String source) {
    String key = "search.confirm";
    if (!e.isJsonObject()) {
      throw new GridConfigException(source, key, "an object {\"top\": 2, \"seeds\": [1, 2, 3]}",
          e.toString());
    }
    JsonObject o = e.getAsJsonObject();
    for (String k : o.keySet()) {
      if (!CONFIRM_KEYS.contains(k)) {
        throw new GridConfigException(source, key + "." + k, "one of " + CONFIRM_KEYS, "an unknown key");
      }
    }
    long top = 1;
    if (o.has("top")) {
      JsonElement t = o.get("top");
      if (!isWhole(t) || t.getAsDouble() < 1 || t.getAsDouble() > Integer.MAX_VALUE) {
        throw new GridConfigException(source, key + ".top", "a whole number >= 1 (how many of the"
            + " leaderboard's first trials to confirm)", t.toString());
      }
      top = t.getAsLong();
    }
    JsonElement seeds = o.get("seeds");
    if (seeds == null || !seeds.isJsonArray() || seeds.getAsJsonArray().isEmpty()) {
      throw new GridConfigException(source, key + ".seeds", "a non-empty array of training seeds,"
          + " e.g. [1, 2, 3, 4, 5]", String.valueOf(seeds));
    }
    JsonArray a = seeds.getAsJsonArray();
    long[] values = new long[a.size()];
    for (int i = 0; i < a.size(); i++) {
      if (!isWhole(a.get(i))) {
        throw new GridConfigException(source, key + ".seeds[" + i + "]", "a whole number",
            a.get(i).toString());
      }
      values[i] = a.get(i).getAsLong();
      if (values[i] == trainingSeed) {
        throw new GridConfigException(source, key + ".seeds[" + i + "]", "a seed other than the"
            + " search's training seed " + trainingSeed + " (the leaders were chosen on it, so it"
            + " would count their luck twice)", String.valueOf(values[i]));
      }
      for (int j = 0; j < i; j++) {
        if (values[j] == values[i]) {
          throw new GridConfigException(source, key + ".seeds[" + i + "]", "distinct seeds",
              values[i] + ", as seeds[" + j + "]");
        }
      }
    }
    b.confirm((int) top, values);
  }

  private static boolean isWhole(JsonElement e) {
    return e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()
        && e.getAsDouble() == Math.rint(e.getAsDouble()) && Math.abs(e.getAsDouble()) < 9.0e15;
  }

  /** The grid config of one trial: the base with the trial's values at the top level. */
  static JsonObject trialConfig(JsonObject base, Trial trial) {
    JsonObject c = base.deepCopy();
    for (Map.Entry<String, JsonElement> e : trial.values().entrySet()) {
      c.add(e.getKey(), e.getValue().deepCopy());
    }
    return c;
  }

  private static String text(JsonObject o, String key, String source) {
    JsonElement e = o.get(key);
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw new GridConfigException(source, "search." + key, "a string", e.toString());
    }
    return e.getAsString();
  }

  private static long whole(JsonObject o, String key, long fallback, String source) {
    JsonElement e = o.get(key);
    if (e == null) {
      return fallback;
    }
    if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber() && e.getAsDouble() == Math.rint(e.getAsDouble())
        && e.getAsDouble() >= 0) {
      return e.getAsLong();
    }
    throw new GridConfigException(source, "search." + key, "a whole number >= 0",
        e instanceof JsonPrimitive p && p.isString() ? "the string \"" + p.getAsString() + "\"" : e.toString());
  }
}
