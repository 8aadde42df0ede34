package dev.finetune.core.model;

import ai.djl.ndarray.NDArray;
import java.util.List;
import java.util.Optional;

/**
 * One layer of an {@link Encoder}, as fine-tuning methods see it, whatever the family computes
 * inside: its linear projections (each a {@link Projection} that LoRA or IA3 wrap in place), the
 * points where blocks are inserted (after the attention output, after or beside the feed-forward
 * block) and a key/value prefix for its attention. BERT-shaped families use {@link EncoderLayer}
 * (post-norm); ModernBERT uses {@link ModernBertLayer} (pre-norm, fused {@code Wqkv}, GeGLU).
 *
 * <pre>{@code
 * for (EncoderBlock layer : classifier.encoder().layers()) {
 *   layer.insertAfterFfn(myAdapter);
 *   layer.projections();          // every linear layer, attention first
 * }
 * }</pre>
 */
public interface EncoderBlock {

  /**
   * Position of this layer in the encoder.
   *
   * @return 0..L-1
   */
  int index();

  /**
   * The prefix of this layer's parameter names.
   *
   * @return e.g. {@code encoder.layer.3.} or {@code layers.3.}
   */
  String prefix();

  /**
   * The module that ends with the attention output, under which blocks inserted after attention
   * are named.
   *
   * @return e.g. {@code encoder.layer.3.attention.output}, {@code layers.3.attn}
   */
  String attentionBlockName();

  /**
   * The module that ends with the feed-forward output, under which blocks inserted after or
   * beside the feed-forward block are named.
   *
   * @return e.g. {@code encoder.layer.3.output}, {@code layers.3.mlp}
   */
  String ffnBlockName();

  /**
   * Every linear projection of the layer, attention first.
   *
   * @return the projections
   */
  List<Projection> projections();

  /**
   * The projections whose outputs are the attention's keys and values (IA3 rescales their
   * outputs): BERT's {@code key} and {@code value}; a fused projection (ModernBERT's {@code Wqkv})
   * as a whole.
   *
   * @return the projections
   */
  List<Projection> keyValueProjections();

  /**
   * The feed-forward block's last projection, back to the hidden size (IA3 rescales its input).
   *
   * @return e.g. {@code output.dense}, {@code mlp.Wo}
   */
  Projection ffnOutput();

  /**
   * Inserts a block after the attention output projection (and its dropout), before the residual.
   * Blocks run in insertion order.
   *
   * @param transform the block
   */
  void insertAfterAttention(HiddenTransform transform);

  /**
   * Inserts a block after the feed-forward output projection (and its dropout), before the
   * residual.
   *
   * @param transform the block
   */
  void insertAfterFfn(HiddenTransform transform);

  /**
   * Inserts a block in parallel to the feed-forward block: it sees the block's input and its
   * output is added to the block's output (parallel adapters).
   *
   * @param transform the block
   */
  void insertParallelToFfn(HiddenTransform transform);

  /**
   * Removes an inserted block wherever it was inserted.
   *
   * @param transform the block
   * @return true when it was found
   */
  boolean remove(HiddenTransform transform);

  /**
   * Sets (or with null clears) the key/value prefix of this layer's attention.
   *
   * @param prefix the prefix provider
   */
  void setKeyValuePrefix(KeyValuePrefix prefix);

  /**
   * The key/value prefix.
   *
   * @return the provider, if set
   */
  Optional<KeyValuePrefix> keyValuePrefix();

  /**
   * Runs the layer (the {@link Encoder} calls it).
   *
   * @param ctx the forward pass
   * @param hidden (B, T, H)
   * @param additiveMask (B, 1, 1, T): 0 where a key is visible, {@code -Float.MAX_VALUE} where it
   *     is padding; null when no row of the batch is padded
   * @return (B, T, H)
   */
  NDArray forward(ForwardContext ctx, NDArray hidden, NDArray additiveMask);
}
