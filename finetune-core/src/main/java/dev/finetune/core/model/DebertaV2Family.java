package dev.finetune.core.model;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.finetune.core.checkpoint.CheckpointException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * DeBERTa-v2 and DeBERTa-v3 ({@code model_type} {@code deberta-v2}; v3 checkpoints use the same
 * type), as Hugging Face's {@code modeling_deberta_v2.py}: word embeddings, absolute positions
 * only with {@code position_biased_input} (false in v3), token types only when
 * {@code type_vocab_size > 0}, {@code embeddings.LayerNorm}; layers {@code encoder.layer.N} with
 * {@code attention.self.query_proj/key_proj/value_proj}, {@code attention.output.dense/LayerNorm},
 * {@code intermediate.dense}, {@code output.dense/LayerNorm}; disentangled attention with
 * relative positions ({@link DisentangledAttention}: {@code relative_attention},
 * {@code position_buckets}, {@code max_relative_positions}, {@code pos_att_type} c2p/p2c,
 * {@code share_att_key}, {@code norm_rel_ebd}). The head is
 * {@code DebertaV2ForSequenceClassification}'s: {@code ContextPooler} (first token, dense
 * {@code pooler.dense}, {@code pooler_hidden_act} GELU) then dropout ({@code cls_dropout}, else
 * the hidden dropout) and {@code classifier}; the pooler belongs to the task model, so it is
 * stored without the {@code deberta.} prefix. The masked-LM heads ({@code lm_predictions.*},
 * {@code mask_predictions.*}) are skipped.
 *
 * <p>Refused with an error naming the key: {@code conv_kernel_size > 0} (v2-xlarge's convolution
 * after the first layer), {@code share_att_key: false} (separate {@code pos_key_proj} /
 * {@code pos_query_proj}), {@code embedding_size} other than {@code hidden_size}
 * ({@code embed_proj}), a {@code pooler_hidden_size} other than {@code hidden_size}, a
 * {@code pooler_hidden_act} other than {@code gelu} and an {@code attention_head_size} other than
 * {@code hidden_size / num_attention_heads}. Not applied: the {@code ContextPooler}'s own dropout
 * ({@code pooler_dropout}, 0 in every published checkpoint) and Hugging Face's zeroing of padded
 * rows, which change no output at a real token.
 *
 * <pre>{@code
 * ModelType t = ModelType.fromHf("deberta-v2");
 * t.defaultLoraTargets();             // [query_proj, value_proj], as PEFT
 * t.encoderLayout().query();          // "attention.self.query_proj"
 * }</pre>
 */
public final class DebertaV2Family extends DeclaredFamily {

  /** DeBERTa-v2's module names (BERT's, with {@code query_proj}, {@code key_proj}, ...). */
  public static final EncoderLayout LAYOUT =
      new EncoderLayout(
          "encoder.layer.",
          "attention.self.query_proj",
          "attention.self.key_proj",
          "attention.self.value_proj",
          "attention.output.dense",
          "attention.output.LayerNorm",
          "intermediate.dense",
          "output.dense",
          "output.LayerNorm",
          "attention.output",
          "output",
          true,
          true);

  private static final HeadLayout HEAD =
      new HeadLayout("pooler.dense", "classifier", false, HeadLayout.Activation.GELU, false);

  private static final Map<String, String> KEYS = Map.of("classifier_dropout", "cls_dropout");

  /** Creates the family (the registry holds one instance; {@link ModelTypes#fromHf} finds it). */
  public DebertaV2Family() {
    // defaultLoraTargets: PEFT's default: [query_proj, value_proj].
    // defaultIa3Targets: PEFT's default: [key_proj, value_proj, output.dense].
    // defaultIa3FeedForward: PEFT's default: [output.dense].
    // pretrainingHeads: The masked-LM heads (lm_predictions.*; mask_predictions.* of v3's replaced-token detection), and the absolute position table a v3 checkpoint may carry although position_biased_input is false (Hugging Face ignores it on load as well).
    super(new Declaration("deberta-v2", "deberta.", "DebertaV2ForSequenceClassification",
        PositionIds.SEQUENTIAL, HEAD,
        List.of("query_proj", "value_proj"), List.of("key_proj", "value_proj", "output.dense"),
        List.of("output.dense"), List.of("lm_predictions.", "mask_predictions.", "embeddings.position_embeddings."))
        .withLayout(LAYOUT, KEYS));
  }

  /**
   * {@code DebertaV2Config}'s defaults where they differ from BERT's: vocabulary 128100, hidden
   * 1536, 24 layers and heads, FFN 6144, no token types, {@code layer_norm_eps} 1e-7.
   */
  @Override
  public void applyConfigDefaults(EncoderConfig.Builder builder) {
    builder.vocabSize(128100).hiddenSize(1536).numLayers(24).numHeads(24).intermediateSize(6144)
        .typeVocabSize(0).layerNormEps(1e-7);
  }

