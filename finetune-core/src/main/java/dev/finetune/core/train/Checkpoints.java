package dev.finetune.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.finetune.core.optim.NoGradScope;
import dev.finetune.core.params.ModelParameter;
import dev.finetune.core.report.EpochRecord;
import dev.finetune.core.report.EvaluationRecord;
import dev.finetune.core.report.TrainingReport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resume checkpoint of a run, in {@code <dir>/last/}: every parameter's values, which ones
 * train, the optimizer's state, the position (epoch, next batch, global step), the current epoch's
 * training loss so far (so a mid-epoch resume reports the whole epoch's loss), the latest metrics,
 * the report so far, and the state of every {@link StatefulListener} (scalars in
 * {@code state.json}, tensors in {@code listeners.ndlist}; for the built-in callbacks: the SWA and
 * EMA running averages, EarlyStopping's best value and patience count, BestCheckpoint's best
 * value, whether a Freezing is in force). A save is written to a fresh folder, synced, then
 * swapped in by renames, so a crash at any moment leaves either the previous checkpoint or the new
 * one, never a broken one. Data order and dropout are functions of (seed, epoch, step), so
 * restoring the position restores them too.
 *
 * <p>Not saved: a schedule override (SWA sets it again from the position at the next step) and
 * what stateless callbacks derive from the position (GradualUnfreezing; the trainable flags
 * themselves are saved). Format 1 checkpoints (written before listener state was saved) are
 * read when the run has no stateful listener; otherwise resuming fails, naming the callbacks.
 *
 * <p>A run holds its folder exclusively ({@link #open()}: a {@code .lock} file with its pid and
 * host), checks that it can write there before its first step, and removes the temporary folder
 * of a failed save at once and those of a killed one at the next start.
 */
final class Checkpoints {

  private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);
  private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().create();
  static final String LAST = "last";
  private static final String OLD = ".last-old";
  private static final String TMP_PREFIX = ".last-tmp-";
  /** The lock file of a folder in use: the owner's pid, host and start time. */
  static final String LOCK = ".lock";
  private static final String WEIGHTS = "weights.ndlist";
  private static final String OPTIMIZER = "optimizer.bin";
  private static final String STATE = "state.json";
  /** The state.json key of fp16's loss-scaler state. */
  private static final String LOSS_SCALER = "loss_scaler";
  private static final String LISTENER_TENSORS = "listeners.ndlist";
  private static final String FINGERPRINT = "fingerprint";
  /** The SHA-256 of every other file of a checkpoint, written last; verified before a restore. */
  static final String CHECKSUMS = "checksums.sha256";
  private static final int FORMAT = 2;
  /** The format before listener state was saved: read as a checkpoint without listener state. */
  private static final int FORMAT_WITHOUT_LISTENERS = 1;

  private final Path directory;

  Checkpoints(Path directory) {
    this.directory = directory.toAbsolutePath();
  }

  Path directory() {
    return directory;
  }

  /**
   * Takes the folder for this run before its first step: creates it, takes its lock file (a stale
   * lock, whose process on this host is gone, is taken over with a warning; a live one fails
   * naming its owner), checks that a file can be written there, and removes temporary folders a
   * failed or killed save left behind.
   *
   * @return the lock; closing it releases the folder
   */
  Lock open() {
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw notWritable(e);
    }
    Path lockFile = directory.resolve(LOCK);
    Lock lock = null;
    for (int attempt = 0; lock == null; attempt++) {
      try {
        Files.writeString(lockFile, Owner.current().toText(), StandardCharsets.UTF_8,
            StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        lock = new Lock(lockFile);
      } catch (FileAlreadyExistsException e) {
        Owner owner = Owner.read(lockFile);
        if (attempt > 0 || owner == null || !owner.isStale()) {
          throw new IllegalStateException("checkpoint folder " + directory + " is in use by "
              + (owner == null ? "an unknown run (unreadable " + LOCK + ")" : owner)
              + "; wait for that run to end, or use another checkpoint folder"
              + " (delete " + lockFile + " only if no run uses the folder)");
        }
        LOG.warn("taking over the stale lock of {} in {}: that process is gone", owner, directory);
        try {
          Files.deleteIfExists(lockFile);
        } catch (IOException deleteFailed) {
          throw notWritable(deleteFailed);
        }
      } catch (IOException e) {
        throw notWritable(e);
      }
    }
    try {
      Path probe = Files.createTempFile(directory, ".write-probe-", ".tmp");
      Files.delete(probe);
      removeTemporaryFolders();
      return lock;
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e instanceof IOException io ? notWritable(io) : (RuntimeException) e;
    }
  }

  private UncheckedIOException notWritable(IOException e) {
    return new UncheckedIOException("checkpoint folder " + directory + " cannot be written ("
        + e.getClass().getSimpleName() + ": " + e.getMessage()
        + "); fix its permissions or free space, or choose another checkpoint folder", e);
  }

  private void removeTemporaryFolders() throws IOException {
    List<Path> leftovers;
    try (Stream<Path> files = Files.list(directory)) {
      leftovers = files.filter(f -> f.getFileName().toString().startsWith(TMP_PREFIX)).toList();
    }
    for (Path leftover : leftovers) {
      deleteRecursively(leftover);
    }
    if (!leftovers.isEmpty()) {
      LOG.info("removed {} temporary folder(s) a failed or interrupted save left in {}",
          leftovers.size(), directory);
    }
  }

  /** The lock of a checkpoint folder, held while a run uses it. */
  static final class Lock implements AutoCloseable {
    private final Path file;

    private Lock(Path file) {
      this.file = file;
    }

    @Override
    public void close() {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        LOG.warn("could not remove the lock {}: {}", file, e.getMessage());
      }
    }
  }

  /** Who holds a lock: process id, host and when it took the lock. */
  record Owner(long pid, String host, Instant started) {

    static Owner current() {
      return new Owner(ProcessHandle.current().pid(), hostName(), Instant.now());
    }

    String toText() {
      return "pid=" + pid + "\nhost=" + host + "\nstarted=" + started + "\n";
    }

    /** The owner written in a lock file, or null when it cannot be read. */
    static Owner read(Path file) {
      try {
        Map<String, String> fields = new HashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          int eq = line.indexOf('=');
          if (eq > 0) {
            fields.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
          }
        }
        return new Owner(Long.parseLong(fields.get("pid")), Objects.requireNonNull(fields.get("host")),
            Instant.parse(fields.get("started")));
      } catch (IOException | RuntimeException e) {
        return null;
      }
    }

    /**
     * True when the owner ran on this host and its process is gone (or the pid now belongs to a
     * process started after the lock was taken).
     */
    boolean isStale() {
      if (!host.equals(hostName())) {
        return false;
      }
      Optional<ProcessHandle> process = ProcessHandle.of(pid);
      if (process.isEmpty() || !process.get().isAlive()) {
        return true;
      }
      Optional<Instant> processStart = process.get().info().startInstant();
      return processStart.isPresent() && processStart.get().isAfter(started.plusSeconds(1));
    }

    @Override
    public String toString() {
      return "pid " + pid + " on host " + host + " (since " + started + ")";
    }
  }

  /** This machine's name, as written in lock files (looked up once: it may ask DNS). */
  static String hostName() {
    return Host.NAME;
  }

  private static final class Host {
    private static final String NAME = lookUp();

    private static String lookUp() {
      try {
        return InetAddress.getLocalHost().getHostName();
      } catch (IOException e) {
        String env = System.getenv("HOSTNAME");
        return env != null ? env : "localhost";
      }
    }
  }

  void save(TrainingRun run) {
    Path tmp = null;
    try {
      Files.createDirectories(directory);
      tmp = Files.createTempDirectory(directory, TMP_PREFIX);
      List<ModelParameter> all = run.parameters().all();
      NDList weights = new NDList(all.size());
      List<String> names = new ArrayList<>(all.size());
      List<String> trainable = new ArrayList<>();
      for (ModelParameter p : all) {
        weights.add(p.parameter().getArray());
        names.add(p.hfName());
        if (p.isTrainable()) {
          trainable.add(p.hfName());
        }
      }
      try (OutputStream out = Files.newOutputStream(tmp.resolve(WEIGHTS))) {
        weights.encode(out);
      }
      try (OutputStream out = Files.newOutputStream(tmp.resolve(OPTIMIZER))) {
        run.optimizer().saveState(out);
      }
      JsonObject state = new JsonObject();
      state.addProperty("format", FORMAT);
      state.addProperty("epoch", run.epoch());
      state.addProperty("next_batch", run.nextBatch());
      state.addProperty("global_step", run.globalStep());
      state.addProperty("epoch_loss_sum", run.epochLossSum());
      state.addProperty("epoch_examples", run.epochExamples());
      state.addProperty("seed", run.config().seed());
      state.add(FINGERPRINT, GSON.toJsonTree(run.fingerprint().entries()));
      state.add("names", GSON.toJsonTree(names));
      state.add("trainable", GSON.toJsonTree(trainable));
      state.add("metrics", GSON.toJsonTree(run.latestMetrics()));
      if (run.lossScaler() != null) {
        JsonObject scaler = new JsonObject();
        scaler.addProperty("scale", run.lossScaler().scale());
        scaler.addProperty("good_steps", run.lossScaler().goodSteps());
        scaler.addProperty("skipped_steps", run.lossScaler().skippedSteps());
        state.add(LOSS_SCALER, scaler);
      }
      state.addProperty("report", run.reportBuilder().build().toJson());
      List<String> files = new ArrayList<>(List.of(WEIGHTS, OPTIMIZER, STATE));
      NDList listenerTensors = saveListeners(run, state);
      if (!listenerTensors.isEmpty()) {
        try (OutputStream out = Files.newOutputStream(tmp.resolve(LISTENER_TENSORS))) {
          listenerTensors.encode(out);
        }
        files.add(LISTENER_TENSORS);
      }
      Files.writeString(tmp.resolve(STATE), GSON.toJson(state), StandardCharsets.UTF_8);
      StringBuilder manifest = new StringBuilder();
      for (String file : files) {
        manifest.append(sha256(tmp.resolve(file))).append("  ").append(file).append('\n');
      }
      Files.writeString(tmp.resolve(CHECKSUMS), manifest, StandardCharsets.UTF_8);
      files.add(CHECKSUMS);
      for (String file : files) {
        try (FileChannel channel = FileChannel.open(tmp.resolve(file), StandardOpenOption.WRITE)) {
          channel.force(true);
        }
      }
      Path last = directory.resolve(LAST);
      Path old = directory.resolve(OLD);
      deleteRecursively(old);
      if (Files.exists(last)) {
        Files.move(last, old, StandardCopyOption.ATOMIC_MOVE);
      }
      Files.move(tmp, last, StandardCopyOption.ATOMIC_MOVE);
      tmp = null;
      deleteRecursively(old);
      LOG.debug("checkpoint saved at epoch {} batch {} step {}", run.epoch(), run.nextBatch(),
          run.globalStep());
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the checkpoint in " + directory
          + " (check free space and permissions): " + e.getMessage(), e);
    } finally {
      if (tmp != null) {
        try {
          deleteRecursively(tmp);
        } catch (IOException e) {
          LOG.warn("could not remove the temporary folder {} of a failed save: {}", tmp,
              e.getMessage());
        }
      }
    }
  }

  /** Restores the run from the last complete checkpoint; false when there is none. */
  boolean restore(TrainingRun run) {
    Path source = null;
    IllegalStateException corrupt = null;
    for (Path candidate : List.of(directory.resolve(LAST), directory.resolve(OLD))) {
      if (!Files.isRegularFile(candidate.resolve(STATE))) {
        continue;
      }
      try {
        verifyChecksums(candidate);
        source = candidate;
        break;
      } catch (IllegalStateException e) {
        if (corrupt == null) {
          corrupt = e;
        }
        LOG.error(e.getMessage());
      }
    }
    if (source == null) {
      if (corrupt != null) {
        throw corrupt;
      }
      return false;
    }
    if (corrupt != null) {
      LOG.warn("resuming from the previous checkpoint {} instead", source);
    }
    try {
      JsonObject state = readState(source.resolve(STATE));
      int format = state.get("format").getAsInt();
      if (format != FORMAT && format != FORMAT_WITHOUT_LISTENERS) {
        throw new IllegalStateException("checkpoint " + source + " has format " + format
            + ", this version reads " + FORMAT_WITHOUT_LISTENERS + " and " + FORMAT
            + "; delete it or resume with the version that wrote it");
      }
      checkFingerprint(source, state, run);
      long seed = state.get("seed").getAsLong();
      if (seed != run.config().seed()) {
        throw new IllegalStateException("checkpoint " + source + " was written by a run with seed "
            + seed + " but this run has seed " + run.config().seed()
            + "; resume with the same seed, or use another checkpoint directory");
      }
      Map<String, StatefulListener> stateful = keyed(run.listeners());
      JsonArray listenerStates =
          state.has("listeners") ? state.getAsJsonArray("listeners") : new JsonArray();
      checkListenerKeys(source, format, stateful.keySet(), listenerStates);
      List<String> names = List.of(GSON.fromJson(state.get("names"), String[].class));
      Set<String> trainable = new HashSet<>(List.of(GSON.fromJson(state.get("trainable"), String[].class)));
      restoreWeights(run, source.resolve(WEIGHTS), names, trainable);
      try (InputStream in = Files.newInputStream(source.resolve(OPTIMIZER))) {
        run.optimizer().loadState(in);
      }
      Map<String, Double> metrics = new LinkedHashMap<>();
      state.getAsJsonObject("metrics").entrySet().forEach(e -> metrics.put(e.getKey(), e.getValue().getAsDouble()));
      TrainingReport soFar = TrainingReport.fromJson(state.get("report").getAsString());
      for (EpochRecord record : soFar.epochs()) {
        run.reportBuilder().epoch(record);
      }
      for (EvaluationRecord record : soFar.extraRows()) {
        run.reportBuilder().extraRow(record);
      }
      run.restorePosition(state.get("epoch").getAsInt(), state.get("next_batch").getAsInt(),
          state.get("global_step").getAsLong(), metrics,
          state.has("epoch_loss_sum") ? state.get("epoch_loss_sum").getAsDouble() : 0,
          state.has("epoch_examples") ? state.get("epoch_examples").getAsLong() : 0);
      restoreLossScaler(run, source, state);
      restoreListeners(run, source, stateful, listenerStates);
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the checkpoint " + source + ": " + e.getMessage()
          + " (delete the folder to start afresh)", e);
    }
  }

  /**
   * Puts fp16's loss-scaler state back; a checkpoint of another precision has none, and the scaler
   * then starts afresh (resuming with another precision must be allowed: the setting is
   * {@code ALLOWABLE}).
   */
  private static void restoreLossScaler(TrainingRun run, Path source, JsonObject state) {
    if (run.lossScaler() == null || !state.has(LOSS_SCALER)) {
      return;
    }
    try {
      JsonObject saved = state.getAsJsonObject(LOSS_SCALER);
      run.lossScaler().restore(saved.get("scale").getAsDouble(),
          saved.get("good_steps").getAsInt(), saved.get("skipped_steps").getAsLong());
    } catch (RuntimeException e) {
      throw damaged(source.resolve(STATE), "'" + LOSS_SCALER + "' is not a loss scaler's state ("
          + e.getMessage() + ")");
    }
  }

  /**
   * Reads a checkpoint's {@code state.json} and checks its shape before anything is restored: every
   * field the restore reads is present with its JSON type and range, and the report parses.
   *
   * @param file the state file
   * @return the state
   * @throws IllegalStateException naming the file and the field when it is damaged
   * @throws IOException when it cannot be read
   */
  static JsonObject readState(Path file) throws IOException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (java.nio.charset.CharacterCodingException e) {
      throw damaged(file, "it is not UTF-8 text");
    }
    JsonObject state;
    try {
      JsonElement root = com.google.gson.JsonParser.parseString(text);
      if (!root.isJsonObject()) {
        throw damaged(file, "it is not a JSON object");
      }
      state = root.getAsJsonObject();
    } catch (com.google.gson.JsonParseException | StackOverflowError e) {
      throw damaged(file, "it is not valid JSON (" + e.getClass().getSimpleName() + ")");
    }
    for (String key : List.of("format", "epoch", "next_batch", "global_step")) {
      long v = whole(file, state, key, true);
      if (v < 0 || v > Integer.MAX_VALUE && !key.equals("global_step")) {
        throw damaged(file, "'" + key + "' is out of range: " + v);
      }
    }
    whole(file, state, "seed", true);
    whole(file, state, "epoch_examples", false);
    if (state.has("epoch_loss_sum") && !isNumber(state.get("epoch_loss_sum"))) {
      throw damaged(file, "'epoch_loss_sum' must be a number");
    }
    for (String key : List.of("names", "trainable")) {
      if (!state.has(key) || !state.get(key).isJsonArray()) {
        throw damaged(file, "'" + key + "' must be an array of parameter names");
      }
      for (JsonElement e : state.getAsJsonArray(key)) {
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
          throw damaged(file, "'" + key + "' must hold only names, found " + e);
        }
      }
    }
    if (!state.has("metrics") || !state.get("metrics").isJsonObject()) {
      throw damaged(file, "'metrics' must be an object of numbers");
    }
    for (Map.Entry<String, JsonElement> e : state.getAsJsonObject("metrics").entrySet()) {
      if (!isNumber(e.getValue())) {
        throw damaged(file, "metric '" + e.getKey() + "' must be a number");
      }
    }
    if (!state.has("report") || !state.get("report").isJsonPrimitive()
        || !state.getAsJsonPrimitive("report").isString()) {
      throw damaged(file, "'report' must be the report's JSON text");
    }
    try {
      TrainingReport.fromJson(state.get("report").getAsString());
    } catch (RuntimeException | StackOverflowError e) {
      throw damaged(file, "its report does not parse: " + e.getMessage());
    }
    if (state.has("listeners")) {
      if (!state.get("listeners").isJsonArray()) {
        throw damaged(file, "'listeners' must be an array");
      }
      for (JsonElement e : state.getAsJsonArray("listeners")) {
        if (!e.isJsonObject() || !e.getAsJsonObject().has("key")
            || !e.getAsJsonObject().get("key").isJsonPrimitive()
            || !e.getAsJsonObject().has("values") || !e.getAsJsonObject().get("values").isJsonObject()
            || whole(file, e.getAsJsonObject(), "tensors", true) < 0) {
          throw damaged(file, "each entry of 'listeners' must be {key, values, tensors}, found " + e);
        }
      }
    }
    if (state.has(FINGERPRINT)) {
      if (!state.get(FINGERPRINT).isJsonObject()) {
        throw damaged(file, "'" + FINGERPRINT + "' must be an object");
      }
      for (Map.Entry<String, JsonElement> e : state.getAsJsonObject(FINGERPRINT).entrySet()) {
        if (!e.getValue().isJsonPrimitive()) {
          throw damaged(file, "fingerprint entry '" + e.getKey() + "' must be text");
        }
      }
    }
    return state;
  }

  private static boolean isNumber(JsonElement e) {
    return e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber();
  }

  /** A whole-number field's value (0 when optional and absent). */
  private static long whole(Path file, JsonObject o, String key, boolean required) {
    if (!o.has(key)) {
      if (required) {
        throw damaged(file, "'" + key + "' is missing");
      }
      return 0;
    }
    JsonElement e = o.get(key);
    if (isNumber(e)) {
      String text = e.getAsString();
      try {
        return Long.parseLong(text);
      } catch (NumberFormatException notPlain) {
        double v = Double.parseDouble(text); // gson checked the number's syntax
        if (v == Math.rint(v) && Math.abs(v) < 9e15) {
          return (long) v;
        }
      }
    }
    throw damaged(file, "'" + key + "' must be a whole number, got " + e);
  }

  private static IllegalStateException damaged(Path file, String why) {
    return new IllegalStateException("checkpoint file " + file + " is damaged: " + why
        + "; delete " + file.getParent() + " to start afresh");
  }

  /**
   * Checks every file of a checkpoint against its {@code checksums.sha256}; a checkpoint written
   * before checksums were kept is read with a warning.
   *
   * @throws IllegalStateException naming the corrupt or missing file
   */
  static void verifyChecksums(Path source) {
    Path manifest = source.resolve(CHECKSUMS);
    if (!Files.isRegularFile(manifest)) {
      LOG.warn("checkpoint {} has no {} (written by an earlier version): its files are not verified",
          source, CHECKSUMS);
      return;
    }
    try {
      for (String line : Files.readAllLines(manifest, StandardCharsets.UTF_8)) {
        if (line.isBlank()) {
          continue;
        }
        int space = line.indexOf("  ");
        if (space != 64 || line.substring(space + 2).contains("/")) {
          throw corrupt(manifest, "its line '" + line + "' is not '<sha-256 hex>  <file name>'");
        }
        Path file = source.resolve(line.substring(space + 2));
        if (!Files.isRegularFile(file)) {
          throw corrupt(file, "the file is missing");
        }
        String actual = sha256(file);
        if (!actual.equals(line.substring(0, space))) {
          throw corrupt(file, "its SHA-256 is " + actual + " but " + CHECKSUMS + " records "
              + line.substring(0, space) + " (a changed or damaged byte)");
        }
      }
    } catch (IOException e) {
      throw corrupt(manifest, "it cannot be read: " + e.getMessage());
    }
  }

  private static IllegalStateException corrupt(Path file, String why) {
    return new IllegalStateException("checkpoint file " + file + " is corrupt: " + why
        + "; the checkpoint cannot be resumed. Delete " + file.getParent()
        + " to start afresh (no earlier checkpoint is kept)");
  }

  private static String sha256(Path file) throws IOException {
    java.security.MessageDigest digest;
    try {
      digest = java.security.MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        digest.update(buffer, 0, n);
      }
    }
    return java.util.HexFormat.of().formatHex(digest.digest());
  }

  /**
   * Refuses a resume whose settings, methods, model or data differ from the checkpoint's, naming
   * each difference, unless the user allowed them; a checkpoint written before fingerprints were
   * saved is resumed with a warning.
   */
  private static void checkFingerprint(Path source, JsonObject state, TrainingRun run) {
    if (!state.has(FINGERPRINT)) {
      LOG.warn("checkpoint {} was written before checkpoints recorded their run's settings: resuming"
          + " without checking that settings, methods, model and data are the same", source);
      return;
    }
    Map<String, String> entries = new LinkedHashMap<>();
    state.getAsJsonObject(FINGERPRINT).entrySet()
        .forEach(e -> entries.put(e.getKey(), e.getValue().getAsString()));
    RunFingerprint saved = RunFingerprint.of(entries);
    Set<String> allowed = run.config().resumeAllowed();
    List<String> refused = run.fingerprint().refused(saved, allowed);
    if (!refused.isEmpty()) {
      throw new IllegalStateException("checkpoint " + source + " was written by another run; "
          + String.join("; ", refused) + ". Resume with the checkpoint's settings, start afresh with"
          + " another checkpoint folder, or (for " + RunFingerprint.allowable() + " only) accept the"
          + " change: FineTune.resumeAllowing(name) / --resume-allow name");
    }
    List<String> changes = run.fingerprint().allowedChanges(saved, allowed);
    if (!changes.isEmpty()) {
      LOG.warn("resuming {} with the changes you allowed: {}", source, String.join("; ", changes));
    }
  }

  private static void restoreWeights(TrainingRun run, Path file, List<String> names, Set<String> trainable)
      throws IOException {
    Map<String, ModelParameter> byName = new LinkedHashMap<>();
    run.parameters().all().forEach(p -> byName.put(p.hfName(), p));
    if (!byName.keySet().equals(new HashSet<>(names))) {
      Set<String> missing = new HashSet<>(byName.keySet());
      missing.removeAll(names);
      Set<String> unexpected = new HashSet<>(names);
      unexpected.removeAll(byName.keySet());
      throw new IllegalStateException("checkpoint " + file.getParent() + " does not fit this model:"
          + " missing " + missing + ", unexpected " + unexpected
          + ". Resume with the same model and PEFT setup, or use another checkpoint directory");
    }
    try (NDManager scratch = run.model().manager().newSubManager();
        InputStream in = Files.newInputStream(file);
        NoGradScope ignored = NoGradScope.enter()) {
      NDList values = NDList.decode(scratch, in);
      for (int i = 0; i < names.size(); i++) {
        ModelParameter p = byName.get(names.get(i));
        NDArray target = p.parameter().getArray();
        NDArray value = values.get(i);
        if (!target.getShape().equals(value.getShape())) {
          throw new IllegalStateException("checkpoint tensor " + names.get(i) + " has shape "
              + value.getShape() + " but the model's is " + target.getShape());
        }
        target.set(new NDIndex(":"), value); // in-place copy into the live tensor
      }
    }
    run.parameters().all().forEach(p -> {
      if (trainable.contains(p.hfName())) {
        run.parameters().unfreeze(a -> a.name().equals(p.hfName()));
      } else {
        run.parameters().freeze(a -> a.name().equals(p.hfName()));
      }
    });
  }

  /**
   * The run's stateful listeners by checkpoint key: {@link StatefulListener#stateKey()}, with
   * {@code #2}, {@code #3}, ... for repeats in listener order.
   */
  static Map<String, StatefulListener> keyed(List<TrainingListener> listeners) {
    Map<String, StatefulListener> out = new LinkedHashMap<>();
    Map<String, Integer> seen = new HashMap<>();
    for (TrainingListener listener : listeners) {
      if (listener instanceof StatefulListener stateful) {
        String key = stateful.stateKey();
        if (key == null || key.isBlank()) {
          throw new IllegalStateException("callback " + listener + " (" + listener.getClass().getName()
              + ") returns a blank stateKey(); return a stable non-blank name");
        }
        int n = seen.merge(key, 1, Integer::sum);
        out.put(n == 1 ? key : key + "#" + n, stateful);
      }
    }
    return out;
  }

  /** Adds each stateful listener's scalars to {@code state}; returns their tensors in order. */
  private static NDList saveListeners(TrainingRun run, JsonObject state) {
    JsonArray entries = new JsonArray();
    NDList tensors = new NDList();
    for (Map.Entry<String, StatefulListener> e : keyed(run.listeners()).entrySet()) {
      ListenerState saved = e.getValue().saveState(run);
      if (saved == null) {
        throw new IllegalStateException("callback " + e.getValue() + " returned no state (null) for"
            + " key '" + e.getKey() + "'; return ListenerState.builder().build() when it has none");
      }
      JsonObject entry = new JsonObject();
      entry.addProperty("key", e.getKey());
      entry.add("values", saved.values());
      entry.addProperty("tensors", saved.tensors().size());
      entries.add(entry);
      tensors.addAll(saved.tensors());
    }
    state.add("listeners", entries);
    return tensors;
  }

  private static void checkListenerKeys(Path source, int format, Set<String> runKeys,
      JsonArray saved) {
    Set<String> savedKeys = new LinkedHashSet<>();
    saved.forEach(e -> savedKeys.add(e.getAsJsonObject().get("key").getAsString()));
    if (savedKeys.equals(runKeys)) {
      return;
    }
    Set<String> orphaned = new LinkedHashSet<>(savedKeys);
    orphaned.removeAll(runKeys);
    Set<String> stateless = new LinkedHashSet<>(runKeys);
    stateless.removeAll(savedKeys);
    StringBuilder message = new StringBuilder("checkpoint " + source
        + " does not fit this run's callbacks:");
    if (!orphaned.isEmpty()) {
      message.append(" it holds state for ").append(orphaned)
          .append(" but no callback of this run has that key;");
    }
    if (!stateless.isEmpty()) {
      message.append(" it has no state for this run's callbacks ").append(stateless)
          .append(format == FORMAT_WITHOUT_LISTENERS
              ? " (it has format 1, written before callback state was saved);"
              : " (they were not in the run that wrote it);");
    }
    throw new IllegalStateException(message
        .append(" resuming would drop or restart their state (an average, a patience count), so the"
            + " run would differ from an uninterrupted one. Resume with the same stateful callbacks"
            + " (StatefulListener.stateKey()), or start afresh with another checkpoint directory")
        .toString());
  }

  private static void restoreListeners(TrainingRun run, Path source,
      Map<String, StatefulListener> stateful, JsonArray saved) throws IOException {
    if (saved.isEmpty()) {
      return;
    }
    int total = 0;
    for (JsonElement e : saved) {
      total += e.getAsJsonObject().get("tensors").getAsInt();
    }
    try (NDManager scratch = run.model().manager().newSubManager()) {
      NDList tensors = new NDList();
      if (total > 0) {
        try (InputStream in = Files.newInputStream(source.resolve(LISTENER_TENSORS))) {
          tensors = NDList.decode(scratch, in);
        }
        if (tensors.size() != total) {
          throw new IllegalStateException("checkpoint " + source + ": " + LISTENER_TENSORS + " holds "
              + tensors.size() + " tensors but state.json lists " + total
              + "; the checkpoint is damaged, delete it to start afresh");
        }
      }
      int next = 0;
      for (JsonElement e : saved) {
        JsonObject entry = e.getAsJsonObject();
        int count = entry.get("tensors").getAsInt();
        ListenerState state =
            ListenerState.of(entry.getAsJsonObject("values"), tensors.subList(next, next + count));
        next += count;
        stateful.get(entry.get("key").getAsString()).restoreState(run, state);
      }
    }
  }

  private static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
