package dev.finetune.experiments.search;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.finetune.experiments.grid.GridConfig;
import dev.finetune.experiments.grid.GridConfigException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * What a scheme search may choose: one dimension per option of a grid file ({@link
 * GridConfig#OPTIONS}: every training setting by its snake_case name, {@code method}, {@code
 * lr_policy}, {@code schedule}, {@code optimizer}, {@code callbacks}, ...), each a list of values
 * written as a grid axis, or for a number a range: {@code {"log_uniform": [LOW, HIGH]}} or {@code
 * {"uniform": [LOW, HIGH]}}. Every value is checked as a grid file's would be, so a bad space
 * fails before anything trains, naming the key.
 *
 * <pre>{@code
 * SearchSpace space = SearchSpace.parse(JsonParser.parseString("""
 *     {"method": ["full", "bitfit", "lora(8)"],
 *      "learning_rate": {"log_uniform": [1e-5, 1e-3]},
 *      "lr_policy": ["uniform", "layerwise_decay(0.9)"]}
 *     """).getAsJsonObject(), "space.json");
 * Map<String, JsonElement> values = space.sample(new Random(7));
 * }</pre>
 */
public final class SearchSpace {

  /** One option and how its value is chosen. */
  public sealed interface Dimension permits Choice, Range {
    /** @return the option's key, e.g. {@code learning_rate} */
    String key();
  }

  /**
   * A list of values, each chosen with equal probability (and crossed by grid sampling).
   *
   * @param key the option
   * @param values the values as in a grid axis
   */
  public record Choice(String key, List<JsonElement> values) implements Dimension {
    /** Copies the values. */
    public Choice {
      values = List.copyOf(values);
    }
  }

  /**
   * A number drawn uniformly, or uniformly in log space, between two bounds.
   *
   * @param key the option
   * @param low the lower bound
   * @param high the upper bound
   * @param logScale whether to draw the logarithm uniformly
   */
  public record Range(String key, double low, double high, boolean logScale) implements Dimension {

    /**
     * A drawn number as a trial gets it: rounded to 4 significant digits (configs read well),
     * kept within the bounds.
     *
     * @param x the drawn number
     * @return the trial's value
     */
    public double rounded(double x) {
      double r = new BigDecimal(x).round(new MathContext(4)).doubleValue();
      return Math.min(high, Math.max(low, r));
    }
  }

  private final List<Dimension> dimensions;

  private SearchSpace(List<Dimension> dimensions) {
    this.dimensions = List.copyOf(dimensions);
  }

  /** @return the dimensions, in the order written */
  public List<Dimension> dimensions() {
    return dimensions;
  }

