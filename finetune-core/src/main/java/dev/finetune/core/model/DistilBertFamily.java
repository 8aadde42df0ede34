package dev.finetune.core.model;

import com.google.gson.JsonElement;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * DistilBERT ({@code model_type} {@code distilbert}), as Hugging Face's
 * {@code modeling_distilbert.py}: word and position embeddings without token types, layers
 * {@code transformer.layer.N} with {@code attention.q_lin/k_lin/v_lin/out_lin} (no dropout after
 * {@code out_lin}), {@code sa_layer_norm}, {@code ffn.lin1/lin2}, {@code output_layer_norm};
 * config keys {@code dim}, {@code n_layers}, {@code n_heads}, {@code hidden_dim},
 * {@code activation}, {@code dropout}, {@code attention_dropout}, {@code seq_classif_dropout};
 * {@code sinusoidal_pos_embds} (a fixed sinusoidal position table, created when the checkpoint
 * does not hold it, and never trained). The head is {@code DistilBertForSequenceClassification}'s: first token,
 * {@code pre_classifier}, ReLU, dropout, {@code classifier}; encoder weights sit under
 * {@code distilbert.} in task checkpoints; the masked-LM head ({@code vocab_transform},
 * {@code vocab_layer_norm}, {@code vocab_projector}) is skipped.
 *
 * <pre>{@code
 * ModelType t = ModelType.fromHf("distilbert");
 * t.defaultLoraTargets();             // [q_lin, v_lin], as PEFT
 * t.encoderLayout().layer(0);         // "transformer.layer.0."
 * }</pre>
 */
public final class DistilBertFamily extends DeclaredFamily {

  /** DistilBERT's module names. */
  public static final EncoderLayout LAYOUT =
      new EncoderLayout(
          "transformer.layer.",
          "attention.q_lin",
          "attention.k_lin",
          "attention.v_lin",
          "attention.out_lin",
          "sa_layer_norm",
          "ffn.lin1",
          "ffn.lin2",
          "output_layer_norm",
          "attention",
          "ffn",
          false,
          false);

  private static final HeadLayout HEAD =
      new HeadLayout("pre_classifier", "classifier", false, HeadLayout.Activation.RELU);

  /** Hugging Face {@code DistilBertConfig}'s names for BERT's keys. */
  private static final Map<String, String> KEYS =
      Map.of(
          "hidden_size", "dim",
          "num_hidden_layers", "n_layers",
          "num_attention_heads", "n_heads",
          "intermediate_size", "hidden_dim",
          "hidden_act", "activation",
          "hidden_dropout_prob", "dropout",
          "attention_probs_dropout_prob", "attention_dropout",
          "classifier_dropout", "seq_classif_dropout");

  private static final String POSITIONS = "embeddings.position_embeddings.weight";

  /** Creates the family (the registry holds one instance; {@link ModelTypes#fromHf} finds it). */
  public DistilBertFamily() {
    // defaultLoraTargets: PEFT's default: [q_lin, v_lin].
    // defaultIa3Targets: PEFT has no IA3 default for DistilBERT; BERT's choice (key, value, the second FFN projection) in DistilBERT's names.
    // defaultIa3FeedForward: The second FFN projection, ffn.lin2.
    // pretrainingHeads: The masked-LM head of DistilBertForMaskedLM.
    super(new Declaration("distilbert", "distilbert.", "DistilBertForSequenceClassification",
        PositionIds.SEQUENTIAL, HEAD,
        List.of("q_lin", "v_lin"), List.of("k_lin", "v_lin", "lin2"),
        List.of("lin2"), List.of("vocab_transform.", "vocab_layer_norm.", "vocab_projector."))
        .withLayout(LAYOUT, KEYS));
  }

  /** {@code DistilBertConfig}'s defaults: 6 layers, FFN 3072, {@code seq_classif_dropout} 0.2. */
  @Override
  public void applyConfigDefaults(EncoderConfig.Builder builder) {
    builder.numLayers(6).intermediateSize(3072).classifierDropout(0.2f).typeVocabSize(1);
  }

  /** Always CLS: DistilBERT's head reads the first token, whatever the checkpoint. */
  @Override
  public Pooling defaultPooling(Set<String> checkpointTensors) {
    return Pooling.CLS_POOLER;
  }

  /**
   * With {@code sinusoidal_pos_embds}, the position table of Hugging Face's
   * {@code create_sinusoidal_embeddings}: sin on even columns, cos on odd ones, of
   * {@code pos / 10000^(2 (j / 2) / dim)}.
   */
  @Override
  public float[] initialValues(EncoderConfig config, String hfName, long[] shape) {
    if (!hfName.equals(POSITIONS) || !sinusoidal(config)) {
      return null;
    }
    return sinusoidalTable((int) shape[0], (int) shape[1]);
  }

  /**
   * With {@code sinusoidal_pos_embds}, the position table is fixed, as Hugging Face's
   * {@code requires_grad = False}: no fine-tuning method trains it.
   */
  @Override
  public boolean isFixed(EncoderConfig config, String hfName) {
    return hfName.equals(POSITIONS) && sinusoidal(config);
  }

  private static boolean sinusoidal(EncoderConfig config) {
    JsonElement flag = config.toJsonObject().get("sinusoidal_pos_embds");
    return flag != null && flag.isJsonPrimitive() && flag.getAsBoolean();
  }

  /**
   * The fixed sinusoidal position table.
   *
   * @param positions rows
   * @param dim columns
   * @return row-major values
   */
  static float[] sinusoidalTable(int positions, int dim) {
    float[] out = new float[positions * dim];
    for (int pos = 0; pos < positions; pos++) {
      for (int j = 0; j < dim; j++) {
        double angle = pos / Math.pow(10000, 2.0 * (j / 2) / dim);
        out[pos * dim + j] = (float) (j % 2 == 0 ? Math.sin(angle) : Math.cos(angle));
      }
    }
    return out;
  }

}
