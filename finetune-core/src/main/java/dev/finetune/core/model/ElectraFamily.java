package dev.finetune.core.model;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * ELECTRA discriminators ({@code model_type} {@code electra}), as Hugging Face's
 * {@code modeling_electra.py}: BERT's layers and names under {@code electra.}, embedding tables of
 * width {@code embedding_size} projected to the hidden size by {@code embeddings_project} (after
 * the embeddings' LayerNorm and dropout; absent when the two sizes are equal), and
 * {@code ElectraClassificationHead}: first token, dropout, {@code classifier.dense}, GELU,
 * dropout, {@code classifier.out_proj}. The token-classification head is {@code classifier}. The
 * pre-training heads ({@code discriminator_predictions.*} of {@code ElectraForPreTraining}, the
 * generator's {@code generator_predictions.*} and {@code generator_lm_head.*}) are skipped.
 *
 * <pre>{@code
 * ModelType t = ModelType.fromHf("electra");
 * t.embeddingProjection();   // Optional[embeddings_project]
 * t.headLayout();            // classifier.dense + GELU, classifier.out_proj
 * }</pre>
 */
public final class ElectraFamily extends DeclaredFamily {

  private static final HeadLayout HEAD =
      new HeadLayout("classifier.dense", "classifier.out_proj", true, HeadLayout.Activation.GELU);

  /** Creates the family (the registry holds one instance; {@link ModelTypes#fromHf} finds it). */
  public ElectraFamily() {
    // defaultLoraTargets: PEFT's default: [query, value].
    // defaultIa3Targets: PEFT has no IA3 default for ELECTRA; BERT's choice (ELECTRA has BERT's layer names).
    // pretrainingHeads: The discriminator's and the generator's pre-training heads.
    super(new Declaration("electra", "electra.", "ElectraForSequenceClassification",
        PositionIds.SEQUENTIAL, HEAD,
        List.of("query", "value"), List.of("key", "value", "output.dense"),
        List.of("output.dense"), List.of("discriminator_predictions.", "generator_predictions.", "generator_lm_head.")));
  }

  /**
   * {@code ElectraConfig}'s defaults where they differ from BERT's: {@code embedding_size} 128,
   * hidden 256, 4 heads, FFN 1024 (ELECTRA-small's discriminator).
   */
  @Override
  public void applyConfigDefaults(EncoderConfig.Builder builder) {
    builder.embeddingSize(128).hiddenSize(256).numHeads(4).intermediateSize(1024);
  }

  /** Always CLS: ELECTRA's head reads the first token, whatever the checkpoint. */
  @Override
  public Pooling defaultPooling(Set<String> checkpointTensors) {
    return Pooling.CLS_POOLER;
  }

  /** {@code embeddings_project}, present when {@code embedding_size != hidden_size}. */
  @Override
  public Optional<String> embeddingProjection() {
    return Optional.of("embeddings_project");
  }

}
