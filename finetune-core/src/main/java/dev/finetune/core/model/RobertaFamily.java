package dev.finetune.core.model;

import java.util.List;
import java.util.Set;

/**
 * RoBERTa ({@code model_type} {@code roberta}): padding-aware positions from
 * {@code pad_token_id + 1}, config defaults {@code pad_token_id=1, type_vocab_size=1,
 * max_position_embeddings=514, layer_norm_eps=1e-5}, a {@code classifier.dense} +
 * {@code classifier.out_proj} head with dropout before the dense layer, encoder weights under
 * {@code roberta.} in task checkpoints. Use the one instance, {@link ModelType#ROBERTA}.
 * XLM-RoBERTa and CamemBERT have RoBERTa's architecture and prefix: {@link XlmRobertaFamily} and
 * {@link CamembertFamily} extend this class with their own names.
 *
 * <pre>{@code
 * ModelType.ROBERTA.positionIds().firstPosition(1);   // 2
 * }</pre>
 */
public class RobertaFamily extends DeclaredFamily {

  private static final HeadLayout HEAD =
      new HeadLayout("classifier.dense", "classifier.out_proj", true);

  private static final Declaration DECLARATION = new Declaration("roberta", "roberta.", "RobertaForSequenceClassification",
      PositionIds.PADDING_AWARE, HEAD,
      List.of("query", "value"), List.of("key", "value", "output.dense"),
      List.of("output.dense"), List.of("lm_head."));

  RobertaFamily() {
    // pretrainingHeads: RoBERTa's masked-LM head (lm_head.dense, lm_head.decoder, ...).
    super(DECLARATION);
  }

  /**
   * A family with RoBERTa's architecture under its own names (XLM-RoBERTa, CamemBERT).
   *
   * @param hfName the {@code model_type}
   * @param architecture the sequence-classification architecture
   */
  RobertaFamily(String hfName, String architecture) {
    super(DECLARATION.named(hfName, architecture));
  }

  /** Hugging Face {@code RobertaConfig}'s values where they differ from BERT's. */
  @Override
  public void applyConfigDefaults(EncoderConfig.Builder builder) {
    builder.padTokenId(1).typeVocabSize(1).maxPositionEmbeddings(514).layerNormEps(1e-5);
  }

  /** Always CLS: RoBERTa's head is {@code RobertaClassificationHead}, whatever the checkpoint. */
  @Override
  public Pooling defaultPooling(Set<String> checkpointTensors) {
    return Pooling.CLS_POOLER;
  }

}
