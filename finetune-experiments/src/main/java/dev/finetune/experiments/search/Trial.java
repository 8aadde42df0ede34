package dev.finetune.experiments.search;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One configuration a search tries: its index in sampling order, its value per option of the
 * space, and the training seed when it is not the search's own (a confirmation run, {@link
 * SchemeSearch.Builder#confirm}). The id ({@code t003}) names its folder under {@code trials/}.
 *
 * <pre>{@code
 * Trial t = new Trial(3, Map.of("learning_rate", new JsonPrimitive(3e-4)));
 * t.id();                    // "t003"
 * t.describe();              // "learning_rate=3.0E-4"
 * t.withSeed(5).describe();  // "learning_rate=3.0E-4 seed=5"
 * }</pre>
 *
 * @param index the position in sampling order, from 0
 * @param values option to value, in the space's order
 * @param seed the training seed, or null for the search's (its base grid's one seed)
 */
public record Trial(int index, Map<String, JsonElement> values, Long seed) {

  /** Copies the values, keeping their order. */
  public Trial {
    values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /**
   * A trial trained with the search's seed.
   *
   * @param index the position in sampling order, from 0
   * @param values option to value, in the space's order
   */
  public Trial(int index, Map<String, JsonElement> values) {
    this(index, values, null);
  }

  /**
   * The same configuration trained with another seed (model initialisation, data order, dropout).
   *
   * @param trainingSeed the seed
   * @return a copy
   */
  public Trial withSeed(long trainingSeed) {
    return new Trial(index, values, trainingSeed);
  }

  /** @return {@code t} and the index in three or more digits */
  public String id() {
    return String.format(Locale.ROOT, "t%03d", index);
  }

  /** @return {@code option=value} pairs, space separated, then {@code seed=} when one is set */
  public String describe() {
    String options = values.entrySet().stream()
        .map(e -> e.getKey() + "=" + text(e.getValue()))
        .collect(Collectors.joining(" "));
    return seed == null ? options : (options + " seed=" + seed).strip();
  }

  /** @return the values as a JSON object (the keys of a grid config file) */
  public JsonObject toJson() {
    JsonObject o = new JsonObject();
    values.forEach((k, v) -> o.add(k, v.deepCopy()));
    return o;
  }

  /**
   * A value as text: strings without quotes, anything else as JSON.
   *
   * @param v the value
   * @return its text
   */
  static String text(JsonElement v) {
    return v.isJsonPrimitive() && v.getAsJsonPrimitive().isString() ? v.getAsString() : v.toString();
  }
}
