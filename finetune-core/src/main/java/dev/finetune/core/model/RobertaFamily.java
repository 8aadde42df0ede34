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
public class RobertaFamily implements ModelType {

  private static final HeadLayout HEAD =
      new HeadLayout("classifier.dense", "classifier.out_proj", true);

  RobertaFamily() {}

  /** {@inheritDoc} */
  @Override
  public String hfName() {
    return "roberta";
  }

  /** {@inheritDoc} */
  @Override
  public String checkpointPrefix() {
    return "roberta.";
  }

  /** {@inheritDoc} */
  @Override
  public String sequenceClassificationArchitecture() {
    return "RobertaForSequenceClassification";
  }

  /** Hugging Face {@code RobertaConfig}'s values where they differ from BERT's. */
  @Override
  public void applyConfigDefaults(EncoderConfig.Builder builder) {
    builder.padTokenId(1).typeVocabSize(1).maxPositionEmbeddings(514).layerNormEps(1e-5);
  }

  /** {@inheritDoc} */
  @Override
  public PositionIds positionIds() {
    return PositionIds.PADDING_AWARE;
  }

  /** {@inheritDoc} */
  @Override
  public HeadLayout headLayout() {
    return HEAD;
  }

  /** Always CLS: RoBERTa's head is {@code RobertaClassificationHead}, whatever the checkpoint. */
  @Override
  public Pooling defaultPooling(Set<String> checkpointTensors) {
    return Pooling.CLS_POOLER;
  }

  /** {@inheritDoc} */
  @Override
  public List<String> defaultLoraTargets() {
    return List.of("query", "value");
  }

  /** {@inheritDoc} */
  @Override
  public List<String> defaultIa3Targets() {
    return List.of("key", "value", "output.dense");
  }

  /** {@inheritDoc} */
  @Override
  public List<String> defaultIa3FeedForward() {
    return List.of("output.dense");
  }

  /** RoBERTa's masked-LM head ({@code lm_head.dense}, {@code lm_head.decoder}, ...). */
  @Override
  public List<String> pretrainingHeads() {
    return List.of("lm_head.");
  }

  /** {@inheritDoc} */
  @Override
  public String toString() {
    return hfName();
  }
}
