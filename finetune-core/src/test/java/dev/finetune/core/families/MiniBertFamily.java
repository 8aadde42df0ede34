package dev.finetune.core.families;

import dev.finetune.core.model.EncoderConfig;
import dev.finetune.core.model.HeadLayout;
import dev.finetune.core.model.ModelType;
import dev.finetune.core.model.Pooling;
import dev.finetune.core.model.PositionIds;
import java.util.List;
import java.util.Set;

/**
 * An architecture family defined outside finetune-core's main code, as a user would add one: a
 * BERT-architecture model with its own {@code model_type}, checkpoint prefix, architecture name
 * and config defaults ({@code type_vocab_size} 1, 128 positions). The no-argument constructor
 * makes {@code minibert}, registered through this test jar's
 * {@code META-INF/services/dev.finetune.core.model.ModelType}; the other makes families for
 * {@code ModelTypes.register} tests.
 */
public final class MiniBertFamily implements ModelType {

  private final String name;
  private final String prefix;

  /** {@code minibert}, prefix {@code minibert.}. */
  public MiniBertFamily() {
    this("minibert", "minibert.");
  }

  /**
   * A family with another name.
   *
   * @param name the model_type
   * @param prefix the checkpoint prefix
   */
  public MiniBertFamily(String name, String prefix) {
    this.name = name;
    this.prefix = prefix;
  }

  @Override
  public String hfName() {
    return name;
  }

  @Override
  public String checkpointPrefix() {
    return prefix;
  }

  @Override
  public String sequenceClassificationArchitecture() {
    return "MiniBertForSequenceClassification";
  }

  @Override
  public void applyConfigDefaults(EncoderConfig.Builder builder) {
    builder.typeVocabSize(1).maxPositionEmbeddings(128);
  }

  @Override
  public PositionIds positionIds() {
    return PositionIds.SEQUENTIAL;
  }

  @Override
  public HeadLayout headLayout() {
    return ModelType.BERT.headLayout();
  }

  @Override
  public Pooling defaultPooling(Set<String> checkpointTensors) {
    return ModelType.BERT.defaultPooling(checkpointTensors);
  }

  @Override
  public List<String> defaultLoraTargets() {
    return List.of("query", "key", "value");
  }

  @Override
  public List<String> defaultIa3Targets() {
    return ModelType.BERT.defaultIa3Targets();
  }

  @Override
  public List<String> defaultIa3FeedForward() {
    return ModelType.BERT.defaultIa3FeedForward();
  }

  @Override
  public String toString() {
    return name;
  }
}