  /** Always CLS: the {@code ContextPooler} reads the first token, whatever the checkpoint. */
  @Override
  public Pooling defaultPooling(Set<String> checkpointTensors) {
    return Pooling.CLS_POOLER;
  }

  /** {@code position_biased_input} (Hugging Face's default true; false in v3). */
  @Override
  public boolean absolutePositions(EncoderConfig config) {
    JsonObject o = checked(config);
    return bool(o, "position_biased_input", true);
  }

  /** The relative-position settings when {@code relative_attention} is true. */
  @Override
  public Optional<DisentangledAttention.Settings> disentangledAttention(EncoderConfig config) {
    JsonObject o = checked(config);
    if (!bool(o, "relative_attention", false)) {
      return Optional.empty();
    }
    int maxRelative = integer(o, "max_relative_positions", -1);
    if (maxRelative < 1) {
      maxRelative = config.maxPositionEmbeddings();
    }
    List<String> types = posAttType(o);
    List<String> norms =
        List.of(string(o, "norm_rel_ebd", "none").toLowerCase(Locale.ROOT).split("\\|"));
    return Optional.of(new DisentangledAttention.Settings(
        integer(o, "position_buckets", -1), maxRelative, types.contains("c2p"),
        types.contains("p2c"), norms.stream().map(String::strip).anyMatch("layer_norm"::equals)));
  }

  /** The configuration's JSON after refusing what this family does not implement. */
  private static JsonObject checked(EncoderConfig config) {
    JsonObject o = config.toJsonObject();
    int hidden = config.hiddenSize();
    if (integer(o, "conv_kernel_size", 0) > 0) {
      throw refused("conv_kernel_size " + integer(o, "conv_kernel_size", 0)
          + ": the convolution after the first layer (DeBERTa-v2 xlarge/xxlarge) is not"
          + " implemented; use a model without it (DeBERTa-v3 checkpoints have none)");
    }
    if (bool(o, "relative_attention", false) && !bool(o, "share_att_key", false)) {
      throw refused("share_att_key false: separate position projections (pos_key_proj,"
          + " pos_query_proj) are not implemented; every published DeBERTa-v2/v3 checkpoint sets"
          + " share_att_key true");
    }
    int embedding = integer(o, "embedding_size", hidden);
    if (embedding != hidden) {
      throw refused("embedding_size " + embedding + " differs from hidden_size " + hidden
          + ": the embed_proj projection is not implemented");
    }
    int pooler = integer(o, "pooler_hidden_size", hidden);
    if (pooler != hidden) {
      throw refused("pooler_hidden_size " + pooler + " differs from hidden_size " + hidden
          + ": the ContextPooler here keeps the hidden size");
    }
    String act = string(o, "pooler_hidden_act", "gelu");
    if (!act.equals("gelu")) {
      throw refused("pooler_hidden_act \"" + act + "\": only \"gelu\" (exact erf GELU) is"
          + " implemented for the ContextPooler");
    }
    int headSize = integer(o, "attention_head_size", config.headSize());
    if (headSize != config.headSize()) {
      throw refused("attention_head_size " + headSize + " differs from hidden_size /"
          + " num_attention_heads = " + config.headSize());
    }
    return o;
  }

  /** {@code pos_att_type} as a list or as DeBERTa's {@code "p2c|c2p"} string, lower case. */
  private static List<String> posAttType(JsonObject o) {
    JsonElement e = o.get("pos_att_type");
    if (e == null || e.isJsonNull()) {
      return List.of();
    }
    if (e.isJsonArray()) {
      return e.getAsJsonArray().asList().stream()
          .map(x -> x.getAsString().strip().toLowerCase(Locale.ROOT)).toList();
    }
    return List.of(string(o, "pos_att_type", "").toLowerCase(Locale.ROOT).split("\\|")).stream()
        .map(String::strip).toList();
  }

  private static CheckpointException refused(String what) {
    return new CheckpointException("config.json (deberta-v2): " + what);
  }

  private static boolean bool(JsonObject o, String key, boolean fallback) {
    JsonElement e = o.get(key);
    if (e == null || e.isJsonNull()) {
      return fallback;
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
      throw refused(key + " must be true or false, got " + e);
    }
    return e.getAsBoolean();
  }

  private static int integer(JsonObject o, String key, int fallback) {
    JsonElement e = o.get(key);
    if (e == null || e.isJsonNull()) {
      return fallback;
    }
    try {
      if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
        return e.getAsBigDecimal().intValueExact();
      }
    } catch (ArithmeticException notWhole) {
      // falls through to the error below
    }
    throw refused(key + " must be a whole number, got " + e);
  }

  private static String string(JsonObject o, String key, String fallback) {
    JsonElement e = o.get(key);
    if (e == null || e.isJsonNull()) {
      return fallback;
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw refused(key + " must be a string, got " + e);
    }
    return e.getAsString();
  }

}
