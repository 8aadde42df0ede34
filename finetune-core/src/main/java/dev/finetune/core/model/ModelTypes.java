package dev.finetune.core.model;

import dev.finetune.core.checkpoint.CheckpointException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry of architecture families, by Hugging Face {@code model_type}. It holds the built-in
 * families (one line each in {@code builtIn}), every {@link ModelType} listed in a
 * {@code META-INF/services/dev.finetune.core.model.ModelType} file on the class path (found on
 * first use), and those added with {@link #register(ModelType)}. A name is registered once:
 * a second family claiming it is refused.
 *
 * <pre>{@code
 * ModelTypes.register(new MyFamily());        // or list it in META-INF/services
 * ModelType t = ModelTypes.fromHf("my-type");
 * ModelTypes.checkpointPrefixes();            // [bert., roberta., my-type.]
 * }</pre>
 */
public final class ModelTypes {

  private static final Logger LOG = LoggerFactory.getLogger(ModelTypes.class);

  /** The service file a family defined outside this library is listed in. */
  public static final String SERVICE_FILE = "META-INF/services/" + ModelType.class.getName();

  /** Families by lower-case {@code model_type}, in registration order; null until first use. */
  private static Map<String, ModelType> byName;

  private ModelTypes() {}

  private static void builtIn(Map<String, ModelType> registry) {
    add(registry, ModelType.BERT);
    add(registry, ModelType.ROBERTA);
    add(registry, new XlmRobertaFamily());
    add(registry, new CamembertFamily());
    add(registry, new DistilBertFamily());
    add(registry, new ModernBertFamily());
    add(registry, new ElectraFamily());
    add(registry, new AlbertFamily());
    add(registry, new DebertaV2Family());
  }

  private static synchronized Map<String, ModelType> registry() {
    if (byName == null) {
      Map<String, ModelType> registry = new LinkedHashMap<>();
      builtIn(registry);
      try {
        for (ModelType family : ServiceLoader.load(ModelType.class)) {
          add(registry, family);
          LOG.debug("model_type {} registered from {}", family.hfNames(), SERVICE_FILE);
        }
      } catch (ServiceConfigurationError e) {
        throw new IllegalStateException(
            "cannot load the architecture families listed in "
                + SERVICE_FILE
                + " on the class path: "
                + e.getMessage()
                + " (each line must name a public ModelType class with a public no-argument"
                + " constructor)",
            e);
      }
      byName = registry;
    }
    return byName;
  }

  private static void add(Map<String, ModelType> registry, ModelType family) {
    Objects.requireNonNull(family, "family");
    List<String> names = names(family);
    String prefix = family.checkpointPrefix();
    if (prefix == null || prefix.length() < 2 || !prefix.endsWith(".")) {
      throw new IllegalArgumentException(
          family.getClass().getName()
              + ": checkpointPrefix() must be a name followed by a dot, like \"bert.\", got \""
              + prefix
              + "\"");
    }
    for (String name : names) {
      ModelType existing = registry.get(name);
      if (existing != null) {
        throw new IllegalArgumentException(
            "model_type \""
                + name
                + "\" is already registered by "
                + existing.getClass().getName()
                + "; "
                + family.getClass().getName()
                + " cannot claim it too (give it another hfName)");
      }
    }
    for (String name : names) {
      registry.put(name, family);
    }
  }

  private static List<String> names(ModelType family) {
    List<String> names = new ArrayList<>();
    for (String name : family.hfNames()) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException(
            family.getClass().getName() + ": hfNames() holds a blank model_type");
      }
      names.add(name.toLowerCase(Locale.ROOT));
    }
    if (names.isEmpty() || !names.get(0).equals(family.hfName().toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException(
          family.getClass().getName()
              + ": hfNames() must start with hfName() \""
              + family.hfName()
              + "\"");
    }
    return names;
  }

  /**
   * Adds a family; from then on {@code config.json} files with its {@code model_type} load, and
   * its checkpoint prefix is stripped from tensor names.
   *
   * @param family the family (one instance, immutable)
   * @throws IllegalArgumentException when one of its names is already registered, or its names or
   *     prefix are malformed
   */
  public static synchronized void register(ModelType family) {
    add(registry(), family);
    LOG.debug("model_type {} registered", family.hfNames());
  }

  /**
   * Looks a family up by Hugging Face {@code model_type}.
   *
   * @param modelType the value from {@code config.json} (case-insensitive)
   * @return the family
   * @throws CheckpointException naming the registered types when none matches
   */
  public static synchronized ModelType fromHf(String modelType) {
    String wanted = modelType == null ? "" : modelType.toLowerCase(Locale.ROOT);
    ModelType family = registry().get(wanted);
    if (family == null) {
      throw new CheckpointException(
          "config.json: model_type \""
              + modelType
              + "\" is not supported; supported: "
              + names()
              + " (BERT-architecture models such as MiniLM use \"bert\"; a new family is a "
              + "ModelType registered with ModelTypes.register or listed in "
              + SERVICE_FILE
              + ")");
    }
    return family;
  }

  /**
   * The registered families, in registration order (built-in first).
   *
   * @return an immutable snapshot
   */
  public static synchronized List<ModelType> all() {
    return List.copyOf(new LinkedHashSet<>(registry().values()));
  }

  /**
   * Every registered {@code model_type}.
   *
   * @return an immutable snapshot, e.g. {@code [bert, roberta]}
   */
  public static synchronized List<String> names() {
    return List.copyOf(registry().keySet());
  }

  /**
   * The distinct encoder layouts of the registered families (where layer names start).
   *
   * @return an immutable snapshot, {@link EncoderLayout#BERT} first
   */
  public static synchronized List<EncoderLayout> encoderLayouts() {
    LinkedHashSet<EncoderLayout> layouts = new LinkedHashSet<>();
    for (ModelType family : registry().values()) {
      layouts.add(family.encoderLayout());
    }
    return List.copyOf(layouts);
  }

  /**
   * The module prefixes of sequence-classification heads: {@code pooler.}, {@code classifier.} and
   * each registered family's pooler and classifier names ({@code pre_classifier.}).
   *
   * @return an immutable snapshot of prefixes ending with a dot
   */
  public static synchronized List<String> headModules() {
    LinkedHashSet<String> modules = new LinkedHashSet<>();
    modules.add("pooler.");
    modules.add(HeadLayout.MEAN_CLASSIFIER + ".");
    for (ModelType family : registry().values()) {
      for (String module : family.headLayout().poolerModules()) {
        modules.add(module + ".");
      }
      modules.add(family.headLayout().classifierName() + ".");
    }
    return List.copyOf(modules);
  }

  /**
   * The module names of the registered families' projections of factorised embeddings
   * ({@link ModelType#embeddingProjection()}): their parameters count with the embeddings.
   *
   * @return an immutable snapshot, e.g. {@code [embeddings_project]}
   */
  public static synchronized List<String> embeddingProjections() {
    LinkedHashSet<String> modules = new LinkedHashSet<>();
    for (ModelType family : registry().values()) {
      family.embeddingProjection().ifPresent(modules::add);
    }
    return List.copyOf(modules);
  }

  /**
   * The distinct checkpoint prefixes of the registered families (stripped from tensor names when
   * a checkpoint is read).
   *
   * @return an immutable snapshot, e.g. {@code [bert., roberta.]}
   */
  public static synchronized List<String> checkpointPrefixes() {
    LinkedHashSet<String> prefixes = new LinkedHashSet<>();
    for (ModelType family : registry().values()) {
      prefixes.add(family.checkpointPrefix());
    }
    return List.copyOf(prefixes);
  }
}
