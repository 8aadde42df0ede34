package dev.finetune.core.model;

import dev.finetune.core.checkpoint.CheckpointException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An encoder architecture family (BERT, RoBERTa, ...), by its Hugging Face {@code model_type}: the
 * one place that knows everything in which a family differs from the others. The families share
 * one implementation (embeddings, layers, head); each answers the questions below, and the code
 * asks them instead of comparing types.
 *
 * <p>Families live in the {@link ModelTypes} registry. The built-in ones are {@link #BERT},
 * {@link #ROBERTA}, {@link XlmRobertaFamily}, {@link CamembertFamily}, {@link
 * DistilBertFamily} and {@link DebertaV2Family}; a family defined elsewhere joins with
 * {@link ModelTypes#register(ModelType)}
 * or a line in {@code META-INF/services/dev.finetune.core.model.ModelType}. Implementations are
 * immutable and compared by identity (one instance per family).
 *
 * <pre>{@code
 * ModelType t = ModelType.fromHf("roberta");
 * t.checkpointPrefix();                      // "roberta."
 * t.sequenceClassificationArchitecture();    // "RobertaForSequenceClassification"
 * t.defaultLoraTargets();                    // [query, value]
 * }</pre>
 */
public interface ModelType {

  /** BERT (also MiniLM and other BERT-architecture models): {@link BertFamily}. */
  ModelType BERT = new BertFamily();

  /** RoBERTa: {@link RobertaFamily}. */
  ModelType ROBERTA = new RobertaFamily();

  /**
   * The Hugging Face {@code model_type} written to {@code config.json}.
   *
   * @return e.g. {@code bert}
   */
  String hfName();

  /**
   * Every {@code model_type} this family reads (lower case); the first is {@link #hfName()}.
   *
   * @return the names, by default only {@link #hfName()}
   */
  default List<String> hfNames() {
    return List.of(hfName());
  }

  /**
   * The prefix {@code *ForSequenceClassification} checkpoints put before encoder weights.
   *
   * @return e.g. {@code bert.}, ending with a dot
   */
  String checkpointPrefix();

  /**
   * The Hugging Face class name saved in {@code config.json}'s {@code architectures}.
   *
   * @return e.g. {@code BertForSequenceClassification}
   */
  String sequenceClassificationArchitecture();

  /**
   * The Hugging Face class name saved in {@code architectures} for a token-classification head:
   * by default {@link #sequenceClassificationArchitecture()} with {@code ForSequenceClassification}
   * replaced by {@value ProblemType#TOKEN_ARCHITECTURE_SUFFIX}.
   *
   * @return e.g. {@code BertForTokenClassification}
   */
  default String tokenClassificationArchitecture() {
    String sequence = sequenceClassificationArchitecture();
    String suffix = "ForSequenceClassification";
    String base = sequence.endsWith(suffix)
        ? sequence.substring(0, sequence.length() - suffix.length()) : sequence;
    return base + ProblemType.TOKEN_ARCHITECTURE_SUFFIX;
  }

  /**
   * Sets the family's defaults on a builder before the values of a {@code config.json} are read
   * over them (the builder starts with BERT-base defaults).
   *
   * @param builder the builder to change
   */
  void applyConfigDefaults(EncoderConfig.Builder builder);

  /**
   * How position ids are numbered.
   *
   * @return sequential (BERT) or padding-aware (RoBERTa)
   */
  PositionIds positionIds();

  /**
   * Names and dropout placement of the sequence-classification head.
   *
   * @return the layout
   */
  HeadLayout headLayout();

  /**
   * The pooling {@link Pooling#AUTO} resolves to for a checkpoint that records none.
   *
   * @param checkpointTensors the names of the checkpoint's tensors, prefix stripped
   * @return {@link Pooling#CLS_POOLER} or {@link Pooling#MEAN}
   */
  Pooling defaultPooling(Set<String> checkpointTensors);

  /**
   * Hugging Face PEFT's default LoRA {@code target_modules} for this family.
   *
   * @return module-name suffixes, e.g. {@code [query, value]}
   */
  List<String> defaultLoraTargets();

  /**
   * Hugging Face PEFT's default IA3 {@code target_modules} for this family.
   *
   * @return module-name suffixes, e.g. {@code [key, value, output.dense]}
   */
  List<String> defaultIa3Targets();

  /**
   * Hugging Face PEFT's default IA3 {@code feedforward_modules} for this family (scaled on their
   * input rather than their output).
   *
   * @return module-name suffixes, e.g. {@code [output.dense]}
   */
  List<String> defaultIa3FeedForward();

  /**
   * The names of the encoder layers' modules and the layers' structural facts.
   *
   * @return by default {@link EncoderLayout#BERT}
   */
  default EncoderLayout encoderLayout() {
    return EncoderLayout.BERT;
  }

  /**
   * The family's own {@code config.json} keys for the keys this library reads under BERT's names
   * (Hugging Face's {@code attribute_map}), e.g. DistilBERT's {@code dim} for
   * {@code hidden_size}. Keys not in the map are read and written under BERT's name.
   *
   * @return BERT key to the family's key; empty by default
   */
  default Map<String, String> configKeys() {
    return Map.of();
  }

  /**
   * Module prefixes of pre-training heads a base checkpoint may hold ({@code cls.} for BERT's
   * masked-LM and next-sentence heads, {@code lm_head.} for RoBERTa's): reported as skipped when
   * loading, never as unexpected.
   *
   * @return prefixes ending with a dot or an underscore; empty by default
   */
  default List<String> pretrainingHeads() {
    return List.of();
  }

  /**
   * The values of a parameter the family initialises in its own way when the checkpoint does not
   * hold it (DistilBERT's sinusoidal position table), or null for the usual seeded
   * initialisation.
   *
   * @param config the configuration
   * @param hfName the parameter's name
   * @param shape its shape
   * @return the values, row-major, or null
   */
  default float[] initialValues(EncoderConfig config, String hfName, long[] shape) {
    return null;
  }

  /**
   * Whether the embeddings add an absolute position table ({@code
   * embeddings.position_embeddings}).
   *
   * @param config the configuration
   * @return true by default; false for DeBERTa with {@code position_biased_input: false} (v3),
   *     whose positions enter through the attention only
   */
  default boolean absolutePositions(EncoderConfig config) {
    return true;
  }

  /**
   * The relative-position settings of DeBERTa's disentangled attention when the configuration
   * asks for it; the family also refuses here, naming the key, what it cannot run.
   *
   * @param config the configuration
   * @return empty by default (plain scaled dot-product attention)
   * @throws CheckpointException when the configuration needs what the family does not implement
   */
  default Optional<DisentangledAttention.Settings> disentangledAttention(EncoderConfig config) {
    return Optional.empty();
  }

  /**
   * Looks a family up in {@link ModelTypes} by its Hugging Face {@code model_type}.
   *
   * @param modelType the value from {@code config.json} (case-insensitive)
   * @return the family
   * @throws CheckpointException naming the registered types when none matches
   */
  static ModelType fromHf(String modelType) {
    return ModelTypes.fromHf(modelType);
  }
}
