package dev.finetune.core.train;

import dev.finetune.core.data.TextDataset;
import dev.finetune.core.data.TextExample;
import dev.finetune.core.data.tokens.TokenDataset;
import dev.finetune.core.data.tokens.TokenExample;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.params.ModelParameter;
import dev.finetune.schedules.ParameterRole;
import dev.finetune.core.train.Setting.OnResume;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * What a resume checkpoint was written by: every value that changes the run, as text by name,
 * stored in the checkpoint's {@code state.json} and compared before a resumed run takes a step.
 * The entries are every setting of {@link TrainingSettings} (by its name; those whose rule is
 * {@link OnResume#NO_EFFECT} left out), then the entries of {@link #OTHERS}: optimizer, LR policy,
 * schedule, weight decay, loss, the applied fine-tuning methods with their configuration, the
 * head (problem type and classes), the model (name and source), a CRC-32C of the base weights
 * (every parameter but the head's and the methods' own, before training) and the identity of the
 * training and validation data (name, which records the sample taken, size, and a CRC-32C of every
 * example's texts and labels: a file edited, another split or another sample differs). Stateful
 * callbacks are checked by their state keys when the state is restored.
 *
 * <pre>{@code
 * RunFingerprint now = RunFingerprint.of(model, config, train, validation);
 * List<String> refused = now.compare(saved, Set.of("epochs")); // "learningRate: checkpoint 5e-05, now 1e-04"
 * }</pre>
 */
final class RunFingerprint {

  /**
   * The entries that are not settings, with their resume rule: the optimizer's hyperparameters,
   * the LR policy, schedule, weight decay, loss and the validation data act only on what comes
   * next (the optimizer's kind is checked when its state loads); the methods, head, model, base
   * weights and training data decide what the saved weights, flags and position mean.
   */
  static final Map<String, OnResume> OTHERS = othersTable();

  private final Map<String, String> entries;

  private RunFingerprint(Map<String, String> entries) {
    this.entries = entries;
  }

  private static Map<String, OnResume> othersTable() {
    Map<String, OnResume> t = new LinkedHashMap<>();
    t.put("optimizer", OnResume.ALLOWABLE);
    t.put("lrPolicy", OnResume.ALLOWABLE);
    t.put("schedule", OnResume.ALLOWABLE);
    t.put("weightDecay", OnResume.ALLOWABLE);
    t.put("loss", OnResume.ALLOWABLE);
    t.put("methods", OnResume.FIXED);
    t.put("head", OnResume.FIXED);
    t.put("model", OnResume.FIXED);
    t.put("baseWeights", OnResume.FIXED);
    t.put("trainData", OnResume.FIXED);
    t.put("validationData", OnResume.ALLOWABLE);
    return java.util.Collections.unmodifiableMap(t);
  }

  /**
   * The fingerprint of a run about to start (call before any checkpoint is restored).
   *
   * @param model the model, with its methods applied
   * @param config the run's configuration
   * @param train the training set
   * @param validation the validation set, or null
   * @return the fingerprint
   */
  static RunFingerprint of(SequenceClassifier model, TrainingConfig config, RunData train,
      RunData validation) {
    Map<String, String> e = new LinkedHashMap<>();
    for (Setting<?> s : TrainingSettings.ALL) {
      if (s.onResume() != OnResume.NO_EFFECT) {
        e.put(s.name(), s.format(config.get(s)));
      }
    }
    e.put("optimizer", config.optimizer().toString());
    e.put("lrPolicy", config.lrPolicy().toString());
    e.put("schedule", config.schedule() != null ? config.schedule().toString() : config.scheduleSpec());
    e.put("weightDecay", config.weightDecayPolicy().toString());
    e.put("loss", config.loss() == null ? "by problem type" : config.loss().describe());
    List<String> methods = model.appliedMethods().stream().map(ModelTransform::describe).toList();
    e.put("methods", methods.isEmpty() ? "full" : String.join(" + ", methods));
    e.put("head", model.problemType() + " " + model.labelNames());
    e.put("model", config.modelName() + model.source().map(s -> " from " + s).orElse(""));
    e.put("baseWeights", baseWeights(model));
    e.put("trainData", train.identity());
    e.put("validationData", validation == null ? "none" : validation.identity());
    return new RunFingerprint(e);
  }

  /**
   * A fingerprint as saved.
   *
   * @param entries name to value text
   * @return the fingerprint
   */
  static RunFingerprint of(Map<String, String> entries) {
    return new RunFingerprint(new LinkedHashMap<>(entries));
  }

  /** @return name to value text, in order */
  Map<String, String> entries() {
    return entries;
  }

  /**
   * The differences from a saved fingerprint that resuming must refuse: every changed entry except
   * those with no effect and the allowable ones in {@code allowed}; an entry present on one side
   * only (another version wrote the checkpoint) counts as changed.
   *
   * @param saved the checkpoint's fingerprint
   * @param allowed entry names the user allows to change (checked with {@link #checkAllowable})
   * @return the refused differences, as {@code name: checkpoint X, now Y}
   */
  List<String> refused(RunFingerprint saved, Set<String> allowed) {
    List<String> out = new ArrayList<>();
    for (String name : differences(saved)) {
      if (!allowed.contains(name)) {
        out.add(describe(saved, name));
      }
    }
    return out;
  }

  /**
   * The changed entries the user allowed, for the log.
   *
   * @param saved the checkpoint's fingerprint
   * @param allowed the allowed names
   * @return the allowed differences, as {@code name: checkpoint X, now Y}
   */
  List<String> allowedChanges(RunFingerprint saved, Set<String> allowed) {
    return differences(saved).stream().filter(allowed::contains).map(n -> describe(saved, n)).toList();
  }

  private Set<String> differences(RunFingerprint saved) {
    Set<String> names = new LinkedHashSet<>(saved.entries.keySet());
    names.addAll(entries.keySet());
    names.removeIf(n -> rule(n) == OnResume.NO_EFFECT
        || java.util.Objects.equals(saved.entries.get(n), entries.get(n)));
    return names;
  }

  private String describe(RunFingerprint saved, String name) {
    return name + ": checkpoint " + text(saved.entries.get(name)) + ", now " + text(entries.get(name));
  }

  private static String text(String value) {
    return value == null ? "(not recorded)" : value;
  }

  /** The rule of an entry: a setting's own, an {@link #OTHERS} entry's, FIXED for unknown ones. */
  static OnResume rule(String name) {
    for (Setting<?> s : TrainingSettings.ALL) {
      if (s.name().equals(name)) {
        return s.onResume();
      }
    }
    return OTHERS.getOrDefault(name, OnResume.FIXED);
  }

  /**
   * Checks names the user allows to change on resume and returns them as entry names (settings
   * in any spelling: {@code learningRate}, {@code learning_rate}, {@code --learning-rate}).
   *
   * @param names the names
   * @return the entry names
   * @throws IllegalArgumentException for an unknown name or one that can never change on resume,
   *     listing the allowable ones
   */
  static Set<String> checkAllowable(Collection<String> names) {
    Set<String> out = new LinkedHashSet<>();
    for (String raw : names) {
      String name = raw.strip();
      String entry;
      if (OTHERS.containsKey(name)) {
        entry = name;
      } else {
        try {
          entry = TrainingSettings.find(name).name();
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("'" + name + "' is not a setting or part of a run that"
              + " a resume may change; allowable: " + allowable());
        }
      }
      if (rule(entry) == OnResume.FIXED) {
        throw new IllegalArgumentException(entry + " cannot change on resume: the checkpoint's"
            + " weights, flags or position (epoch, batch) would mean something else; start afresh"
            + " with another checkpoint folder. Allowable: " + allowable());
      }
      out.add(entry);
    }
    return out;
  }

  /** @return the entry names a user may allow to change */
  static List<String> allowable() {
    List<String> out = new ArrayList<>();
    TrainingSettings.ALL.stream().filter(s -> s.onResume() == OnResume.ALLOWABLE)
        .forEach(s -> out.add(s.name()));
    OTHERS.forEach((n, r) -> {
      if (r == OnResume.ALLOWABLE) {
        out.add(n);
      }
    });
    return out;
  }

  /** A CRC-32C of the names and values of the base weights (not the head, not the methods'). */
  private static String baseWeights(SequenceClassifier model) {
    CRC32C crc = new CRC32C();
    for (ModelParameter p : model.parameters().all()) {
      if (p.address().isHead() || p.address().role() == ParameterRole.PEFT) {
        continue;
      }
      crc.update(p.hfName().getBytes(StandardCharsets.UTF_8));
      crc.update(p.parameter().getArray().toByteArray());
    }
    return String.format("crc32c %08x", crc.getValue());
  }

  /** Name, size and a CRC-32C of every example (texts and labels), in order. */
  static String identity(TextDataset data) {
    CRC32C crc = new CRC32C();
    ByteBuffer number = ByteBuffer.allocate(8);
    for (TextExample x : data.examples()) {
      crc.update(x.text().getBytes(StandardCharsets.UTF_8));
      crc.update(0);
      if (x.textPair() != null) {
        crc.update(x.textPair().getBytes(StandardCharsets.UTF_8));
      }
      crc.update(1);
      number.clear();
      number.putInt(x.label()).putFloat(x.target());
      crc.update(number.array(), 0, 8);
      if (x.labels() != null) {
        crc.update(Arrays.toString(x.labels()).getBytes(StandardCharsets.UTF_8));
      }
    }
    return data.name() + ", " + data.size() + " examples, crc32c " + String.format("%08x", crc.getValue());
  }

  /** Name, size and a CRC-32C of every sentence (words and tags), in order. */
  static String identity(TokenDataset data) {
    CRC32C crc = new CRC32C();
    for (TokenExample x : data.examples()) {
      for (String word : x.words()) {
        crc.update(word.getBytes(StandardCharsets.UTF_8));
        crc.update(0);
      }
      crc.update(Arrays.toString(x.tags()).getBytes(StandardCharsets.UTF_8));
      crc.update(1);
    }
    return data.name() + ", " + data.size() + " sentences, crc32c "
        + String.format("%08x", crc.getValue());
  }
}
