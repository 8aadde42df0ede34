package dev.finetune.core.model;

import java.util.Objects;

/**
 * How an architecture family names the modules of its encoder layers, and the two structural
 * facts in which post-norm encoders of the BERT kind differ: whether the embeddings have a
 * token-type table, and whether dropout follows the attention output projection and the
 * feed-forward output projection. Names are
 * relative to a layer's prefix ({@link #layer(int)}), without {@code .weight}/{@code .bias}.
 * The embeddings are always {@code embeddings.word_embeddings}, {@code
 * embeddings.position_embeddings}, {@code embeddings.token_type_embeddings} and {@code
 * embeddings.LayerNorm} (BERT, RoBERTa and DistilBERT agree on them).
 *
 * <pre>{@code
 * EncoderLayout bert = EncoderLayout.BERT;
 * bert.layer(3) + bert.query();                       // "encoder.layer.3.attention.self.query"
 * ModelType.fromHf("distilbert").encoderLayout().query();   // "attention.q_lin"
 * }</pre>
 *
 * @param layerPrefix the prefix before the layer index, ending with a dot
 * @param query the query projection
 * @param key the key projection
 * @param value the value projection
 * @param attentionOutput the attention output projection
 * @param attentionNorm the LayerNorm after attention (residual)
 * @param intermediate the first feed-forward projection (H to FFN size)
 * @param output the second feed-forward projection (FFN size to H)
 * @param outputNorm the LayerNorm after the feed-forward block (residual)
 * @param attentionBlock the module that ends with the attention output (adapters inserted after
 *     it are named under it)
 * @param ffnBlock the module that ends with the feed-forward output (adapters named under it)
 * @param tokenTypes whether the embeddings add a token-type table
 * @param attentionOutputDropout whether dropout is applied to the attention output projection's
 *     result before the residual (BERT yes, DistilBERT no)
 * @param ffnOutputDropout whether dropout is applied to the second feed-forward projection's
 *     result before the residual (BERT yes, ALBERT no)
 */
public record EncoderLayout(
    String layerPrefix,
    String query,
    String key,
    String value,
    String attentionOutput,
    String attentionNorm,
    String intermediate,
    String output,
    String outputNorm,
    String attentionBlock,
    String ffnBlock,
    boolean tokenTypes,
    boolean attentionOutputDropout,
    boolean ffnOutputDropout) {

  /** BERT's names ({@code encoder.layer.N.attention.self.query}, ...), shared by RoBERTa. */
  public static final EncoderLayout BERT =
      new EncoderLayout(
          "encoder.layer.",
          "attention.self.query",
          "attention.self.key",
          "attention.self.value",
          "attention.output.dense",
          "attention.output.LayerNorm",
          "intermediate.dense",
          "output.dense",
          "output.LayerNorm",
          "attention.output",
          "output",
          true,
          true,
          true);

  /**
   * Checks the names.
   *
   * @throws IllegalArgumentException when a name is blank or the layer prefix does not end with
   *     a dot
   */
  public EncoderLayout {
    for (String name :
        new String[] {
          layerPrefix, query, key, value, attentionOutput, attentionNorm, intermediate, output,
          outputNorm, attentionBlock, ffnBlock
        }) {
      if (Objects.requireNonNull(name, "a module name").isBlank()) {
        throw new IllegalArgumentException("EncoderLayout: module names must not be blank");
      }
    }
    if (!layerPrefix.endsWith(".")) {
      throw new IllegalArgumentException(
          "EncoderLayout: layerPrefix must end with a dot, like \"encoder.layer.\", got \""
              + layerPrefix + "\"");
    }
  }

  /**
   * A layout with dropout after the feed-forward output, as BERT and DistilBERT.
   *
   * @param layerPrefix the prefix before the layer index, ending with a dot
   * @param query the query projection
   * @param key the key projection
   * @param value the value projection
   * @param attentionOutput the attention output projection
   * @param attentionNorm the LayerNorm after attention
   * @param intermediate the first feed-forward projection
   * @param output the second feed-forward projection
   * @param outputNorm the LayerNorm after the feed-forward block
   * @param attentionBlock the module that ends with the attention output
   * @param ffnBlock the module that ends with the feed-forward output
   * @param tokenTypes whether the embeddings add a token-type table
   * @param attentionOutputDropout whether dropout follows the attention output projection
   */
  public EncoderLayout(String layerPrefix, String query, String key, String value,
      String attentionOutput, String attentionNorm, String intermediate, String output,
      String outputNorm, String attentionBlock, String ffnBlock, boolean tokenTypes,
      boolean attentionOutputDropout) {
    this(layerPrefix, query, key, value, attentionOutput, attentionNorm, intermediate, output,
        outputNorm, attentionBlock, ffnBlock, tokenTypes, attentionOutputDropout, true);
  }

  /**
   * The prefix of one layer's names.
   *
   * @param index the layer, 0..L-1
   * @return e.g. {@code encoder.layer.3.}
   */
  public String layer(int index) {
    return layerPrefix + index + ".";
  }

  /**
   * The layer index of a parameter name under {@link #layerPrefix()}.
   *
   * @param hfName a parameter name, prefix of the checkpoint stripped
   * @return the index, or -1 when the name is not under a layer
   */
  public int layerIndex(String hfName) {
    if (!hfName.startsWith(layerPrefix)) {
      return -1;
    }
    String rest = hfName.substring(layerPrefix.length());
    int dot = rest.indexOf('.');
    try {
      return Integer.parseInt(dot < 0 ? rest : rest.substring(0, dot));
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
