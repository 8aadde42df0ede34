package dev.finetune.core.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A family whose plain facts are one {@link Declaration}: its names, checkpoint prefix, head
 * architecture, position ids, head layout, PEFT's default target modules, pre-training heads,
 * layer names and config keys.
 * The built-in families extend it and override only what they compute (config defaults, pooling,
 * layouts, their own layers); a family of your own may too, or implement {@link ModelType}
 * directly.
 *
 * <pre>{@code
 * public final class MiniBertFamily extends DeclaredFamily {
 *   public MiniBertFamily() {
 *     super(new Declaration("minibert", "minibert.", "MiniBertForSequenceClassification",
 *         PositionIds.SEQUENTIAL, new HeadLayout("pooler.dense", "classifier", false),
 *         List.of("query", "value"), List.of("key", "value", "output.dense"),
 *         List.of("output.dense"), List.of("cls.")));
 *   }
 *   public void applyConfigDefaults(EncoderConfig.Builder builder) {}
 *   public Pooling defaultPooling(Set<String> tensors) { return Pooling.CLS_POOLER; }
 * }
 * }</pre>
 */
public abstract class DeclaredFamily implements ModelType {

  /**
   * The plain facts of a family.
   *
   * @param hfName the {@code model_type} in {@code config.json}
   * @param checkpointPrefix the prefix of the encoder's tensors in task checkpoints, with its dot
   * @param sequenceClassificationArchitecture HF's {@code architectures} entry for a sequence head
   * @param positionIds how position ids are counted
   * @param headLayout the head's names and computation
   * @param loraTargets PEFT's default LoRA target modules for the family
   * @param ia3Targets the default IA3 target modules
   * @param ia3FeedForward the IA3 targets that are feed-forward modules (scaled on their input)
   * @param pretrainingHeads prefixes of pre-training heads to skip when loading
   * @param encoderLayout the layers' module names ({@link EncoderLayout#BERT} unless the family
   *     names them otherwise)
   * @param configKeys the family's {@code config.json} names of the common keys (HF's
   *     {@code attribute_map}; empty when they are BERT's)
   */
  public record Declaration(
      String hfName,
      String checkpointPrefix,
      String sequenceClassificationArchitecture,
      PositionIds positionIds,
      HeadLayout headLayout,
      List<String> loraTargets,
      List<String> ia3Targets,
      List<String> ia3FeedForward,
      List<String> pretrainingHeads,
      EncoderLayout encoderLayout,
      Map<String, String> configKeys) {

    /** Checks for nulls and copies the lists. */
    public Declaration {
      Objects.requireNonNull(encoderLayout, "encoderLayout");
      configKeys = Map.copyOf(configKeys);
      Objects.requireNonNull(hfName, "hfName");
      Objects.requireNonNull(checkpointPrefix, "checkpointPrefix");
      Objects.requireNonNull(sequenceClassificationArchitecture, "sequenceClassificationArchitecture");
      Objects.requireNonNull(positionIds, "positionIds");
      Objects.requireNonNull(headLayout, "headLayout");
      loraTargets = List.copyOf(loraTargets);
      ia3Targets = List.copyOf(ia3Targets);
      ia3FeedForward = List.copyOf(ia3FeedForward);
      pretrainingHeads = List.copyOf(pretrainingHeads);
    }

    /**
     * A declaration with BERT's layer names and config keys.
     *
     * @param hfName the {@code model_type} in {@code config.json}
     * @param checkpointPrefix the prefix of the encoder's tensors in task checkpoints
     * @param sequenceClassificationArchitecture HF's {@code architectures} entry
     * @param positionIds how position ids are counted
     * @param headLayout the head's names and computation
     * @param loraTargets PEFT's default LoRA target modules
     * @param ia3Targets the default IA3 target modules
     * @param ia3FeedForward the IA3 targets that are feed-forward modules
     * @param pretrainingHeads prefixes of pre-training heads to skip when loading
     */
    public Declaration(String hfName, String checkpointPrefix,
        String sequenceClassificationArchitecture, PositionIds positionIds, HeadLayout headLayout,
        List<String> loraTargets, List<String> ia3Targets, List<String> ia3FeedForward,
        List<String> pretrainingHeads) {
      this(hfName, checkpointPrefix, sequenceClassificationArchitecture, positionIds, headLayout,
          loraTargets, ia3Targets, ia3FeedForward, pretrainingHeads, EncoderLayout.BERT, Map.of());
    }

    /**
     * The same facts with the family's own layer names and config keys.
     *
     * @param layout the layers' module names
     * @param keys the family's names of the common config keys
     * @return the declaration
     */
    public Declaration withLayout(EncoderLayout layout, Map<String, String> keys) {
      return new Declaration(hfName, checkpointPrefix, sequenceClassificationArchitecture,
          positionIds, headLayout, loraTargets, ia3Targets, ia3FeedForward, pretrainingHeads,
          layout, keys);
    }

    /**
     * The same facts under another name (XLM-RoBERTa and CamemBERT are RoBERTa's architecture).
     *
     * @param name the {@code model_type}
     * @param architecture the sequence-classification architecture
     * @return the renamed declaration
     */
    public Declaration named(String name, String architecture) {
      return new Declaration(name, checkpointPrefix, architecture, positionIds, headLayout,
          loraTargets, ia3Targets, ia3FeedForward, pretrainingHeads, encoderLayout, configKeys);
    }
  }

  private final Declaration declaration;

  /**
   * Creates the family.
   *
   * @param declaration its facts
   */
  protected DeclaredFamily(Declaration declaration) {
    this.declaration = Objects.requireNonNull(declaration, "declaration");
  }

  /** {@inheritDoc} */
  @Override
  public String hfName() {
    return declaration.hfName();
  }

  /** {@inheritDoc} */
  @Override
  public String checkpointPrefix() {
    return declaration.checkpointPrefix();
  }

  /** {@inheritDoc} */
  @Override
  public String sequenceClassificationArchitecture() {
    return declaration.sequenceClassificationArchitecture();
  }

  /** {@inheritDoc} */
  @Override
  public PositionIds positionIds() {
    return declaration.positionIds();
  }

  /** {@inheritDoc} */
  @Override
  public HeadLayout headLayout() {
    return declaration.headLayout();
  }

  /** {@inheritDoc} */
  @Override
  public List<String> defaultLoraTargets() {
    return declaration.loraTargets();
  }

  /** {@inheritDoc} */
  @Override
  public List<String> defaultIa3Targets() {
    return declaration.ia3Targets();
  }

  /** {@inheritDoc} */
  @Override
  public List<String> defaultIa3FeedForward() {
    return declaration.ia3FeedForward();
  }

  /** {@inheritDoc} */
  @Override
  public List<String> pretrainingHeads() {
    return declaration.pretrainingHeads();
  }

  /** {@inheritDoc} */
  @Override
  public EncoderLayout encoderLayout() {
    return declaration.encoderLayout();
  }

  /** {@inheritDoc} */
  @Override
  public Map<String, String> configKeys() {
    return declaration.configKeys();
  }

  /** The {@code model_type}. */
  @Override
  public String toString() {
    return hfName();
  }
}
