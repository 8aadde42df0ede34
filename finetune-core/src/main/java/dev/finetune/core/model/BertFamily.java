package dev.finetune.core.model;

import java.util.List;
import java.util.Set;

/**
 * BERT ({@code model_type} {@code bert}; also MiniLM and other BERT-architecture models):
 * sequential positions, BERT-base config defaults, a {@code pooler.dense} + {@code classifier}
 * head, encoder weights under {@code bert.} in task checkpoints. Use the one instance,
 * {@link ModelType#BERT}.
 *
 * <pre>{@code
 * ModelType.BERT.headLayout().poolerName();   // "pooler.dense"
 * }</pre>
 */
public final class BertFamily implements ModelType {

  private static final HeadLayout HEAD = new HeadLayout("pooler.dense", "classifier", false);

  BertFamily() {}

  /** {@inheritDoc} */
  @Override
  public String hfName() {
    return "bert";
  }

  /** {@inheritDoc} */
  @Override
  public String checkpointPrefix() {
    return "bert.";
  }

  /** {@inheritDoc} */
  @Override
  public String sequenceClassificationArchitecture() {
    return "BertForSequenceClassification";
  }

  /** Nothing to do: the builder's defaults are BERT-base's. */
  @Override
  public void applyConfigDefaults(EncoderConfig.Builder builder) {}

  /** {@inheritDoc} */
  @Override
  public PositionIds positionIds() {
    return PositionIds.SEQUENTIAL;
  }

  /** {@inheritDoc} */
  @Override
  public HeadLayout headLayout() {
    return HEAD;
  }

  /**
   * CLS + pooler when the checkpoint has pooler weights, else mean (MiniLM sentence-embedding
   * models have no pooler).
   */
  @Override
  public Pooling defaultPooling(Set<String> checkpointTensors) {
    return checkpointTensors.contains(HEAD.poolerName() + ".weight")
        ? Pooling.CLS_POOLER
        : Pooling.MEAN;
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

  /** BERT's masked-LM and next-sentence-prediction heads ({@code cls.predictions}, ...). */
  @Override
  public List<String> pretrainingHeads() {
    return List.of("cls.");
  }

  /** {@inheritDoc} */
  @Override
  public String toString() {
    return hfName();
  }
}
