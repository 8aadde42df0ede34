package dev.finetune.core.model;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.finetune.core.checkpoint.CheckpointException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The shape of an encoder of one of the registered architecture families ({@link ModelType}), as
 * in a Hugging Face {@code config.json}. Immutable; build one with {@link #builder()} or read one
 * with {@link #fromJson(Path)}.
 *
 * <pre>{@code
 * EncoderConfig tiny = EncoderConfig.builder()
 *     .vocabSize(100).hiddenSize(32).numLayers(2).numHeads(4).intermediateSize(64)
 *     .build();
 * EncoderConfig minilm = EncoderConfig.fromJson(Path.of("models/minilm/config.json"));
 * }</pre>
 */
public final class EncoderConfig {

  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

  /** Most encoder layers a configuration may declare (the largest published encoders have 48). */
  public static final int MAX_LAYERS = 1_000;
  /** Largest hidden, intermediate size and head count a configuration may declare. */
  public static final int MAX_WIDTH = 1 << 20;
  /** Largest vocabulary a configuration may declare. */
  public static final int MAX_VOCAB = 10_000_000;
  /** Largest position table a configuration may declare. */
  public static final int MAX_POSITIONS = 1 << 20;
  /** Largest token-type table a configuration may declare. */
  public static final int MAX_TYPES = 1 << 16;
  private static final long MAX_TENSOR_VALUES = Integer.MAX_VALUE - 8;
  private static final String CONFIG = "config.json";

  private final ModelType modelType;
  private final int vocabSize;
  private final int hiddenSize;
  private final Integer embeddingSize;
  private final int numLayers;
  private final int distinctLayers;
  private final int numHeads;
  private final int intermediateSize;
  private final HiddenActivation hiddenAct;
  private final float hiddenDropout;
  private final float attentionDropout;
  private final Float classifierDropout;
  private final int maxPositionEmbeddings;
  private final int typeVocabSize;
  private final double layerNormEps;
  private final double initializerRange;
  private final int padTokenId;
  private final JsonObject original;

  private EncoderConfig(Builder b) {
    modelType = Objects.requireNonNull(b.modelType, "modelType");
    vocabSize = within("vocab_size", b.vocabSize, MAX_VOCAB);
    hiddenSize = within("hidden_size", b.hiddenSize, MAX_WIDTH);
    embeddingSize =
        b.embeddingSize == null ? null : within("embedding_size", b.embeddingSize, MAX_WIDTH);
    numLayers = within("num_hidden_layers", b.numLayers, MAX_LAYERS);
    numHeads = within("num_attention_heads", b.numHeads, MAX_WIDTH);
    intermediateSize = within("intermediate_size", b.intermediateSize, MAX_WIDTH);
    hiddenAct = Objects.requireNonNull(b.hiddenAct, "hiddenAct");
    hiddenDropout = probability("hidden_dropout_prob", b.hiddenDropout);
    attentionDropout = probability("attention_probs_dropout_prob", b.attentionDropout);
    classifierDropout =
        b.classifierDropout == null ? null : probability("classifier_dropout", b.classifierDropout);
    maxPositionEmbeddings = within("max_position_embeddings", b.maxPositionEmbeddings, MAX_POSITIONS);
    typeVocabSize = b.typeVocabSize == 0 ? 0 : within("type_vocab_size", b.typeVocabSize, MAX_TYPES);
    layerNormEps = b.layerNormEps;
    initializerRange = b.initializerRange;
    padTokenId = b.padTokenId;
    original = b.original == null ? new JsonObject() : b.original.deepCopy();
    fitsOneArray("vocab_size x hidden_size (the word embeddings)", (long) vocabSize * hiddenSize);
    if (embeddingSize != null) {
      fitsOneArray("vocab_size x embedding_size (the word embeddings)", (long) vocabSize * embeddingSize);
      fitsOneArray("max_position_embeddings x embedding_size (the position embeddings)",
          (long) maxPositionEmbeddings * embeddingSize);
    }
    fitsOneArray("intermediate_size x hidden_size (one feed-forward weight)", (long) intermediateSize * hiddenSize);
    fitsOneArray("max_position_embeddings x hidden_size (the position embeddings)", (long) maxPositionEmbeddings * hiddenSize);
    if (hiddenSize % numHeads != 0) {
      throw new IllegalArgumentException(
          "hidden_size " + hiddenSize + " is not a multiple of num_attention_heads " + numHeads);
    }
    if (padTokenId < 0 || padTokenId >= vocabSize) {
      throw new IllegalArgumentException(
          "pad_token_id " + padTokenId + " is outside the vocabulary 0.." + (vocabSize - 1));
    }
    int firstPosition = modelType.positionIds().firstPosition(padTokenId);
    if (maxPositionEmbeddings <= firstPosition) {
      throw new IllegalArgumentException(
          modelType.hfName()
              + " positions start at pad_token_id + 1 = "
              + firstPosition
              + "; max_position_embeddings "
              + maxPositionEmbeddings
              + " leaves no room");
    }
    if (!(layerNormEps > 0) || !(initializerRange > 0)) {
      throw new IllegalArgumentException("layer_norm_eps and initializer_range must be positive");
    }
    distinctLayers = modelType.distinctLayers(this);
    if (distinctLayers < 1 || distinctLayers > numLayers) {
      throw new IllegalArgumentException(modelType.hfName() + ": " + distinctLayers
          + " layers with their own weights for " + numLayers + " layers (num_hidden_layers)");
    }
  }

  private static int within(String name, int value, int max) {
    if (value <= 0 || value > max) {
      throw new IllegalArgumentException(
          name + " must be between 1 and " + max + ", got " + value);
    }
    return value;
  }

  private static void fitsOneArray(String what, long values) {
    if (values > MAX_TENSOR_VALUES) {
      throw new IllegalArgumentException(
          what + " would hold " + values + " values, more than one tensor can (" + MAX_TENSOR_VALUES + ")");
    }
  }

  private static float probability(String name, float value) {
    if (!(value >= 0 && value < 1)) {
      throw new IllegalArgumentException(name + " must be in [0, 1), got " + value);
    }
    return value;
  }

  /**
   * Starts a builder with Hugging Face's BERT-base defaults.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A tiny BERT for tests: vocabulary 100, hidden 32, 2 layers, 4 heads, FFN 64, 64 positions.
   *
   * @return the configuration
   */
  public static EncoderConfig tiny() {
    return builder()
        .vocabSize(100)
        .hiddenSize(32)
        .numLayers(2)
        .numHeads(4)
        .intermediateSize(64)
        .maxPositionEmbeddings(64)
        .build();
  }

  /**
   * A builder pre-filled with this configuration.
   *
   * @return a builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.modelType = modelType;
    b.vocabSize = vocabSize;
    b.hiddenSize = hiddenSize;
    b.embeddingSize = embeddingSize;
    b.numLayers = numLayers;
    b.numHeads = numHeads;
    b.intermediateSize = intermediateSize;
    b.hiddenAct = hiddenAct;
    b.hiddenDropout = hiddenDropout;
    b.attentionDropout = attentionDropout;
    b.classifierDropout = classifierDropout;
    b.maxPositionEmbeddings = maxPositionEmbeddings;
    b.typeVocabSize = typeVocabSize;
    b.layerNormEps = layerNormEps;
    b.initializerRange = initializerRange;
    b.padTokenId = padTokenId;
    b.original = original;
    return b;
  }

  /**
   * Reads a Hugging Face {@code config.json}.
   *
   * @param file the file
   * @return the configuration
   * @throws CheckpointException when the file is missing, not JSON, of an unsupported
   *     {@code model_type} or inconsistent, or a value is of the wrong JSON type or out of range
   *     (e.g. more than {@value #MAX_LAYERS} layers); the message names the file and the key
   */
  public static EncoderConfig fromJson(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new CheckpointException(
          "config.json not found: " + file + " (a model folder needs config.json, model.safetensors, tokenizer.json)", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    try {
      return fromJson(text);
    } catch (CheckpointException e) {
      String message = e.getMessage();
      throw new CheckpointException(
          message.startsWith(CONFIG + ": ") ? file + message.substring(CONFIG.length()) : file + ": " + message, e);
    }
  }

  /**
   * Parses the text of a Hugging Face {@code config.json}; missing fields take the defaults of its
   * {@code model_type}'s family ({@link ModelType#applyConfigDefaults}).
   *
   * @param json the JSON text
   * @return the configuration
   * @throws CheckpointException as {@link #fromJson(Path)}, the message starting with
   *     {@code config.json:}
   */
  public static EncoderConfig fromJson(String json) {
    JsonObject o;
    try {
      JsonElement e = JsonParser.parseString(json);
      if (!e.isJsonObject()) {
        throw new CheckpointException("config.json is not a JSON object");
      }
      o = e.getAsJsonObject();
    } catch (JsonParseException e) {
      throw new CheckpointException("config.json is not valid JSON: " + e.getMessage(), e);
    }
    if (!o.has("model_type") || o.get("model_type").isJsonNull()) {
      throw new CheckpointException(
          "config.json has no model_type (expected one of " + ModelTypes.names() + ")");
    }
    ModelType type = ModelType.fromHf(str(o, "model_type", ""));
    String positions = str(o, "position_embedding_type", "absolute");
    if (!positions.equals("absolute")) {
      throw new CheckpointException(
          "config.json: position_embedding_type \"" + positions + "\" is not supported (only absolute)");
    }
    Builder b = builder();
    type.applyConfigDefaults(b);
    b.modelType(type);
    b.vocabSize(integer(o, key(type, "vocab_size"), b.vocabSize))
        .hiddenSize(integer(o, key(type, "hidden_size"), b.hiddenSize))
        .numLayers(integer(o, key(type, "num_hidden_layers"), b.numLayers))
        .numHeads(integer(o, key(type, "num_attention_heads"), b.numHeads))
        .intermediateSize(integer(o, key(type, "intermediate_size"), b.intermediateSize))
        .hiddenAct(HiddenActivation.fromHf(str(o, key(type, "hidden_act"), b.hiddenAct.hfName())))
        .hiddenDropout((float) number(o, key(type, "hidden_dropout_prob"), b.hiddenDropout))
        .attentionDropout((float) number(o, key(type, "attention_probs_dropout_prob"), b.attentionDropout))
        .maxPositionEmbeddings(integer(o, key(type, "max_position_embeddings"), b.maxPositionEmbeddings))
        .typeVocabSize(integer(o, key(type, "type_vocab_size"), b.typeVocabSize))
        .layerNormEps(number(o, key(type, "layer_norm_eps"), b.layerNormEps))
        .initializerRange(number(o, key(type, "initializer_range"), b.initializerRange))
        .padTokenId(integer(o, key(type, "pad_token_id"), b.padTokenId));
    if (o.has(key(type, "embedding_size")) && !o.get(key(type, "embedding_size")).isJsonNull()) {
      b.embeddingSize(integer(o, key(type, "embedding_size"), b.hiddenSize));
    }
    if (o.has(key(type, "classifier_dropout")) && !o.get(key(type, "classifier_dropout")).isJsonNull()) {
      b.classifierDropout((float) number(o, key(type, "classifier_dropout"), 0));
    }
    b.original = o;
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(CONFIG + ": " + e.getMessage(), e);
    }
  }

  /** The family's config.json key for a key of BERT's ({@link ModelType#configKeys()}). */
  private static String key(ModelType type, String bertKey) {
    return type.configKeys().getOrDefault(bertKey, bertKey);
  }

  private static String str(JsonObject o, String key, String fallback) {
    if (!o.has(key) || o.get(key).isJsonNull()) {
      return fallback;
    }
    JsonElement e = o.get(key);
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw typeError(key, "a string", e);
    }
    return e.getAsString();
  }

  private static int integer(JsonObject o, String key, int fallback) {
    if (!o.has(key) || o.get(key).isJsonNull()) {
      return fallback;
    }
    JsonElement e = o.get(key);
    if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
      try {
        return e.getAsBigDecimal().intValueExact();
      } catch (ArithmeticException | NumberFormatException notWhole) {
        // falls through to the error below
      }
    }
    throw typeError(key, "a whole number", e);
  }

  private static double number(JsonObject o, String key, double fallback) {
    if (!o.has(key) || o.get(key).isJsonNull()) {
      return fallback;
    }
    JsonElement e = o.get(key);
    if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
      try {
        double value = e.getAsDouble();
        if (Double.isFinite(value)) {
          return value;
        }
      } catch (NumberFormatException notANumber) {
        // falls through to the error below
      }
    }
    throw typeError(key, "a number", e);
  }

  private static CheckpointException typeError(String key, String expected, JsonElement actual) {
    String shown = actual.toString();
    return new CheckpointException(
        CONFIG
            + ": "
            + key
            + " must be "
            + expected
            + ", got "
            + (shown.length() <= 80 ? shown : shown.substring(0, 80) + "..."));
  }

  /**
   * The configuration as a Hugging Face {@code config.json} object: the fields of the file it was
   * read from (if any) with this configuration's values written over them.
   *
   * @return a fresh JSON object
   */
  public JsonObject toJsonObject() {
    JsonObject o = original.deepCopy();
    o.addProperty("model_type", modelType.hfName());
    o.addProperty(key(modelType, "vocab_size"), vocabSize);
    o.addProperty(key(modelType, "hidden_size"), hiddenSize);
    if (embeddingSize != null) {
      o.addProperty(key(modelType, "embedding_size"), embeddingSize);
    }
    o.addProperty(key(modelType, "num_hidden_layers"), numLayers);
    o.addProperty(key(modelType, "num_attention_heads"), numHeads);
    o.addProperty(key(modelType, "intermediate_size"), intermediateSize);
    o.addProperty(key(modelType, "hidden_act"), hiddenAct.hfName());
    o.addProperty(key(modelType, "hidden_dropout_prob"), hiddenDropout);
    o.addProperty(key(modelType, "attention_probs_dropout_prob"), attentionDropout);
    if (classifierDropout != null) {
      o.addProperty(key(modelType, "classifier_dropout"), classifierDropout);
    }
    o.addProperty(key(modelType, "max_position_embeddings"), maxPositionEmbeddings);
    o.addProperty(key(modelType, "type_vocab_size"), typeVocabSize);
    o.addProperty(key(modelType, "layer_norm_eps"), layerNormEps);
    o.addProperty(key(modelType, "initializer_range"), initializerRange);
    o.addProperty(key(modelType, "pad_token_id"), padTokenId);
    o.addProperty("position_embedding_type", "absolute");
    return o;
  }

  /**
   * The configuration as pretty-printed {@code config.json} text.
   *
   * @return JSON text
   */
  public String toJson() {
    return GSON.toJson(toJsonObject());
  }

  /**
   * The architecture family.
   *
   * @return e.g. {@link ModelType#BERT}
   */
  public ModelType modelType() {
    return modelType;
  }

  /**
   * Vocabulary size (rows of the word-embedding table).
   *
   * @return {@code vocab_size}
   */
  public int vocabSize() {
    return vocabSize;
  }

  /**
   * Hidden size.
   *
   * @return {@code hidden_size}
   */
  public int hiddenSize() {
    return hiddenSize;
  }

  /**
   * Width of the embedding tables ({@code embedding_size} of ELECTRA and ALBERT, whose
   * embeddings are projected to the hidden size, {@link ModelType#embeddingProjection()}).
   *
   * <pre>{@code
   * EncoderConfig.fromJson("{\"model_type\": \"electra\", \"embedding_size\": 128, ...}")
   *     .embeddingSize();   // 128
   * }</pre>
   *
   * @return {@code embedding_size} when the configuration has one, else the hidden size
   */
  public int embeddingSize() {
    return embeddingSize != null ? embeddingSize : hiddenSize;
  }

  /**
   * Number of encoder layers the input passes through.
   *
   * @return {@code num_hidden_layers}
   */
  public int numLayers() {
    return numLayers;
  }

  /**
   * Number of layers with their own weights ({@link ModelType#distinctLayers}): {@link
   * #numLayers()} except where layers share weights (ALBERT: one shared layer applied
   * {@code num_hidden_layers} times). Layer indices of parameter names, layer-wise learning
   * rates, layer selectors and gradual unfreezing count these layers.
   *
   * @return 1..{@link #numLayers()}
   */
  public int distinctLayers() {
    return distinctLayers;
  }

  /**
   * Number of attention heads.
   *
   * @return {@code num_attention_heads}
   */
  public int numHeads() {
    return numHeads;
  }

  /**
   * Size of one attention head.
   *
   * @return hidden size / heads
   */
  public int headSize() {
    return hiddenSize / numHeads;
  }

  /**
   * Feed-forward inner size.
   *
   * @return {@code intermediate_size}
   */
  public int intermediateSize() {
    return intermediateSize;
  }

  /**
   * Feed-forward activation.
   *
   * @return {@code hidden_act}
   */
  public HiddenActivation hiddenAct() {
    return hiddenAct;
  }

  /**
   * Dropout on embeddings and sub-layer outputs.
   *
   * @return {@code hidden_dropout_prob}
   */
  public float hiddenDropout() {
    return hiddenDropout;
  }

  /**
   * Dropout on attention probabilities.
   *
   * @return {@code attention_probs_dropout_prob}
   */
  public float attentionDropout() {
    return attentionDropout;
  }

  /**
   * Dropout before the classifier: {@code classifier_dropout} when set, else the hidden dropout.
   *
   * @return the head's dropout probability
   */
  public float classifierDropout() {
    return classifierDropout != null ? classifierDropout : hiddenDropout;
  }

  /**
   * Rows of the position-embedding table.
   *
   * @return {@code max_position_embeddings}
   */
  public int maxPositionEmbeddings() {
    return maxPositionEmbeddings;
  }

  /**
   * Longest input the position table allows (padding-aware families such as RoBERTa lose the
   * {@code pad_token_id + 1} rows before their first position).
   *
   * @return the maximum sequence length
   */
  public int maxSequenceLength() {
    return maxPositionEmbeddings - modelType.positionIds().firstPosition(padTokenId);
  }

  /**
   * Rows of the token-type table.
   *
   * @return {@code type_vocab_size}; 0 for a model without token types (DeBERTa-v3)
   */
  public int typeVocabSize() {
    return typeVocabSize;
  }

  /**
   * LayerNorm epsilon.
   *
   * @return {@code layer_norm_eps}
   */
  public double layerNormEps() {
    return layerNormEps;
  }

  /**
   * Standard deviation of fresh weights.
   *
   * @return {@code initializer_range}
   */
  public double initializerRange() {
    return initializerRange;
  }

  /**
   * Padding token id.
   *
   * @return {@code pad_token_id}
   */
  public int padTokenId() {
    return padTokenId;
  }

  /**
   * A copy with fewer layers (for keep-first-k).
   *
   * @param layers the new layer count
   * @return the new configuration
   */
  public EncoderConfig withNumLayers(int layers) {
    return toBuilder().numLayers(layers).build();
  }

  /** {@inheritDoc} */
  @Override
  public String toString() {
    return modelType.hfName()
        + "(layers="
        + numLayers
        + ", hidden="
        + hiddenSize
        + ", heads="
        + numHeads
        + ", ffn="
        + intermediateSize
        + ", vocab="
        + vocabSize
        + ", act="
        + hiddenAct.hfName()
        + ")";
  }

  /**
   * Builds an {@link EncoderConfig}; defaults are Hugging Face's BERT-base values.
   *
   * <pre>{@code
   * EncoderConfig c = EncoderConfig.builder().modelType(ModelType.ROBERTA).padTokenId(1)
   *     .typeVocabSize(1).vocabSize(100).hiddenSize(32).numLayers(2).numHeads(4)
   *     .intermediateSize(64).maxPositionEmbeddings(40).build();
   * }</pre>
   */
  public static final class Builder {
    private ModelType modelType = ModelType.BERT;
    private int vocabSize = 30522;
    private int hiddenSize = 768;
    private Integer embeddingSize;
    private int numLayers = 12;
    private int numHeads = 12;
    private int intermediateSize = 3072;
    private HiddenActivation hiddenAct = HiddenActivation.GELU;
    private float hiddenDropout = 0.1f;
    private float attentionDropout = 0.1f;
    private Float classifierDropout;
    private int maxPositionEmbeddings = 512;
    private int typeVocabSize = 2;
    private double layerNormEps = 1e-12;
    private double initializerRange = 0.02;
    private int padTokenId;
    private JsonObject original;

    private Builder() {}

    /**
     * Sets the architecture family (default {@link ModelType#BERT}). Only
     * {@link EncoderConfig#fromJson(Path)} applies the family's config defaults; a builder keeps
     * the values it is given.
     *
     * @param value e.g. {@link ModelType#ROBERTA}
     * @return this builder
     */
    public Builder modelType(ModelType value) {
      modelType = value;
      return this;
    }

    /**
     * Sets the vocabulary size.
     *
     * @param value rows of the word-embedding table
     * @return this builder
     */
    public Builder vocabSize(int value) {
      vocabSize = value;
      return this;
    }

    /**
     * Sets the hidden size.
     *
     * @param value the width of the model
     * @return this builder
     */
    public Builder hiddenSize(int value) {
      hiddenSize = value;
      return this;
    }

    /**
     * Sets the width of the embedding tables (ELECTRA, ALBERT); null (the default) for the hidden
     * size, with no {@code embedding_size} key in {@code config.json}.
     *
     * @param value the width, or null
     * @return this builder
     */
    public Builder embeddingSize(Integer value) {
      embeddingSize = value;
      return this;
    }

    /**
     * Sets the number of layers.
     *
     * @param value encoder layers
     * @return this builder
     */
    public Builder numLayers(int value) {
      numLayers = value;
      return this;
    }

    /**
     * Sets the number of attention heads.
     *
     * @param value heads; must divide the hidden size
     * @return this builder
     */
    public Builder numHeads(int value) {
      numHeads = value;
      return this;
    }

    /**
     * Sets the feed-forward inner size.
     *
     * @param value the size
     * @return this builder
     */
    public Builder intermediateSize(int value) {
      intermediateSize = value;
      return this;
    }

    /**
     * Sets the activation.
     *
     * @param value the activation
     * @return this builder
     */
    public Builder hiddenAct(HiddenActivation value) {
      hiddenAct = value;
      return this;
    }

    /**
     * Sets the hidden dropout.
     *
     * @param value probability in [0, 1)
     * @return this builder
     */
    public Builder hiddenDropout(float value) {
      hiddenDropout = value;
      return this;
    }

    /**
     * Sets the attention dropout.
     *
     * @param value probability in [0, 1)
     * @return this builder
     */
    public Builder attentionDropout(float value) {
      attentionDropout = value;
      return this;
    }

    /**
     * Sets the classifier dropout (defaults to the hidden dropout).
     *
     * @param value probability in [0, 1), or null for the hidden dropout
     * @return this builder
     */
    public Builder classifierDropout(Float value) {
      classifierDropout = value;
      return this;
    }

    /**
     * Sets the size of the position table.
     *
     * @param value rows
     * @return this builder
     */
    public Builder maxPositionEmbeddings(int value) {
      maxPositionEmbeddings = value;
      return this;
    }

    /**
     * Sets the size of the token-type table.
     *
     * @param value rows (1 for RoBERTa, 0 for none)
     * @return this builder
     */
    public Builder typeVocabSize(int value) {
      typeVocabSize = value;
      return this;
    }

    /**
     * Sets the LayerNorm epsilon.
     *
     * @param value epsilon
     * @return this builder
     */
    public Builder layerNormEps(double value) {
      layerNormEps = value;
      return this;
    }

    /**
     * Sets the standard deviation of fresh weights.
     *
     * @param value standard deviation
     * @return this builder
     */
    public Builder initializerRange(double value) {
      initializerRange = value;
      return this;
    }

    /**
     * Sets the padding token id.
     *
     * @param value the id (RoBERTa: 1)
     * @return this builder
     */
    public Builder padTokenId(int value) {
      padTokenId = value;
      return this;
    }

    /**
     * Builds and validates the configuration.
     *
     * @return the configuration
     * @throws IllegalArgumentException when sizes are inconsistent
     */
    public EncoderConfig build() {
      return new EncoderConfig(this);
    }
  }
}
