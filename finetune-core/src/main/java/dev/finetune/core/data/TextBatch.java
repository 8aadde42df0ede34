package dev.finetune.core.data;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * One padded batch of tokenised examples, owning its NDArrays through a sub-{@link NDManager}:
 * closing the batch frees them. The consumer closes every batch it takes.
 *
 * <p>Shapes: {@code inputIds}, {@code attentionMask}, {@code tokenTypeIds} are {@code (B, T)} int64
 * with {@code T = paddedLength()} (the longest row of this batch); {@code labels} is {@code (B)}
 * int64 class ids, {@code (B)} float32 targets for regression, or {@code (B, numLabels)} float32
 * multi-hot label sets (1 where a label applies, else 0) for a multi-label data set.
 *
 * <pre>{@code
 * try (TextBatch batch = batches.next()) {
 *   NDList logits = model.forward(ps, batch.modelInputs(), true);
 *   NDArray loss = lossFn.evaluate(new NDList(batch.labels()), logits);
 *   tokens += batch.realTokens();
 * }
 * }</pre>
 */
public final class TextBatch extends EncodedBatch {

  private final int[] exampleIndices;

  TextBatch(NDManager parent, Device device, PreparedBatch prepared) {
    super(parent, device, prepared.index(), prepared.rows(), prepared.paddedLength(),
        prepared.realTokens(), prepared.inputIds(), prepared.attentionMask(),
        prepared.tokenTypeIds(), manager -> {
          if (prepared.labels() != null) {
            return manager.create(prepared.labels());
          }
          if (prepared.labelWidth() > 0) {
            return manager.create(
                prepared.targets(), new Shape(prepared.rows(), prepared.labelWidth()));
          }
          return manager.create(prepared.targets());
        });
    this.exampleIndices = prepared.exampleIndices();
  }

  /**
   * The number of examples B.
   *
   * @return the batch size (the last batch of an epoch may be smaller)
   */
  @Override
  public int size() {
    return exampleIndices.length;
  }

  /**
   * The indices in the data set of the examples of each row.
   *
   * @return a copy, length B
   */
  public int[] exampleIndices() {
    return exampleIndices.clone();
  }
}