  /**
   * Reads a space: option to a non-empty array of values or to a range object.
   *
   * @param axes the JSON object
   * @param source the name used in error messages (e.g. the file name)
   * @return the space
   * @throws GridConfigException naming the key (as {@code axes.<option>}), what was expected and
   *     what was found: an empty list, a range with low above high, an unknown option
   */
  public static SearchSpace parse(JsonObject axes, String source) {
    if (axes == null || axes.isEmpty()) {
      throw new GridConfigException(source, "axes", "an object of option -> [values] or"
          + " {\"log_uniform\": [low, high]}, e.g. {\"learning_rate\": {\"log_uniform\": [1e-5, 1e-3]}}",
          String.valueOf(axes));
    }
    List<Dimension> out = new ArrayList<>();
    for (Map.Entry<String, JsonElement> e : axes.entrySet()) {
      String option = e.getKey();
      String key = "axes." + option;
      JsonElement v = e.getValue();
      if (!GridConfig.OPTIONS.contains(option)) {
        throw new GridConfigException(source, key, "an option, one of " + GridConfig.OPTIONS, "an unknown option");
      }
      if (v.isJsonArray()) {
        JsonArray a = v.getAsJsonArray();
        if (a.isEmpty()) {
          throw new GridConfigException(source, key, "a non-empty array of values", "the empty array []");
        }
        List<JsonElement> values = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
          GridConfig.option(source, option, a.get(i), key + "[" + i + "]");
          values.add(a.get(i));
        }
        out.add(new Choice(option, values));
      } else if (v.isJsonObject() && v.getAsJsonObject().size() == 1
          && (v.getAsJsonObject().has("log_uniform") || v.getAsJsonObject().has("uniform"))) {
        boolean log = v.getAsJsonObject().has("log_uniform");
        String rangeKey = key + (log ? ".log_uniform" : ".uniform");
        JsonElement bounds = v.getAsJsonObject().get(log ? "log_uniform" : "uniform");
        if (!bounds.isJsonArray() || bounds.getAsJsonArray().size() != 2
            || !isNumber(bounds.getAsJsonArray().get(0)) || !isNumber(bounds.getAsJsonArray().get(1))) {
          throw new GridConfigException(source, rangeKey, "two numbers [low, high]", bounds.toString());
        }
        double low = bounds.getAsJsonArray().get(0).getAsDouble();
        double high = bounds.getAsJsonArray().get(1).getAsDouble();
        if (!(low < high)) {
          throw new GridConfigException(source, rangeKey, "low < high", "[" + low + ", " + high + "]");
        }
        if (log && !(low > 0)) {
          throw new GridConfigException(source, rangeKey, "low > 0 for a log-uniform range", "low " + low);
        }
        GridConfig.option(source, option, new JsonPrimitive(low), rangeKey + "[0]");
        GridConfig.option(source, option, new JsonPrimitive(high), rangeKey + "[1]");
        out.add(new Range(option, low, high, log));
      } else {
        throw new GridConfigException(source, key, "a non-empty array of values or {\"log_uniform\":"
            + " [low, high]} or {\"uniform\": [low, high]}", v.toString());
      }
    }
    return new SearchSpace(out);
  }

  private static boolean isNumber(JsonElement e) {
    return e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber() && Double.isFinite(e.getAsDouble());
  }

  /**
   * Draws one value per dimension, in dimension order (the same random sequence gives the same
   * values). Drawn numbers are rounded to 4 significant digits, so configs read well.
   *
   * @param random the search's random source
   * @return option to value, in dimension order
   */
  public Map<String, JsonElement> sample(Random random) {
    Map<String, JsonElement> out = new LinkedHashMap<>();
    for (Dimension d : dimensions) {
      if (d instanceof Choice c) {
        out.put(c.key(), c.values().get(random.nextInt(c.values().size())));
      } else {
        Range r = (Range) d;
        double u = random.nextDouble();
        double x = r.logScale()
            ? Math.exp(Math.log(r.low()) + u * (Math.log(r.high()) - Math.log(r.low())))
            : r.low() + u * (r.high() - r.low());
        out.put(r.key(), new JsonPrimitive(r.rounded(x)));
      }
    }
    return out;
  }

  /**
   * Every combination of the lists, the first dimension varying slowest (grid sampling).
   *
   * @return the combinations
   * @throws IllegalArgumentException when a dimension is a range (grid sampling needs lists)
   */
  public List<Map<String, JsonElement>> grid() {
    List<Map<String, JsonElement>> combos = new ArrayList<>();
    combos.add(new LinkedHashMap<>());
    for (Dimension d : dimensions) {
      if (!(d instanceof Choice c)) {
        throw new IllegalArgumentException("grid sampling needs a list of values for every option,"
            + " but 'axes." + d.key() + "' is a range; write it as a list or use random sampling");
      }
      List<Map<String, JsonElement>> next = new ArrayList<>();
      for (Map<String, JsonElement> prefix : combos) {
        for (JsonElement v : c.values()) {
          Map<String, JsonElement> m = new LinkedHashMap<>(prefix);
          m.put(c.key(), v);
          next.add(m);
        }
      }
      combos = next;
    }
    return combos;
  }
}
