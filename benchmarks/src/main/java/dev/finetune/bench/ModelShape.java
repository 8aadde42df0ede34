package dev.finetune.bench;

import ai.djl.Device;
import dev.finetune.core.model.EncoderConfig;
import dev.finetune.core.model.HiddenActivation;
import dev.finetune.core.model.Pooling;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.model.WordPieceVocabulary;
import java.util.Locale;

/**
 * The two benchmark shapes: MiniLM-L6 (all-MiniLM-L6-v2's configuration: 6 layers, hidden 384,
 * 12 heads, FFN 1536, GELU, LayerNorm eps 1e-12, dropout 0.1) at batch 32 × 128, and a small
 * encoder (2 layers, hidden 128, 2 heads, FFN 512) at batch 8 × 32 for smoke tests. Both use
 * BERT's vocabulary size (30,522) so the embedding table and its gradient have MiniLM's size.
 *
 * <pre>{@code
 * ModelShape shape = ModelShape.parse("small");
 * try (SequenceClassifier model = shape.randomModel(42)) { ... }
 * }</pre>
 */
public enum ModelShape {
  /** all-MiniLM-L6-v2's configuration, batch 32 × 128. */
  MINILM(6, 384, 12, 1536, 32, 128),
  /** BERT-base's configuration (random weights), batch 32 × 128 ({@code --length 512} for long rows). */
  BERT_BASE(12, 768, 12, 3072, 32, 128),
  /** A small encoder for smoke tests, batch 8 × 32. */
  SMALL(2, 128, 2, 512, 8, 32);

  private final int layers;
  private final int hidden;
  private final int heads;
  private final int ffn;
  private final int batch;
  private final int length;

  ModelShape(int layers, int hidden, int heads, int ffn, int batch, int length) {
    this.layers = layers;
    this.hidden = hidden;
    this.heads = heads;
    this.ffn = ffn;
    this.batch = batch;
    this.length = length;
  }

  /**
   * Looks a shape up by name, ignoring case.
   *
   * @param name {@code minilm}, {@code bert-base} (or {@code bert_base}) or {@code small}
   * @return the shape
   * @throws IllegalArgumentException naming the known shapes when the name is unknown
   */
  public static ModelShape parse(String name) {
    for (ModelShape s : values()) {
      if (s.name().equalsIgnoreCase(name.replace('-', '_'))) {
        return s;
      }
    }
    throw new IllegalArgumentException("shape '" + name + "' is unknown; use minilm, bert-base or small");
  }

  /**
   * The encoder configuration (BERT, vocabulary 30,522, 512 positions, dropout 0.1).
   *
   * @return the configuration
   */
  public EncoderConfig config() {
    return EncoderConfig.builder()
        .numLayers(layers)
        .hiddenSize(hidden)
        .numHeads(heads)
        .intermediateSize(ffn)
        .hiddenAct(HiddenActivation.GELU)
        .layerNormEps(1e-12)
        .hiddenDropout(0.1f)
        .attentionDropout(0.1f)
        .build();
  }

  /**
   * A seeded random model of this shape with mean pooling, a linear two-class head and a
   * word-level tokenizer over {@link SyntheticText#WORDS} (one token per word).
   *
   * @param seed initialisation seed
   * @return the model (close it)
   */
  public SequenceClassifier randomModel(long seed) {
    return randomModel(seed, Device.cpu());
  }

  /**
   * {@link #randomModel(long)} on a device (the weights are the same on every device).
   *
   * @param seed initialisation seed
   * @param device where the model lives
   * @return the model (close it)
   */
  public SequenceClassifier randomModel(long seed, Device device) {
    return SequenceClassifier.randomInit(config(), 2, Pooling.MEAN, seed, device,
        WordPieceVocabulary.tokenizerJson(SyntheticText.WORDS));
  }

  /** @return encoder layers */
  public int layers() {
    return layers;
  }

  /** @return hidden size */
  public int hidden() {
    return hidden;
  }

  /** @return FFN inner size */
  public int ffn() {
    return ffn;
  }

  /** @return rows per batch */
  public int batch() {
    return batch;
  }

  /** @return tokens per row */
  public int length() {
    return length;
  }

  /** @return the lower-case name used on command lines */
  public String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
