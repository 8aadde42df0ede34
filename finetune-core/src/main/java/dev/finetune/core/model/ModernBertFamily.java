package dev.finetune.core.model;

import ai.djl.nn.Parameter;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.finetune.core.checkpoint.CheckpointException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * ModernBERT ({@code model_type} {@code modernbert}), as Hugging Face's
 * {@code modeling_modernbert.py} computes it with {@code attn_implementation="eager"}: word
 * embeddings and a norm ({@code embeddings.tok_embeddings}, {@code embeddings.norm}; no position
 * or token-type table), pre-norm layers {@code layers.N} ({@link ModernBertLayer}: {@code
 * attn_norm}, the fused {@code attn.Wqkv}, rotary positions, {@code attn.Wo}, {@code mlp_norm},
 * GeGLU {@code mlp.Wi} / {@code mlp.Wo}), sliding-window attention on local layers (every {@code
 * global_attn_every_n_layers}-th layer is global) and {@code final_norm}. Biases follow {@code
 * attention_bias}, {@code mlp_bias}, {@code norm_bias} and {@code classifier_bias} (all false in
 * the published models). The head is {@code ModernBertForSequenceClassification}'s: pooling
 * ({@code classifier_pooling}: cls or mean), {@code head.dense}, GELU, {@code head.norm}, dropout,
 * {@code classifier}; token heads run {@code head} on every token. Encoder weights sit under
 * {@code model.}; the masked-LM {@code decoder} is skipped (its {@code head.*} is the same module
 * as the classifier's and loads into it, as in {@code transformers}).
 *
 * <pre>{@code
 * ModelType t = ModelType.fromHf("modernbert");
 * t.defaultLoraTargets();             // [Wqkv]: one LoRA pair on the fused projection
 * t.encoderLayout().layer(0);         // "layers.0."
 * }</pre>
 */
public final class ModernBertFamily extends DeclaredFamily implements EncoderParts {

  /**
   * ModernBERT's module names; the fused {@code attn.Wqkv} stands for query, key and value, and
   * layer 0 has no {@code attn_norm} (an identity in {@code transformers}).
   */
  public static final EncoderLayout LAYOUT =
      new EncoderLayout(
          "layers.",
          "attn.Wqkv",
          "attn.Wqkv",
          "attn.Wqkv",
          "attn.Wo",
          "attn_norm",
          "mlp.Wi",
          "mlp.Wo",
          "mlp_norm",
          "attn",
          "mlp",
          false,
          true);

  private static final HeadLayout HEAD =
      new HeadLayout("head.dense", "classifier", false, HeadLayout.Activation.GELU, "head.norm",
          true);

  /** Hugging Face {@code ModernBertConfig}'s names for BERT's keys. */
  private static final Map<String, String> KEYS =
      Map.of(
          "hidden_act", "hidden_activation",
          "layer_norm_eps", "norm_eps",
          "attention_probs_dropout_prob", "attention_dropout",
          "hidden_dropout_prob", "mlp_dropout");

  private static final String FINAL_NORM = "final_norm";

  /** Creates the family (the registry holds one instance; {@link ModelTypes#fromHf} finds it). */
  public ModernBertFamily() {
    // positionIds: Sequential: rotary positions 0..T-1 (padding included), as the eager path numbers them.
    // defaultLoraTargets: [Wqkv]: PEFT has no default for ModernBERT; this is its choice for MPT, whose fused Wqkv ModernBERT shares (one LoRA pair on the whole projection, as PEFT wraps the Linear: A (r, H), B (3H, r)).
    // defaultIa3Targets: [Wqkv, mlp.Wo]: PEFT has no default for ModernBERT; as for its fused families (BLOOM, Falcon) the fused projection's output (3H) and the feed-forward output's input are scaled.
    // defaultIa3FeedForward: The feed-forward output, mlp.Wo.
    // pretrainingHeads: The masked-LM decoder of ModernBertForMaskedLM.
    super(new Declaration("modernbert", "model.", "ModernBertForSequenceClassification",
        PositionIds.SEQUENTIAL, HEAD,
        List.of("Wqkv"), List.of("Wqkv", "mlp.Wo"),
        List.of("mlp.Wo"), List.of("decoder."))
        .withLayout(LAYOUT, KEYS));
  }

  /** {@code ModernBertConfig}'s defaults (ModernBERT-base). */
  @Override
  public void applyConfigDefaults(EncoderConfig.Builder builder) {
    builder.vocabSize(50368).hiddenSize(768).intermediateSize(1152).numLayers(22).numHeads(12)
        .hiddenAct(HiddenActivation.GELU).maxPositionEmbeddings(8192).layerNormEps(1e-5)
        .padTokenId(50283).hiddenDropout(0f).attentionDropout(0f).classifierDropout(0f)
        .typeVocabSize(1).initializerRange(0.02);
  }

  /** CLS, {@code ModernBertConfig}'s default. */
  @Override
  public Pooling defaultPooling(Set<String> checkpointTensors) {
    return Pooling.CLS_POOLER;
  }

  /** {@code classifier_pooling}: {@code cls} or {@code mean}. */
  @Override
  public Pooling defaultPooling(EncoderConfig config, Set<String> checkpointTensors) {
    String pooling = string(config.toJsonObject(), "classifier_pooling", "cls");
    return switch (pooling) {
      case "cls" -> Pooling.CLS_POOLER;
      case "mean" -> Pooling.MEAN;
      default -> throw new CheckpointException("config.json: classifier_pooling \"" + pooling
          + "\" is not supported; ModernBERT pools with \"cls\" or \"mean\"");
    };
  }

  /** Writes {@code classifier_pooling} so that {@code transformers} pools as this model did. */
  @Override
  public void describeHead(JsonObject config, Pooling pooling) {
    if (pooling == Pooling.CLS_POOLER || pooling == Pooling.MEAN) {
      config.addProperty("classifier_pooling", pooling == Pooling.MEAN ? "mean" : "cls");
    }
  }

  /** {@code final_norm}, above the last layer. */
  @Override
  public List<String> encoderTopModules() {
    return List.of(FINAL_NORM + ".");
  }

  /** From {@code attention_bias}, {@code mlp_bias}, {@code norm_bias}, {@code classifier_bias}. */
  @Override
  public boolean hasBias(EncoderConfig config, String module) {
    Settings s = Settings.of(config);
    if (module.endsWith("norm")) {
      return s.normBias();
    }
    if (module.equals(HEAD.poolerName())) {
      return s.classifierBias();
    }
    if (module.contains(".attn.")) {
      return s.attentionBias();
    }
    if (module.contains(".mlp.")) {
      return s.mlpBias();
    }
    return true;
  }

  @Override
  public Embeddings embeddings(EncoderConfig config, ParameterFactory factory) {
    Settings s = Settings.of(config);
    int h = config.hiddenSize();
    Parameter words = factory.create("embeddings.tok_embeddings.weight", config.vocabSize(), h);
    Parameter weight = factory.create("embeddings.norm.weight", h);
    Parameter bias = s.normBias() ? factory.create("embeddings.norm.bias", h) : null;
    return new Embeddings(config, words, weight, bias, s.embeddingDropout());
  }

  @Override
  public List<EncoderBlock> layers(EncoderConfig config, ParameterFactory factory) {
    Settings s = Settings.of(config);
    List<EncoderBlock> layers = new ArrayList<>();
    for (int i = 0; i < config.numLayers(); i++) {
      layers.add(new ModernBertLayer(i, config, s, factory));
    }
    return layers;
  }

  @Override
  public HiddenTransform top(EncoderConfig config, ParameterFactory factory) {
    Settings s = Settings.of(config);
    int h = config.hiddenSize();
    Parameter weight = factory.create(FINAL_NORM + ".weight", h);
    Parameter bias = s.normBias() ? factory.create(FINAL_NORM + ".bias", h) : null;
    float eps = (float) config.layerNormEps();
    return (ctx, hidden) -> ModernBertLayer.layerNorm(ctx, hidden, weight, bias, eps);
  }

  @Override
  public Map<String, long[]> tensors(EncoderConfig config) {
    Settings s = Settings.of(config);
    long h = config.hiddenSize();
    long f = config.intermediateSize();
    Map<String, long[]> m = new LinkedHashMap<>();
    m.put("embeddings.tok_embeddings.weight", new long[] {config.vocabSize(), h});
    norm(m, "embeddings.norm", h, s.normBias());
    for (int i = 0; i < config.numLayers(); i++) {
      String p = LAYOUT.layer(i);
      if (i > 0) {
        norm(m, p + "attn_norm", h, s.normBias());
      }
      linear(m, p + "attn.Wqkv", h, 3 * h, s.attentionBias());
      linear(m, p + "attn.Wo", h, h, s.attentionBias());
      norm(m, p + "mlp_norm", h, s.normBias());
      linear(m, p + "mlp.Wi", h, 2 * f, s.mlpBias());
      linear(m, p + "mlp.Wo", f, h, s.mlpBias());
    }
    norm(m, FINAL_NORM, h, s.normBias());
    return m;
  }

  private static void norm(Map<String, long[]> m, String name, long h, boolean bias) {
    m.put(name + ".weight", new long[] {h});
    if (bias) {
      m.put(name + ".bias", new long[] {h});
    }
  }

  private static void linear(Map<String, long[]> m, String name, long in, long out, boolean bias) {
    m.put(name + ".weight", new long[] {out, in});
    if (bias) {
      m.put(name + ".bias", new long[] {out});
    }
  }

  private static String string(JsonObject o, String key, String fallback) {
    JsonElement e = o.get(key);
    if (e == null || e.isJsonNull()) {
      return fallback;
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw new CheckpointException("config.json: " + key + " must be a string, got " + e);
    }
    return e.getAsString().toLowerCase(Locale.ROOT);
  }

  /**
   * ModernBERT's own {@code config.json} keys, with {@code ModernBertConfig}'s defaults.
   *
   * @param localLayers per layer, whether it attends within a sliding window
   * @param window {@code local_attention}: the window's width (a token sees {@code window / 2}
   *     tokens each side)
   * @param globalTheta the rotary base of global layers ({@code global_rope_theta}, or {@code
   *     rope_parameters.full_attention.rope_theta})
   * @param localTheta the rotary base of local layers ({@code local_rope_theta}, or {@code
   *     rope_parameters.sliding_attention.rope_theta})
   * @param attentionBias {@code attention_bias}
   * @param mlpBias {@code mlp_bias}
   * @param normBias {@code norm_bias}
   * @param classifierBias {@code classifier_bias}
   * @param embeddingDropout {@code embedding_dropout}
   */
  record Settings(
      boolean[] localLayers,
      int window,
      double globalTheta,
      double localTheta,
      boolean attentionBias,
      boolean mlpBias,
      boolean normBias,
      boolean classifierBias,
      float embeddingDropout) {

    static Settings of(EncoderConfig config) {
      JsonObject o = config.toJsonObject();
      int layers = config.numLayers();
      int every = whole(o, "global_attn_every_n_layers", 3);
      boolean[] local = new boolean[layers];
      JsonElement types = o.get("layer_types");
      if (types != null && types.isJsonArray()) {
        JsonArray list = types.getAsJsonArray();
        if (list.size() < layers) { // more: an encoder cut to its lower layers keeps theirs
          throw new CheckpointException("config.json: layer_types has " + list.size()
              + " entries but num_hidden_layers is " + layers);
        }
        for (int i = 0; i < layers; i++) {
          String type = list.get(i).getAsString();
          if (!type.equals("sliding_attention") && !type.equals("full_attention")) {
            throw new CheckpointException("config.json: layer_types[" + i + "] is \"" + type
                + "\"; ModernBERT layers are \"full_attention\" or \"sliding_attention\"");
          }
          local[i] = type.equals("sliding_attention");
        }
      } else {
        if (every < 1) {
          throw new CheckpointException(
              "config.json: global_attn_every_n_layers must be at least 1, got " + every);
        }
        for (int i = 0; i < layers; i++) {
          local[i] = i % every != 0;
        }
      }
      int window = whole(o, "local_attention", 128);
      if (window < 1) {
        throw new CheckpointException("config.json: local_attention must be at least 1, got "
            + window);
      }
      String activation = string(o, "classifier_activation", "gelu");
      if (!activation.equals("gelu")) {
        throw new CheckpointException("config.json: classifier_activation \"" + activation
            + "\" is not supported for modernbert; only gelu (ModernBERT's default)");
      }
      return new Settings(
          local,
          window,
          theta(o, "full_attention", "global_rope_theta", 160_000.0),
          theta(o, "sliding_attention", "local_rope_theta", 10_000.0),
          flag(o, "attention_bias", false),
          flag(o, "mlp_bias", false),
          flag(o, "norm_bias", false),
          flag(o, "classifier_bias", false),
          (float) number(o, "embedding_dropout", 0));
    }

    /** The newer {@code rope_parameters.<kind>.rope_theta}, else the older key, else the default. */
    private static double theta(JsonObject o, String kind, String legacyKey, double fallback) {
      JsonElement rope = o.get("rope_parameters");
      if (rope != null && rope.isJsonObject() && rope.getAsJsonObject().has(kind)
          && rope.getAsJsonObject().get(kind).isJsonObject()) {
        JsonObject p = rope.getAsJsonObject().getAsJsonObject(kind);
        String type = string(p, "rope_type", "default");
        if (!type.equals("default")) {
          throw new CheckpointException("config.json: rope_parameters." + kind + ".rope_type \""
              + type + "\" is not supported; only \"default\" rotary positions");
        }
        if (p.has("rope_theta")) {
          return number(p, "rope_theta", fallback);
        }
      }
      return number(o, legacyKey, fallback);
    }

    private static boolean flag(JsonObject o, String key, boolean fallback) {
      JsonElement e = o.get(key);
      if (e == null || e.isJsonNull()) {
        return fallback;
      }
      if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
        throw new CheckpointException("config.json: " + key + " must be true or false, got " + e);
      }
      return e.getAsBoolean();
    }

    private static double number(JsonObject o, String key, double fallback) {
      JsonElement e = o.get(key);
      if (e == null || e.isJsonNull()) {
        return fallback;
      }
      if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()
          || !Double.isFinite(e.getAsDouble())) {
        throw new CheckpointException("config.json: " + key + " must be a number, got " + e);
      }
      return e.getAsDouble();
    }

    private static int whole(JsonObject o, String key, int fallback) {
      double value = number(o, key, fallback);
      if (value != Math.rint(value) || Math.abs(value) > Integer.MAX_VALUE) {
        throw new CheckpointException("config.json: " + key + " must be a whole number, got "
            + o.get(key));
      }
      return (int) value;
    }
  }
}
