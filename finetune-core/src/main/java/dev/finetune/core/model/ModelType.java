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
 * DistilBertFamily}, {@link ElectraFamily}, {@link AlbertFamily}, {@link DebertaV2Family} and
 * {@link ModernBertFamily}; a family defined elsewhere joins with {@link ModelTypes#register(ModelType)}
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
   * Whether a module of this family has a bias (ModernBERT's {@code attention_bias},
   * {@code mlp_bias}, {@code norm_bias} and {@code classifier_bias} switch them off).
   *
   * @param config the configuration
   * @param module the module's name without {@code .bias}, e.g. {@code head.dense}
   * @return true by default
   */
  default boolean hasBias(EncoderConfig config, String module) {
    return true;
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
   * The pooling {@link Pooling#AUTO} resolves to, when the configuration may say (ModernBERT's
   * {@code classifier_pooling}); by default {@link #defaultPooling(Set)}.
   *
   * @param config the configuration
   * @param checkpointTensors the names of the checkpoint's tensors, prefix stripped
   * @return {@link Pooling#CLS_POOLER} or {@link Pooling#MEAN}
   */
  default Pooling defaultPooling(EncoderConfig config, Set<String> checkpointTensors) {
    return defaultPooling(checkpointTensors);
  }

  /**
   * Modules above the last layer that belong to the encoder (ModernBERT's {@code final_norm}):
   * their parameters are addressed as the last layer's, so layer-wise rates, layer selectors and
   * frozen-base methods treat them as the encoder's top rather than the head.
   *
   * @return module-name prefixes ending with a dot; empty by default
   */
  default List<String> encoderTopModules() {
    return List.of();
  }

  /**
   * Writes what the family's own {@code config.json} keys say about the head (ModernBERT's
   * {@code classifier_pooling}) when a model is saved; nothing by default.
   *
   * @param config the saved {@code config.json} object, changed in place
   * @param pooling the head's pooling
   */
  default void describeHead(com.google.gson.JsonObject config, Pooling pooling) {}

  /**
   * Tells whether a parameter is fixed by the family and never trained (DistilBERT's sinusoidal
   * position table, {@code requires_grad=False} in Hugging Face): it is created frozen and no
   * fine-tuning method, callback or resume unfreezes it.
   *
   * @param config the configuration
   * @param hfName the parameter's name
   * @return true for a fixed parameter; false by default
   */
  default boolean isFixed(EncoderConfig config, String hfName) {
    return false;
  }

  /**
   * The name of the linear projection from the embedding width to the hidden size that factorised
   * embeddings need ({@link EncoderConfig#embeddingSize()}): ELECTRA's {@code embeddings_project},
   * ALBERT's {@code encoder.embedding_hidden_mapping_in}. It runs after the embeddings' LayerNorm
   * and dropout, before layer 0; its parameters count with the embeddings (layer-wise learning
   * rates, selectors).
   *
   * @return the module name (without {@code .weight}), or empty when the family has none
   */
  default Optional<String> embeddingProjection() {
    return Optional.empty();
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
   * Whether a configuration has the {@link #embeddingProjection()}.
   *
   * @param config the configuration
   * @return by default, when the family declares one and the embedding width differs from the
   *     hidden size (ELECTRA); ALBERT always has it
   */
  default boolean hasEmbeddingProjection(EncoderConfig config) {
    return embeddingProjection().isPresent() && config.embeddingSize() != config.hiddenSize();
  }

  /**
   * How many layers have their own weights; the encoder's {@code num_hidden_layers} layers use
   * them in equal consecutive runs, as ALBERT's layer groups (layer i uses distinct layer
   * {@code i * distinct / num_hidden_layers}). Called once when a configuration is built; refuse
   * configurations the family cannot run here with an {@link IllegalArgumentException}.
   *
   * @param config the configuration (its other values set)
   * @return 1..{@code config.numLayers()}; by default {@code config.numLayers()}
   */
  default int distinctLayers(EncoderConfig config) {
    return config.numLayers();
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
