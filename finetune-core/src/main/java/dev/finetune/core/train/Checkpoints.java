package dev.finetune.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
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
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resume checkpoint of a run: every parameter's values, which ones train, the optimizer's
 * state, the position (epoch, next batch, global step) and the report so far, in
 * {@code <dir>/last/}. A save is written to a fresh folder, synced, then swapped in by renames, so
 * a crash at any moment leaves either the previous checkpoint or the new one, never a broken one.
 * Data order and dropout are functions of (seed, epoch, step), so restoring the position restores
 * them too.
 */
final class Checkpoints {

  private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);
  private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().create();
  static final String LAST = "last";
  private static final String OLD = ".last-old";
  private static final String WEIGHTS = "weights.ndlist";
  private static final String OPTIMIZER = "optimizer.bin";
  private static final String STATE = "state.json";
  private static final int FORMAT = 1;

  private final Path directory;

  Checkpoints(Path directory) {
    this.directory = directory.toAbsolutePath();
  }

  Path directory() {
    return directory;
  }

  void save(TrainingRun run) {
    try {
      Files.createDirectories(directory);
      Path tmp = Files.createTempDirectory(directory, ".last-tmp-");
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
      state.addProperty("seed", run.config().seed());
      state.add("names", GSON.toJsonTree(names));
      state.add("trainable", GSON.toJsonTree(trainable));
      state.add("metrics", GSON.toJsonTree(run.latestMetrics()));
      state.addProperty("report", run.reportBuilder().build().toJson());
      Files.writeString(tmp.resolve(STATE), GSON.toJson(state), StandardCharsets.UTF_8);
      for (String file : List.of(WEIGHTS, OPTIMIZER, STATE)) {
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
      deleteRecursively(old);
      LOG.debug("checkpoint saved at epoch {} batch {} step {}", run.epoch(), run.nextBatch(),
          run.globalStep());
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the checkpoint in " + directory
          + " (check free space and permissions): " + e.getMessage(), e);
    }
  }

  /** Restores the run from the last complete checkpoint; false when there is none. */
  boolean restore(TrainingRun run) {
    Path source = directory.resolve(LAST);
    if (!Files.isRegularFile(source.resolve(STATE))) {
      source = directory.resolve(OLD);
      if (!Files.isRegularFile(source.resolve(STATE))) {
        return false;
      }
    }
    try {
      JsonObject state =
          GSON.fromJson(Files.readString(source.resolve(STATE), StandardCharsets.UTF_8), JsonObject.class);
      int format = state.get("format").getAsInt();
      if (format != FORMAT) {
        throw new IllegalStateException("checkpoint " + source + " has format " + format
            + ", this version reads " + FORMAT + "; delete it or resume with the version that wrote it");
      }
      long seed = state.get("seed").getAsLong();
      if (seed != run.config().seed()) {
        throw new IllegalStateException("checkpoint " + source + " was written by a run with seed "
            + seed + " but this run has seed " + run.config().seed()
            + "; resume with the same seed, or use another checkpoint directory");
      }
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
          state.get("global_step").getAsLong(), metrics);
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the checkpoint " + source + ": " + e.getMessage()
          + " (delete the folder to start afresh)", e);
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
