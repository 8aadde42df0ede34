package dev.finetune.core.model;

import java.util.List;
import java.util.Map;

/**
 * What a family whose encoder is not BERT-shaped builds itself (ModernBERT: pre-norm layers with
 * rotary positions, no position table, a final norm). A {@link ModelType} that also implements
 * this interface gets its embeddings, layers and top from it; every other family gets BERT's.
 * Package-private: such families live in this package.
 */
interface EncoderParts {

  /**
   * The embeddings (word table and norm).
   *
   * @param config the configuration
   * @param factory creates (or loads) parameters by name
   * @return the embeddings
   */
  Embeddings embeddings(EncoderConfig config, ParameterFactory factory);

  /**
   * The layers, bottom first.
   *
   * @param config the configuration
   * @param factory creates (or loads) parameters by name
   * @return one block per layer
   */
  List<EncoderBlock> layers(EncoderConfig config, ParameterFactory factory);

  /**
   * What runs on the last layer's output (a final norm), or null.
   *
   * @param config the configuration
   * @param factory creates (or loads) parameters by name
   * @return the transform, or null
   */
  HiddenTransform top(EncoderConfig config, ParameterFactory factory);

  /**
   * The encoder tensors a configuration needs, by Hugging Face name, with their shapes.
   *
   * @param config the configuration
   * @return name to shape, in checkpoint order
   */
  Map<String, long[]> tensors(EncoderConfig config);
}
