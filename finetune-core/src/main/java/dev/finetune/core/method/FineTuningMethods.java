package dev.finetune.core.method;

import dev.finetune.core.model.SequenceClassifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry of fine-tuning methods: every name table (grid configs, command-line flags,
 * scripts) and every adapter checkpoint looks methods up here, so a method is defined once. The
 * entries are {@code full} (no method: every weight trains), then those of the
 * {@code META-INF/services/dev.finetune.core.method.MethodType} files on the class path (finetune-peft
 * lists {@code lora}, {@code ia3}, {@code prompt}, {@code prefix}, {@code houlsby},
 * {@code pfeiffer}, {@code parallel}, {@code bitfit}, {@code head}, {@code embeddings},
 * {@code encoder}, {@code top_layers}), then those given to {@link #register}.
 *
 * <pre>{@code
 * FineTuningMethod m = FineTuningMethods.parse("lora(r=16,alpha=32,targets=query|value)");
 * FineTune.of(model).peft(m).fit(train, dev);
 * FineTuningMethods.usages();   // [full, lora(8), ia3, prompt(20), ...]
 * FineTuningMethods.register(new MyMethodType());
 * }</pre>
 */
public final class FineTuningMethods {

  private static final Logger LOG = LoggerFactory.getLogger(FineTuningMethods.class);
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");
  /** The entry for full fine-tuning, which applies nothing. */
  private static final MethodType FULL_TYPE = new FullType();
  private static Map<String, MethodType> types;

  private FineTuningMethods() {}

  private static synchronized Map<String, MethodType> types() {
    if (types == null) {
      Map<String, MethodType> found = new LinkedHashMap<>();
      found.put(FULL_TYPE.name(), FULL_TYPE);
      for (ClassLoader loader : loaders()) {
        try {
          for (MethodType t : ServiceLoader.load(MethodType.class, loader)) {
            if (!found.containsKey(t.name())) {
              check(t);
              found.put(t.name(), t);
            }
          }
        } catch (ServiceConfigurationError e) {
          throw new IllegalStateException("a META-INF/services/" + MethodType.class.getName()
              + " entry cannot be loaded: " + e.getMessage() + " (each line must name a public"
              + " class with a public no-argument constructor)", e);
        }
      }
      types = found;
      LOG.debug("fine-tuning methods: {}", found.keySet());
    }
    return types;
  }

  private static List<ClassLoader> loaders() {
    LinkedHashSet<ClassLoader> out = new LinkedHashSet<>();
    out.add(FineTuningMethods.class.getClassLoader());
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    if (context != null) {
      out.add(context);
    }
    return new ArrayList<>(out);
  }

  private static void check(MethodType t) {
    if (t.name() == null || !NAME.matcher(t.name()).matches()) {
      throw new IllegalArgumentException("method name '" + t.name() + "' of "
          + t.getClass().getName() + " must be lower case letters, digits and underscores");
    }
  }

  /**
   * Adds a method to the registry (after those found through {@code META-INF/services}).
   *
   * @param type the method's entry
   * @throws IllegalArgumentException when its name is taken or malformed
   */
  public static synchronized void register(MethodType type) {
    Objects.requireNonNull(type, "type");
    check(type);
    Map<String, MethodType> all = types();
    MethodType taken = all.get(type.name());
    if (taken != null && taken.getClass() != type.getClass()) {
      throw new IllegalArgumentException("a method named '" + type.name() + "' is registered ("
          + taken.getClass().getName() + "); give " + type.getClass().getName()
          + " another name");
    }
    all.put(type.name(), type);
  }

  /**
   * Every entry, in registration order.
   *
   * @return the entries
   */
  public static synchronized List<MethodType> all() {
    return List.copyOf(types().values());
  }

  /** @return every name, {@code full} first */
  public static List<String> names() {
    return all().stream().map(MethodType::name).toList();
  }

  /** @return every spec form with its defaults, e.g. {@code lora(8)}, {@code top_layers(K)} */
  public static List<String> usages() {
    return all().stream().map(MethodType::usage).toList();
  }

  /**
   * One line per method, {@code name  help}, for command-line help.
   *
   * @param indent the spaces before each line
   * @return the lines joined by newlines
   */
  public static String help(String indent) {
    int width = all().stream().mapToInt(t -> t.usage().length()).max().orElse(0);
    StringBuilder out = new StringBuilder();
    for (MethodType t : all()) {
      out.append(indent).append(String.format(Locale.ROOT, "%-" + width + "s  %s%n", t.usage(),
          t.help()));
    }
    return out.toString();
  }

  /**
   * Finds an entry by name.
   *
   * @param name e.g. {@code lora} (any case)
   * @return the entry
   */
  public static synchronized Optional<MethodType> find(String name) {
    return Optional.ofNullable(types().get(name.toLowerCase(Locale.ROOT)));
  }

  /**
   * Gets an entry by name.
   *
   * @param name e.g. {@code lora}
   * @return the entry
   * @throws IllegalArgumentException naming the known methods when absent
   */
  public static MethodType get(String name) {
    return find(name).orElseThrow(() -> new IllegalArgumentException("method '" + name
        + "' is unknown; use one of " + usages()));
  }

  /**
   * The entry of a configured method.
   *
   * @param method a method
   * @return its entry
   * @throws IllegalArgumentException when its kind is not registered
   */
  public static MethodType typeOf(FineTuningMethod method) {
    return find(method.kind()).orElseThrow(() -> new IllegalArgumentException("the method "
        + method.describe() + " is of kind '" + method.kind() + "', which is not registered;"
        + " list its MethodType in META-INF/services/" + MethodType.class.getName()
        + " or call FineTuningMethods.register"));
  }

  /**
   * The entry that loads adapter checkpoints of a {@code peft_type}.
   *
   * @param adapterType e.g. {@code LORA}
   * @return the first entry with that type
   */
  public static Optional<MethodType> forAdapterType(String adapterType) {
    return all().stream().filter(t -> t.adapterType().filter(adapterType::equals).isPresent())
        .findFirst();
  }

  /** @return every {@code peft_type} an adapter checkpoint may have, in registration order */
  public static List<String> adapterTypes() {
    return all().stream().flatMap(t -> t.adapterType().stream()).distinct().toList();
  }

  /**
   * Creates a method from spec text.
   *
   * @param text e.g. {@code lora(16)}, {@code houlsby(reduction=16)}, {@code full}
   * @return the method ({@link #full()} for {@code full})
   * @throws IllegalArgumentException naming the known methods or the wrong argument
   */
  public static FineTuningMethod parse(String text) {
    MethodSpec spec = MethodSpec.parse(text);
    return get(spec.name()).parse(spec);
  }

  /**
   * Full fine-tuning: applies nothing, every weight trains; its checkpoint is the whole model.
   *
   * @return the method
   */
  public static FineTuningMethod full() {
    return FullType.FULL;
  }

  /** The {@code full} entry: no method. */
  private static final class FullType implements MethodType {
    static final FineTuningMethod FULL = new WholeModelMethod() {
      @Override
      public String kind() {
        return "full";
      }

      @Override
      public void install(SequenceClassifier model) {}

      @Override
      public String describe() {
        return "full";
      }

      @Override
      public String toString() {
        return "full";
      }
    };

    @Override
    public String name() {
      return "full";
    }

    @Override
    public String usage() {
      return "full";
    }

    @Override
    public String help() {
      return "no method: every weight trains (the default)";
    }

    @Override
    public FineTuningMethod parse(MethodSpec spec) {
      spec.accept();
      return FULL;
    }

    @Override
    public Optional<String> adapterType() {
      return Optional.empty();
    }
  }
}
