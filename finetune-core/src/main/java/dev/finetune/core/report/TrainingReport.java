package dev.finetune.core.report;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The result of a training run: what ran (model, method, settings, device, seed) and one {@link
 * EpochRecord} per epoch, plus optional extra evaluations (e.g. SWA weights). Immutable; prints as
 * an aligned table and saves as JSON and CSV.
 *
 * <pre>{@code
 * TrainingReport report = TrainingReport.builder()
 *     .model("all-minilm-l6-v2").method("full").device("cpu").seed(42)
 *     .setting("learningRate", "2e-5")
 *     .epoch(record)
 *     .build();
 * System.out.println(report.table());
 * report.save(Path.of("runs/sst2"));   // report.json + report.csv
 * }</pre>
 *
 * @param model the model's name
 * @param method the fine-tuning method (e.g. {@code full}, {@code lora r=8})
 * @param settings the run's settings as text, in insertion order
 * @param device the device it ran on
 * @param seed the random seed
 * @param epochs one record per epoch, in order
 * @param extraRows extra evaluations, in order
 */
public record TrainingReport(
    String model,
    String method,
    Map<String, String> settings,
    String device,
    long seed,
    List<EpochRecord> epochs,
    List<EvaluationRecord> extraRows) {

  /** File name of the JSON form written by {@link #save(Path)}. */
  public static final String JSON_FILE = "report.json";

  /** File name of the CSV form written by {@link #save(Path)}. */
  public static final String CSV_FILE = "report.csv";

  /** Setting that holds why a run stopped early. */
  public static final String STOPPED = "stopped";

  /**
   * The label of the extra row that scores a held-out test split once, after the last epoch,
   * with the weights the model holds when the fit ends ({@code FineTune.fit} with a test set, e.g.
   * a split that has one): the final ones, or those a callback put back at the end (the best
   * epoch's with {@code BestCheckpoint.restoreAtEnd()}, SWA's or EMA's average). The row's epoch
   * is the epoch of those weights, and the setting {@value #TEST_WEIGHTS} names them.
   */
  public static final String TEST_ROW = "test";

  /**
   * Setting that names the weights that scored the {@value #TEST_ROW} row: {@code last (epoch
   * N)}, or the label and epoch of the row a callback added when it put other weights back, e.g.
   * {@code best (epoch 2)}.
   */
  public static final String TEST_WEIGHTS = "test_weights";

  /** Setting present (holding the loss) when the training loss became NaN or infinite. */
  public static final String DIVERGED = "diverged";

  private static final int FORMAT = 1;
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeNulls().create();

  /** Copies the collections into unmodifiable ones. */
  public TrainingReport {
    model = Objects.requireNonNullElse(model, "");
    method = Objects.requireNonNullElse(method, "");
    device = Objects.requireNonNullElse(device, "");
    settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    epochs = List.copyOf(epochs);
    extraRows = List.copyOf(extraRows);
  }

  /**
   * A builder with empty metadata and no rows.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder that starts from this report, e.g. to append the next epoch.
   *
   * @return the builder
   */
  public Builder toBuilder() {
    Builder builder =
        new Builder().model(model).method(method).device(device).seed(seed);
    settings.forEach(builder::setting);
    epochs.forEach(builder::epoch);
    extraRows.forEach(builder::extraRow);
    return builder;
  }

  /**
   * The last epoch's record.
   *
   * @return the record, or {@code null} when there is none
   */
  public EpochRecord lastEpoch() {
    return epochs.isEmpty() ? null : epochs.get(epochs.size() - 1);
  }

  /**
   * The test split's scores ({@value #TEST_ROW} extra row), when the fit had a test set.
   *
   * <pre>{@code
   * report.test().map(t -> t.validationMetrics().get("f1"));
   * }</pre>
   *
   * @return the row, empty without a test set
   */
  public Optional<EvaluationRecord> test() {
    return extraRows.stream().filter(r -> r.label().equals(TEST_ROW)).reduce((a, b) -> b);
  }

  /**
   * Why the run stopped before its last epoch: a callback's request (early stopping), a training
   * loss that became NaN or infinite, or a checkpoint that could not be saved.
   *
   * @return the reason (setting {@value #STOPPED}), empty when the run finished
   */
  public Optional<String> stopReason() {
    return Optional.ofNullable(settings.get(STOPPED));
  }

  /**
   * Tells whether the run diverged: the training loss became NaN or infinite and training stopped
   * there (setting {@value #DIVERGED}). Such a run has no trustworthy result.
   *
   * @return true when it diverged
   */
  public boolean diverged() {
    return settings.containsKey(DIVERGED);
  }

  /** The metric names of all rows, in first-seen order. */
  private List<String> metricNames() {
    Set<String> names = new LinkedHashSet<>();
    epochs.forEach(e -> names.addAll(e.validationMetrics().keySet()));
    extraRows.forEach(e -> names.addAll(e.validationMetrics().keySet()));
    return new ArrayList<>(names);
  }

  // ------------------------------------------------------------------ table

  /**
   * An aligned text table: a header with the run's metadata, then one line per epoch and per
   * extra row. Unknown values print as {@code -}.
   *
   * @return the table
   */
  public String table() {
    List<String> metrics = metricNames();
    List<String> header = new ArrayList<>(List.of("epoch", "train_loss", "val_loss"));
    header.addAll(metrics);
    header.addAll(List.of("lr", "seconds", "tokens/s", "heap_MB", "rss_MB", "trainable", "total"));
    List<List<String>> rows = new ArrayList<>();
    rows.add(header);
    for (EpochRecord e : epochs) {
      List<String> row = new ArrayList<>();
      row.add(Integer.toString(e.epoch()));
      row.add(fixed(e.trainLoss(), 4));
      row.add(fixed(e.validationLoss(), 4));
      metrics.forEach(m -> row.add(fixed(e.validationMetrics().getOrDefault(m, Double.NaN), 4)));
      row.add(Double.isNaN(e.learningRate()) ? "-" : String.format(Locale.ROOT, "%.3e", e.learningRate()));
      row.add(fixed(e.seconds(), 1));
      row.add(fixed(e.tokensPerSecond(), 0));
      row.add(megabytes(e.peakHeapBytes()));
      row.add(megabytes(e.peakRssBytes()));
      row.add(Long.toString(e.trainableParameters()));
      row.add(Long.toString(e.totalParameters()));
      rows.add(row);
    }
    for (EvaluationRecord x : extraRows) {
      List<String> row = new ArrayList<>();
      row.add(x.label() + "@" + x.epoch());
      row.add("-");
      row.add(fixed(x.validationLoss(), 4));
      metrics.forEach(m -> row.add(fixed(x.validationMetrics().getOrDefault(m, Double.NaN), 4)));
      while (row.size() < header.size()) {
        row.add("-");
      }
      rows.add(row);
    }
    int[] widths = new int[header.size()];
    for (List<String> row : rows) {
      for (int c = 0; c < row.size(); c++) {
        widths[c] = Math.max(widths[c], row.get(c).length());
      }
    }
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "model: %s  method: %s  device: %s  seed: %d%n", model, method, device, seed));
    if (!settings.isEmpty()) {
      StringBuilder line = new StringBuilder("settings:");
      settings.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
      out.append(line).append(System.lineSeparator());
    }
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < row.size(); c++) {
        if (c > 0) {
          line.append("  ");
        }
        String cell = row.get(c);
        line.append(" ".repeat(widths[c] - cell.length())).append(cell);
      }
      out.append(line).append(System.lineSeparator());
    }
    return out.toString();
  }

  private static String fixed(double value, int decimals) {
    return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", value);
  }

  private static String megabytes(long bytes) {
    return bytes < 0 ? "-" : String.format(Locale.ROOT, "%.0f", bytes / (1024.0 * 1024.0));
  }

  // ------------------------------------------------------------------- JSON

  /**
   * The report as pretty-printed JSON; unknown values (NaN, -1 bytes) are {@code null}.
   *
   * @return the JSON text
   */
  public String toJson() {
    JsonObject root = new JsonObject();
    root.addProperty("format", FORMAT);
    root.addProperty("model", model);
    root.addProperty("method", method);
    root.addProperty("device", device);
    root.addProperty("seed", seed);
    JsonObject settingsJson = new JsonObject();
    settings.forEach(settingsJson::addProperty);
    root.add("settings", settingsJson);
    JsonArray epochsJson = new JsonArray();
    for (EpochRecord e : epochs) {
      JsonObject o = new JsonObject();
      o.addProperty("epoch", e.epoch());
      o.addProperty("steps", e.steps());
      o.add("train_loss", number(e.trainLoss()));
      o.add("validation_loss", number(e.validationLoss()));
      o.add("validation_metrics", metricsJson(e.validationMetrics()));
      o.add("learning_rate", number(e.learningRate()));
      o.add("seconds", number(e.seconds()));
      o.add("tokens_per_second", number(e.tokensPerSecond()));
      o.add("peak_heap_bytes", bytes(e.peakHeapBytes()));
      o.add("peak_rss_bytes", bytes(e.peakRssBytes()));
      o.add("peak_gpu_bytes", bytes(e.peakGpuBytes()));
      o.addProperty("trainable_parameters", e.trainableParameters());
      o.addProperty("total_parameters", e.totalParameters());
      epochsJson.add(o);
    }
    root.add("epochs", epochsJson);
    JsonArray extras = new JsonArray();
    for (EvaluationRecord x : extraRows) {
      JsonObject o = new JsonObject();
      o.addProperty("label", x.label());
      o.addProperty("epoch", x.epoch());
      o.add("validation_loss", number(x.validationLoss()));
      o.add("validation_metrics", metricsJson(x.validationMetrics()));
      extras.add(o);
    }
    root.add("extra_rows", extras);
    return GSON.toJson(root);
  }

  /**
   * Reads a report written by {@link #toJson()}.
   *
   * @param json the JSON text
   * @return the report, equal to the one written
   * @throws IllegalArgumentException if the text is not such a report, naming the missing field
   */
  public static TrainingReport fromJson(String json) {
    try {
      JsonObject root = JsonParser.parseString(json).getAsJsonObject();
      int format = required(root, "format").getAsInt();
      if (format != FORMAT) {
        throw new IllegalArgumentException(
            "training report format " + format + " is not supported (expected " + FORMAT + ")");
      }
      Builder builder =
          builder()
              .model(required(root, "model").getAsString())
              .method(required(root, "method").getAsString())
              .device(required(root, "device").getAsString())
              .seed(required(root, "seed").getAsLong());
      for (Map.Entry<String, JsonElement> s : required(root, "settings").getAsJsonObject().entrySet()) {
        builder.setting(s.getKey(), s.getValue().getAsString());
      }
      for (JsonElement element : required(root, "epochs").getAsJsonArray()) {
        JsonObject o = element.getAsJsonObject();
        builder.epoch(
            new EpochRecord(
                required(o, "epoch").getAsInt(),
                required(o, "steps").getAsLong(),
                toDouble(o, "train_loss"),
                toDouble(o, "validation_loss"),
                toMetrics(required(o, "validation_metrics")),
                toDouble(o, "learning_rate"),
                toDouble(o, "seconds"),
                toDouble(o, "tokens_per_second"),
                toBytes(o, "peak_heap_bytes"),
                toBytes(o, "peak_rss_bytes"),
                toBytes(o, "peak_gpu_bytes"),
                required(o, "trainable_parameters").getAsLong(),
                required(o, "total_parameters").getAsLong()));
      }
      JsonElement extras = root.get("extra_rows");
      if (extras != null && !extras.isJsonNull()) {
        for (JsonElement element : extras.getAsJsonArray()) {
          JsonObject o = element.getAsJsonObject();
          builder.extraRow(
              new EvaluationRecord(
                  required(o, "label").getAsString(),
                  required(o, "epoch").getAsInt(),
                  toDouble(o, "validation_loss"),
                  toMetrics(required(o, "validation_metrics"))));
        }
      }
      return builder.build();
    } catch (JsonParseException | IllegalStateException | UnsupportedOperationException e) {
      throw new IllegalArgumentException("not a training report: " + e.getMessage(), e);
    }
  }

  private static JsonElement required(JsonObject object, String name) {
    JsonElement element = object.get(name);
    if (element == null) {
      throw new IllegalArgumentException("training report JSON lacks the field '" + name + "'");
    }
    return element;
  }

  private static JsonElement number(double value) {
    return Double.isFinite(value) ? new com.google.gson.JsonPrimitive(value) : JsonNull.INSTANCE;
  }

  private static JsonElement bytes(long value) {
    return value < 0 ? JsonNull.INSTANCE : new com.google.gson.JsonPrimitive(value);
  }

  private static JsonObject metricsJson(Map<String, Double> metrics) {
    JsonObject o = new JsonObject();
    metrics.forEach((k, v) -> o.add(k, number(v == null ? Double.NaN : v)));
    return o;
  }

  /** An optional number: absent or null means unknown (NaN). */
  private static double toDouble(JsonObject o, String name) {
    JsonElement e = o.get(name);
    return e == null || e.isJsonNull() ? Double.NaN : e.getAsDouble();
  }

  /** An optional byte count: absent or null means unknown (-1). */
  private static long toBytes(JsonObject o, String name) {
    JsonElement e = o.get(name);
    return e == null || e.isJsonNull() ? -1 : e.getAsLong();
  }

  private static Map<String, Double> toMetrics(JsonElement element) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> m : element.getAsJsonObject().entrySet()) {
      metrics.put(m.getKey(), m.getValue().isJsonNull() ? Double.NaN : m.getValue().getAsDouble());
    }
    return metrics;
  }

  // -------------------------------------------------------------------- CSV

  /**
   * The rows as CSV (RFC 4180, {@code \n} line ends): one per epoch ({@code row} = {@code
   * epoch}) and one per extra row ({@code row} = its label); metric columns are prefixed {@code
   * val_}; unknown values are empty.
   *
   * @return the CSV text with a header line
   */
  public String toCsv() {
    List<String> metrics = metricNames();
    List<String> header =
        new ArrayList<>(List.of("row", "epoch", "steps", "train_loss", "validation_loss"));
    metrics.forEach(m -> header.add("val_" + m));
    header.addAll(
        List.of(
            "learning_rate",
            "seconds",
            "tokens_per_second",
            "peak_heap_bytes",
            "peak_rss_bytes",
            "peak_gpu_bytes",
            "trainable_parameters",
            "total_parameters"));
    StringBuilder out = new StringBuilder();
    appendCsvLine(out, header);
    Function<Double, String> cell = v -> v == null || v.isNaN() ? "" : Double.toString(v);
    Function<Long, String> byteCell = v -> v < 0 ? "" : Long.toString(v);
    for (EpochRecord e : epochs) {
      List<String> row = new ArrayList<>();
      row.add("epoch");
      row.add(Integer.toString(e.epoch()));
      row.add(Long.toString(e.steps()));
      row.add(cell.apply(e.trainLoss()));
      row.add(cell.apply(e.validationLoss()));
      metrics.forEach(m -> row.add(cell.apply(e.validationMetrics().get(m))));
      row.add(cell.apply(e.learningRate()));
      row.add(cell.apply(e.seconds()));
      row.add(cell.apply(e.tokensPerSecond()));
      row.add(byteCell.apply(e.peakHeapBytes()));
      row.add(byteCell.apply(e.peakRssBytes()));
      row.add(byteCell.apply(e.peakGpuBytes()));
      row.add(Long.toString(e.trainableParameters()));
      row.add(Long.toString(e.totalParameters()));
      appendCsvLine(out, row);
    }
    for (EvaluationRecord x : extraRows) {
      List<String> row = new ArrayList<>();
      row.add(x.label());
      row.add(Integer.toString(x.epoch()));
      row.add("");
      row.add("");
      row.add(cell.apply(x.validationLoss()));
      metrics.forEach(m -> row.add(cell.apply(x.validationMetrics().get(m))));
      while (row.size() < header.size()) {
        row.add("");
      }
      appendCsvLine(out, row);
    }
    return out.toString();
  }

  private static void appendCsvLine(StringBuilder out, List<String> cells) {
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      String value = cells.get(i);
      if (value.contains(",") || value.contains("\"") || value.contains("\n")) {
        out.append('"').append(value.replace("\"", "\"\"")).append('"');
      } else {
        out.append(value);
      }
    }
    out.append('\n');
  }

  // ------------------------------------------------------------------ files

  /**
   * Writes {@value #JSON_FILE} and {@value #CSV_FILE} into a directory (created if needed), each
   * atomically (a temporary file beside it, then a rename).
   *
   * @param directory the directory
   * @throws IOException if writing fails; earlier files of the same name are then left intact
   */
  public void save(Path directory) throws IOException {
    Files.createDirectories(directory);
    writeAtomically(directory.resolve(JSON_FILE), toJson());
    writeAtomically(directory.resolve(CSV_FILE), toCsv());
  }

  /**
   * Reads the {@value #JSON_FILE} that {@link #save(Path)} wrote.
   *
   * @param directory the directory
   * @return the report
   * @throws IOException if the file cannot be read
   */
  public static TrainingReport load(Path directory) throws IOException {
    Path file = directory.resolve(JSON_FILE);
    try {
      return fromJson(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }

  private static void writeAtomically(Path target, String text) throws IOException {
    Path absolute = target.toAbsolutePath();
    Path temp = Files.createTempFile(absolute.getParent(), absolute.getFileName() + ".", ".tmp");
    try {
      Files.writeString(temp, text, StandardCharsets.UTF_8);
      Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Mutable builder of a {@link TrainingReport}; see {@link TrainingReport#builder()}. */
  public static final class Builder {
    private String model = "";
    private String method = "";
    private String device = "";
    private long seed;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private final List<EpochRecord> epochs = new ArrayList<>();
    private final List<EvaluationRecord> extraRows = new ArrayList<>();

    private Builder() {}

    /**
     * Sets the model's name.
     *
     * @param value the name
     * @return this builder
     */
    public Builder model(String value) {
      model = value;
      return this;
    }

    /**
     * Sets the fine-tuning method.
     *
     * @param value the method, e.g. {@code full}
     * @return this builder
     */
    public Builder method(String value) {
      method = value;
      return this;
    }

    /**
     * Sets the device.
     *
     * @param value the device, e.g. {@code cpu()}
     * @return this builder
     */
    public Builder device(String value) {
      device = value;
      return this;
    }

    /**
     * Sets the seed.
     *
     * @param value the seed
     * @return this builder
     */
    public Builder seed(long value) {
      seed = value;
      return this;
    }

    /**
     * Adds or replaces one setting.
     *
     * @param key the setting's name
     * @param value its value as text
     * @return this builder
     */
    public Builder setting(String key, Object value) {
      settings.put(Objects.requireNonNull(key, "key"), String.valueOf(value));
      return this;
    }

    /**
     * Appends an epoch's record.
     *
     * @param record the record
     * @return this builder
     */
    public Builder epoch(EpochRecord record) {
      epochs.add(Objects.requireNonNull(record, "record"));
      return this;
    }

    /**
     * Appends an extra evaluation row.
     *
     * @param record the row
     * @return this builder
     */
    public Builder extraRow(EvaluationRecord record) {
      extraRows.add(Objects.requireNonNull(record, "record"));
      return this;
    }

    /**
     * Builds the immutable report.
     *
     * @return the report
     */
    public TrainingReport build() {
      return new TrainingReport(model, method, settings, device, seed, epochs, extraRows);
    }
  }
}
