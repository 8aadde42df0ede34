package dev.finetune.core.params;

import dev.finetune.core.model.EncoderLayout;
import dev.finetune.core.model.ModelTypes;
import dev.finetune.schedules.ParameterAddress;
import dev.finetune.schedules.ParameterRole;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Derives a {@link ParameterAddress} (layer index and role) from a Hugging Face parameter name.
 *
 * <p>Embeddings, and the projection of factorised embeddings (ELECTRA's
 * {@code embeddings_project}, ALBERT's {@code encoder.embedding_hidden_mapping_in}), are layer
 * {@link ParameterAddress#EMBEDDINGS} with role {@link ParameterRole#EMBEDDING};
 * {@code encoder.layer.N.*} (or the layer prefix of another registered family's {@link
 * EncoderLayout}, DistilBERT's {@code transformer.layer.N.*}, ALBERT's shared
 * {@code encoder.albert_layer_groups.N.*}) is layer N; {@code pooler.*}, {@code classifier.*} and the
 * registered families' head modules ({@code pre_classifier.*}) are
 * {@link ParameterAddress#HEAD}. The role
 * {@link ParameterRole#PEFT} is never read from a name: the fine-tuning method that creates a
 * parameter gives it ({@link #peft}, through {@code MethodParameters.add}).
 *
 * <pre>{@code
 * ParameterAddress a = ParameterAddresses.of("encoder.layer.3.output.LayerNorm.bias");
 * a.layer();  // 3
 * a.role();   // LAYER_NORM
 * }</pre>
 */
public final class ParameterAddresses {

  private static final Pattern LAYER = Pattern.compile("(?:^|\\.)layer\\.(\\d+)\\.");
  /** Norms named {@code norm}, {@code *_norm} (ModernBERT's {@code attn_norm}, {@code final_norm}). */
  private static final Pattern NORM = Pattern.compile("(?:^|.*[._])norm\\.(?:weight|bias)$");

  private ParameterAddresses() {}

  /**
   * Computes the address of a Hugging Face parameter name.
   *
   * @param hfName a name such as {@code encoder.layer.3.attention.self.query.weight}
   * @return its address
   */
  public static ParameterAddress of(String hfName) {
    return new ParameterAddress(hfName, layerOf(hfName), roleOf(hfName));
  }

  /**
   * Computes the address of a parameter added by a PEFT method (role {@link ParameterRole#PEFT}).
   *
   * @param hfName a name such as {@code encoder.layer.3.attention.self.query.lora_A.weight}
   * @return its address, with the layer read from the name
   */
  public static ParameterAddress peft(String hfName) {
    return new ParameterAddress(hfName, layerOf(hfName), ParameterRole.PEFT);
  }

  /**
   * Reads the layer index from a name.
   *
   * @param hfName a Hugging Face parameter name
   * @return -1 for embeddings and soft prompts ({@code prompt*}), N for {@code encoder.layer.N.*},
   *     {@link ParameterAddress#HEAD} for the head and anything else above the encoder
   */
  public static int layerOf(String hfName) {
    if (hfName.startsWith("embeddings.") || isEmbeddingProjection(hfName)) {
      return ParameterAddress.EMBEDDINGS;
    }
    Matcher m = LAYER.matcher(hfName);
    if (hfName.startsWith("encoder.") && m.find()) {
      return Integer.parseInt(m.group(1));
    }
    for (EncoderLayout layout : ModelTypes.encoderLayouts()) {
      int layer = layout.layerIndex(hfName);
      if (layer >= 0) {
        return layer;
      }
    }
    if (hfName.startsWith("encoder.") || hfName.startsWith("prompt")) {
      return ParameterAddress.EMBEDDINGS; // encoder-wide additions (soft prompts) sit at the bottom
    }
    return ParameterAddress.HEAD;
  }

  /**
   * Reads the role from a name.
   *
   * @param hfName a Hugging Face parameter name
   * @return the role of the module the parameter belongs to (never PEFT: see {@link #peft})
   */
  public static ParameterRole roleOf(String hfName) {
    if (hfName.contains("LayerNorm.") || hfName.contains("layer_norm.")
        || NORM.matcher(hfName).matches()) {
      return ParameterRole.LAYER_NORM;
    }
    if (hfName.startsWith("embeddings.") || isEmbeddingProjection(hfName)) {
      return ParameterRole.EMBEDDING;
    }
    if (ModelTypes.headModules().stream().anyMatch(hfName::startsWith)) {
      return ParameterRole.HEAD;
    }
    if (hfName.contains(".attention.") || hfName.contains(".attn.")) {
      return ParameterRole.ATTENTION;
    }
    if (hfName.contains(".intermediate.") || hfName.contains(".output.")
        || hfName.contains(".ffn.") || hfName.contains(".ffn_output.")
        || hfName.contains(".mlp.")) {
      return ParameterRole.FFN;
    }
    return ParameterRole.OTHER;
  }

  /** A parameter of a family's projection of factorised embeddings (ELECTRA, ALBERT). */
  private static boolean isEmbeddingProjection(String hfName) {
    return ModelTypes.embeddingProjections().stream().anyMatch(m -> hfName.startsWith(m + "."));
  }
}
