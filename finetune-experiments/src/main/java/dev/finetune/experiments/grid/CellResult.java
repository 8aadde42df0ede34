package dev.finetune.experiments.grid;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.finetune.core.checkpoint.AtomicFiles;
import dev.finetune.core.report.EpochRecord;
import dev.finetune.core.report.TrainingReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A finished cell: its axis values, seed, settings and full {@link TrainingReport} (every
 * epoch's losses, metrics, seconds, tokens/s, memory peaks, parameter counts and LR). Saved as
 * {@code cells/<id>.json}, written atomically, so a file that exists is a finished cell.
 *
 * <pre>{@code
 * CellResult r = CellResult.read(Path.of("runs/study-a/cells/fixed__none__constant__s42.json"));
 * double acc = r.finalMetric("accuracy");
 * }</pre>
 *
 * @param id the cell id
 * @param configuration the configuration id (the id without the seed)
 * @param seed the training seed
 * @param axes axis name to variant name, in axis order
 * @param settings the cell's settings (data sizes, learning rate, what variants recorded)
 * @param report the training report
 */
public record CellResult(String id, String configuration, long seed, Map<String, String> axes,
    Map<String, String> settings, TrainingReport report) {

  private static final int FORMAT = 1;
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeNulls().create();

  /** Copies the maps into unmodifiable ordered ones. */
  public CellResult {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(configuration, "configuration");
    Objects.requireNonNull(report, "report");
    axes = Collections.unmodifiableMap(new LinkedHashMap<>(axes));
    settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
  }

  /**
   * A validation metric of the last epoch.
   *
   * @param name e.g. {@code accuracy}, {@code mcc}
   * @return its value, NaN when absent
   */
  public double finalMetric(String name) {
    EpochRecord last = report.lastEpoch();
    return last == null ? Double.NaN : last.validationMetrics().getOrDefault(name, Double.NaN);
  }

  /**
   * The best value of a validation metric over the epochs (highest).
   *
   * @param name e.g. {@code accuracy}
   * @return the best value, NaN when absent
   */
  public double bestMetric(String name) {
    return report.epochs().stream()
        .mapToDouble(e -> e.validationMetrics().getOrDefault(name, Double.NaN))
        .filter(v -> !Double.isNaN(v))
        .max()
        .orElse(Double.NaN);
  }

  /**
   * The result as pretty-printed JSON.
   *
   * @return the JSON text
   */
  public String toJson() {
    JsonObject root = new JsonObject();
    root.addProperty("format", FORMAT);
    root.addProperty("id", id);
    root.addProperty("configuration", configuration);
    root.addProperty("seed", seed);
    JsonObject axesJson = new JsonObject();
    axes.forEach(axesJson::addProperty);
    root.add("axes", axesJson);
    JsonObject settingsJson = new JsonObject();
    settings.forEach(settingsJson::addProperty);
    root.add("settings", settingsJson);
    root.add("report", JsonParser.parseString(report.toJson()));
    return GSON.toJson(root);
  }

  /**
   * Reads what {@link #toJson()} wrote.
   *
   * @param json the text
   * @return the result
   * @throws IllegalArgumentException naming the missing or malformed field
   */
  public static CellResult fromJson(String json) {
    try {
      JsonObject root = JsonParser.parseString(json).getAsJsonObject();
      int format = required(root, "format").getAsInt();
      if (format != FORMAT) {
        throw new IllegalArgumentException("cell result format " + format + " is not supported"
            + " (expected " + FORMAT + ")");
      }
      return new CellResult(
          required(root, "id").getAsString(),
          required(root, "configuration").getAsString(),
          required(root, "seed").getAsLong(),
          strings(required(root, "axes")),
          strings(required(root, "settings")),
          TrainingReport.fromJson(required(root, "report").toString()));
    } catch (JsonParseException | IllegalStateException | UnsupportedOperationException e) {
      throw new IllegalArgumentException("not a cell result: " + e.getMessage(), e);
    }
  }

  /**
   * Writes the JSON atomically (temporary file, then rename).
   *
   * @param file the target
   */
  public void write(Path file) {
    AtomicFiles.write(file, toJson().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Reads a result file.
   *
   * @param file the file
   * @return the result
   * @throws IOException when it cannot be read or is not a cell result (the message names the file)
   */
  public static CellResult read(Path file) throws IOException {
    try {
      return fromJson(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }

  private static JsonElement required(JsonObject o, String name) {
    JsonElement e = o.get(name);
    if (e == null || e.isJsonNull()) {
      throw new IllegalArgumentException("cell result JSON lacks the field '" + name + "'");
    }
    return e;
  }

  private static Map<String, String> strings(JsonElement element) {
    Map<String, String> out = new LinkedHashMap<>();
    element.getAsJsonObject().entrySet().forEach(e -> out.put(e.getKey(), e.getValue().getAsString()));
    return out;
  }
}
