package dev.finetune.core.model;

import ai.djl.ndarray.NDArray;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What every encoder block keeps for fine-tuning methods, in one place: the blocks inserted after
 * its attention output, after its feed-forward output and beside its feed-forward block, and the
 * key/value prefix of its attention. Each layer class ({@link EncoderLayer}, {@link
 * ModernBertLayer}) extends it and calls {@link #afterAttention}, {@link #aroundFfn} and {@link
 * #currentKeyValuePrefix()} at its own points of the forward pass.
 *
 * <pre>{@code
 * EncoderBlock layer = classifier.encoder().block(0);
 * layer.insertAfterFfn(adapter);        // kept here, run by the layer's forward
 * }</pre>
 */
public abstract class InsertionPoints implements EncoderBlock {
  private final List<HiddenTransform> afterAttention = new CopyOnWriteArrayList<>();
  private final List<HiddenTransform> afterFfn = new CopyOnWriteArrayList<>();
  private final List<HiddenTransform> parallelToFfn = new CopyOnWriteArrayList<>();
  private volatile KeyValuePrefix keyValuePrefix;

  /** Only this package's layer classes extend it. */
  InsertionPoints() {}

  /** {@inheritDoc} Blocks run in insertion order. */
  @Override
  public void insertAfterAttention(HiddenTransform transform) {
    afterAttention.add(Objects.requireNonNull(transform));
  }

  /** {@inheritDoc} */
  @Override
  public void insertAfterFfn(HiddenTransform transform) {
    afterFfn.add(Objects.requireNonNull(transform));
  }

  /** {@inheritDoc} */
  @Override
  public void insertParallelToFfn(HiddenTransform transform) {
    parallelToFfn.add(Objects.requireNonNull(transform));
  }

  /** {@inheritDoc} */
  @Override
  public boolean remove(HiddenTransform transform) {
    boolean a = afterAttention.remove(transform);
    boolean b = afterFfn.remove(transform);
    boolean c = parallelToFfn.remove(transform);
    return a || b || c;
  }

  /** {@inheritDoc} */
  @Override
  public void setKeyValuePrefix(KeyValuePrefix prefix) {
    keyValuePrefix = prefix;
  }

  /** {@inheritDoc} */
  @Override
  public Optional<KeyValuePrefix> keyValuePrefix() {
    return Optional.ofNullable(keyValuePrefix);
  }

  // Read by InferenceLayer, the evaluation forward of BERT-shaped layers.

  List<HiddenTransform> afterAttention() {
    return afterAttention;
  }

  List<HiddenTransform> afterFfn() {
    return afterFfn;
  }

  List<HiddenTransform> parallelToFfn() {
    return parallelToFfn;
  }

  /** The key/value prefix as the forward pass reads it once, or null. */
  KeyValuePrefix currentKeyValuePrefix() {
    return keyValuePrefix;
  }

  /**
   * Runs the blocks inserted after the attention output.
   *
   * @param ctx the forward pass
   * @param attended the attention output (after its projection and dropout)
   * @return the result, {@code attended} itself when nothing is inserted
   */
  NDArray afterAttention(ForwardContext ctx, NDArray attended) {
    for (HiddenTransform transform : afterAttention) {
      attended = transform.apply(ctx, attended);
    }
    return attended;
  }

  /**
   * Adds the parallel blocks' outputs on the feed-forward input to the feed-forward output, then
   * runs the blocks inserted after it.
   *
   * @param ctx the forward pass
   * @param ffnInput what the feed-forward block saw
   * @param ffn the feed-forward output (after its projection and dropout)
   * @return the result, {@code ffn} itself when nothing is inserted
   */
  NDArray aroundFfn(ForwardContext ctx, NDArray ffnInput, NDArray ffn) {
    for (HiddenTransform transform : parallelToFfn) {
      ffn = ffn.add(transform.apply(ctx, ffnInput));
    }
    for (HiddenTransform transform : afterFfn) {
      ffn = transform.apply(ctx, ffn);
    }
    return ffn;
  }
}
