package dev.finetune.core.model;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * ALBERT ({@code model_type} {@code albert}), as Hugging Face's {@code modeling_albert.py}:
 * embedding tables of width {@code embedding_size}, projected to the hidden size by
 * {@code encoder.embedding_hidden_mapping_in}; ONE layer's weights,
 * {@code encoder.albert_layer_groups.0.albert_layers.0.*} ({@code attention.query/key/value/dense/
 * LayerNorm}, {@code ffn}, {@code ffn_output}, {@code full_layer_layer_norm}; no dropout after
 * {@code ffn_output}), applied {@code num_hidden_layers} times; the head of
 * {@code AlbertForSequenceClassification}: {@code pooler} + tanh over the first token, dropout
 * ({@code classifier_dropout_prob}), {@code classifier}. Weights sit under {@code albert.} in task
 * checkpoints; the pre-training heads ({@code predictions.*}, {@code sop_classifier.*}) are
 * skipped.
 *
 * <p>The shared layer is one set of parameters: gradients of all applications add up in it, and
 * it is saved once under Hugging Face's names. Everything that counts layers counts layers with
 * their own weights ({@link EncoderConfig#distinctLayers()}, 1 here): the shared layer is layer 0
 * of 1, so layer-wise learning-rate decay, gradual unfreezing, layer selectors ({@code top_layers(1)})
 * and re-initialisation treat it as one unit between the embeddings and the head. PEFT modules
 * go on the shared layer once and act at every application: LoRA and IA3 on the shared
 * projections (as PEFT wrapping the shared {@code nn.Linear}), one adapter (Houlsby, Pfeiffer,
 * parallel) per position shared by all applications, one key/value prefix seen by every
 * application. Only {@code num_hidden_groups = 1} and {@code inner_group_num = 1} (every
 * published ALBERT) are supported; other values are refused when the configuration is read.
 *
 * <pre>{@code
 * ModelType t = ModelType.fromHf("albert");
 * t.encoderLayout().layer(0) + t.encoderLayout().query();
 *     // "encoder.albert_layer_groups.0.albert_layers.0.attention.query"
 * }</pre>
 */
public final class AlbertFamily extends DeclaredFamily {

  /** ALBERT's module names; the layer index is the layer group's. */
  public static final EncoderLayout LAYOUT =
      new EncoderLayout(
          "encoder.albert_layer_groups.",
          "albert_layers.0.attention.query",
          "albert_layers.0.attention.key",
          "albert_layers.0.attention.value",
          "albert_layers.0.attention.dense",
          "albert_layers.0.attention.LayerNorm",
          "albert_layers.0.ffn",
          "albert_layers.0.ffn_output",
          "albert_layers.0.full_layer_layer_norm",
          "albert_layers.0.attention",
          "albert_layers.0.ffn_output",
          true,
          true,
          false);

  private static final HeadLayout HEAD = new HeadLayout("pooler", "classifier", false);

  private static final Map<String, String> KEYS =
      Map.of("classifier_dropout", "classifier_dropout_prob");

  /** Creates the family (the registry holds one instance; {@link ModelTypes#fromHf} finds it). */
  public AlbertFamily() {
    // defaultLoraTargets: PEFT's default: [query, value].
    // defaultIa3Targets: PEFT has no IA3 default for ALBERT; BERT's choice (key, value, the second FFN projection) in ALBERT's names.
    // defaultIa3FeedForward: The second FFN projection, ffn_output.
    // pretrainingHeads: The masked-LM and sentence-order heads of AlbertForPreTraining.
    super(new Declaration("albert", "albert.", "AlbertForSequenceClassification",
        PositionIds.SEQUENTIAL, HEAD,
        List.of("query", "value"), List.of("key", "value", "ffn_output"),
        List.of("ffn_output"), List.of("predictions.", "sop_classifier."))
        .withLayout(LAYOUT, KEYS));
  }

  /**
   * {@code AlbertConfig}'s defaults: vocabulary 30000, {@code embedding_size} 128, hidden 4096,
   * 64 heads, FFN 16384, {@code gelu_new}, no hidden or attention dropout,
   * {@code classifier_dropout_prob} 0.1.
   */
  @Override
  public void applyConfigDefaults(EncoderConfig.Builder builder) {
    builder.vocabSize(30000).embeddingSize(128).hiddenSize(4096).numHeads(64)
        .intermediateSize(16384).hiddenAct(HiddenActivation.GELU_NEW).hiddenDropout(0f)
        .attentionDropout(0f).classifierDropout(0.1f);
  }

  /** Always CLS: {@code AlbertForSequenceClassification} classifies the pooled first token. */
  @Override
  public Pooling defaultPooling(Set<String> checkpointTensors) {
    return Pooling.CLS_POOLER;
  }

  /** {@code encoder.embedding_hidden_mapping_in}. */
  @Override
  public Optional<String> embeddingProjection() {
    return Optional.of("encoder.embedding_hidden_mapping_in");
  }

  /** Always: ALBERT projects its embeddings even when the two sizes are equal. */
  @Override
  public boolean hasEmbeddingProjection(EncoderConfig config) {
    return true;
  }

  /**
   * One: the layer group all {@code num_hidden_layers} layers share.
   *
   * @throws IllegalArgumentException when {@code num_hidden_groups} or {@code inner_group_num}
   *     is not 1
   */
  @Override
  public int distinctLayers(EncoderConfig config) {
    JsonObject o = config.toJsonObject();
    for (String key : List.of("num_hidden_groups", "inner_group_num")) {
      JsonElement value = o.get(key);
      if (value != null && !value.isJsonNull()
          && !(value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber()
              && value.getAsDouble() == 1)) {
        throw new IllegalArgumentException(
            "ALBERT with " + key + " " + value + " is not supported: only num_hidden_groups 1 and"
                + " inner_group_num 1 (one layer shared by all layers, as every published ALBERT)"
                + " load; set " + key + " to 1 or use a published ALBERT checkpoint");
      }
    }
    return 1;
  }

}
