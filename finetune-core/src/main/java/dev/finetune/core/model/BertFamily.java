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
public final class BertFamily extends DeclaredFamily {

  private static final HeadLayout HEAD = new HeadLayout("pooler.dense", "classifier", false);

  BertFamily() {
    // pretrainingHeads: BERT's masked-LM and next-sentence-prediction heads (cls.predictions, ...).
    super(new Declaration("bert", "bert.", "BertForSequenceClassification",
        PositionIds.SEQUENTIAL, HEAD,
        List.of("query", "value"), List.of("key", "value", "output.dense"),
        List.of("output.dense"), List.of("cls.")));
  }

  /** Nothing to do: the builder's defaults are BERT-base's. */
  @Override
  public void applyConfigDefaults(EncoderConfig.Builder builder) {}

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

}
