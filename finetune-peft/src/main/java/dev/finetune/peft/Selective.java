package dev.finetune.peft;

import dev.finetune.core.method.FineTuningMethod;
import dev.finetune.core.method.MethodSpec;
import dev.finetune.core.method.MethodType;
import dev.finetune.core.method.WholeModelMethod;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.schedules.ParameterRole;
import dev.finetune.schedules.ParameterSelector;
import java.util.Optional;
import java.util.function.Function;

/**
 * Selective fine-tuning presets (Lee et al. 2019): exactly the chosen part of the base trains,
 * plus the head (unless told otherwise) and any PEFT parameters already added.
 *
 * <pre>{@code
 * FineTune.of(model).peft(Selective.topLayers(2)).fit(train, dev);
 * FineTune.of(model).peft(Selective.embeddingsOnly().trainHead(true)).fit(train, dev);
 * }</pre>
 */
public final class Selective implements WholeModelMethod {

  private final String kind;
  private final String label;
  private final ParameterSelector selector;
  private final boolean trainHead;
  private final int topK;

  private Selective(String kind, String label, ParameterSelector selector, boolean trainHead) {
    this(kind, label, selector, trainHead, -1);
  }

  private Selective(String kind, String label, ParameterSelector selector, boolean trainHead,
      int topK) {
    this.kind = kind;
    this.topK = topK;
    this.label = label;
    this.selector = selector;
    this.trainHead = trainHead;
  }

  /**
   * The embedding layer (word, position, token-type embeddings and their LayerNorm).
   *
   * @return the preset
   */
  public static Selective embeddingsOnly() {
    return new Selective("embeddings", "embeddings-only", ParameterSelector.embeddings(), true);
  }

  /**
   * Every encoder layer; the embeddings stay frozen.
   *
   * @return the preset
   */
  public static Selective encoderOnly() {
    return new Selective("encoder", "encoder-only", ParameterSelector.encoderLayers(), true);
  }

  /**
   * The top {@code k} encoder layers.
   *
   * @param k layers from the top, 0..L
   * @return the preset
   */
  public static Selective topLayers(int k) {
    return new Selective("top_layers", "top-" + k + "-layers", ParameterSelector.topLayers(k), true, k);
  }

  /**
   * Only the head (pooler and classifier).
   *
   * @return the preset
   */
  public static Selective headOnly() {
    return new Selective("head", "head-only", ParameterSelector.none(), true);
  }

  /**
   * Any selection of base parameters.
   *
   * @param selector which parameters train
   * @return the preset
   */
  public static Selective of(ParameterSelector selector) {
    return new Selective("selective", selector.toString(), selector, true);
  }

  /**
   * Chooses whether the head trains.
   *
   * @param value false to freeze the head
   * @return a copy
   */
  public Selective trainHead(boolean value) {
    return new Selective(kind, label, selector, value, topK);
  }

  /** @return the registry name, or {@code selective} for {@link #of} (not registered) */
  @Override
  public String kind() {
    return kind;
  }

  @Override
  public void install(SequenceClassifier model) {
    int numLayers = model.config().distinctLayers();
    if (topK > numLayers) {
      throw new IllegalArgumentException(
          "topLayers(" + topK + ") but the model has only " + numLayers + " layers");
    }
    model.parameters().trainOnly(
        a -> (PeftParameters.isBase(a) && selector.matches(a, numLayers))
            || a.role() == ParameterRole.PEFT
            || (trainHead && a.isHead()));
  }

  /**
   * The registry entries {@code head}, {@code embeddings}, {@code encoder} and {@code top_layers}:
   * no adapter checkpoint (the whole model is saved).
   *
   * <pre>{@code
   * FineTuningMethods.parse("top_layers(2)");   // Selective.topLayers(2)
   * }</pre>
   */
  public abstract static class Type implements MethodType {
    private final String name;
    private final String help;
    private final Function<MethodSpec, Selective> create;

    Type(String name, String help, Function<MethodSpec, Selective> create) {
      this.name = name;
      this.help = help;
      this.create = create;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public String usage() {
      return name;
    }

    @Override
    public String help() {
      return help;
    }

    @Override
    public FineTuningMethod parse(MethodSpec spec) {
      return create.apply(spec);
    }

    @Override
    public Optional<String> adapterType() {
      return Optional.empty();
    }
  }

  /** The entry {@code head}: <pre>{@code FineTuningMethods.parse("head"); }</pre> */
  public static final class Head extends Type {
    /** Creates the entry (for ServiceLoader). */
    public Head() {
      super("head", "only the head (pooler and classifier) trains",
          s -> {
            s.accept();
            return headOnly();
          });
    }
  }

  /** The entry {@code embeddings}: <pre>{@code FineTuningMethods.parse("embeddings"); }</pre> */
  public static final class Embeddings extends Type {
    /** Creates the entry (for ServiceLoader). */
    public Embeddings() {
      super("embeddings", "the embedding layer and the head train",
          s -> {
            s.accept();
            return embeddingsOnly();
          });
    }
  }

  /** The entry {@code encoder}: <pre>{@code FineTuningMethods.parse("encoder"); }</pre> */
  public static final class Encoder extends Type {
    /** Creates the entry (for ServiceLoader). */
    public Encoder() {
      super("encoder", "every encoder layer and the head train, not the embeddings",
          s -> {
            s.accept();
            return encoderOnly();
          });
    }
  }

  /**
   * The entry {@code top_layers}: {@code top_layers(K)}, the top K layers and the head train.
   *
   * <pre>{@code
   * FineTuningMethods.parse("top_layers(k=2)");
   * }</pre>
   */
  public static final class TopLayers extends Type {
    /** Creates the entry (for ServiceLoader). */
    public TopLayers() {
      super("top_layers", "the top K encoder layers and the head train, top_layers(k=K)",
          s -> topLayers(s.accept("k").requiredInt(0, "k", "the number of layers")));
    }

    @Override
    public String usage() {
      return "top_layers(K)";
    }
  }

  @Override
  public String describe() {
    return label;
  }
}
