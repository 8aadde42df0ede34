package dev.finetune.core.data;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.finetune.core.data.tokens.TokenAlignment;
import dev.finetune.core.data.tokens.TokenWindow;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * Immutable batching of token-classification windows ({@link TokenAlignment#windows()}) into
 * {@link TokenBatch}es, one epoch at a time.
 *
 * <p>The windows are tokenised once, when aligned, so batching only pads: each batch is padded to
 * its own longest window (dynamic padding). The order of an epoch is a pure function of (seed,
 * epoch, windows, configuration), the same plan as {@link Batches} (optionally length-bucketed), so
 * a resumed run starting at batch {@code k} sees batches {@code k, k+1, ...} of the original order.
 * The caller closes every batch it takes.
 *
 * <pre>{@code
 * TokenAlignment train = TokenAligner.builder(tokenizer).maxLength(128).build().align(conll.train());
 * TokenBatches batches = TokenBatches.builder().batchSize(32).shuffle(42).padId(0).build();
 * Iterator<TokenBatch> it = batches.iterator(train, manager, epoch);
 * while (it.hasNext()) {
 *   try (TokenBatch batch = it.next()) { ... }
 * }
 * }</pre>
 */
public final class TokenBatches {

  private final int batchSize;
  private final boolean shuffle;
  private final long seed;
  private final boolean dropLast;
  private final int bucketWindow;
  private final long padId;
  private final Device device;

  private TokenBatches(Builder b) {
    this.batchSize = b.batchSize;
    this.shuffle = b.shuffle;
    this.seed = b.seed;
    this.dropLast = b.dropLast;
    this.bucketWindow = b.bucketWindow;
    this.padId = b.padId;
    this.device = b.device;
  }

  /**
   * A builder; defaults: batch size 32, no shuffle, keep the last partial batch, no bucketing, pad
   * id 0, the manager's device.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Iterates one epoch from its first batch.
   *
   * @param alignment the windows
   * @param manager the parent of every batch's sub-manager
   * @param epoch the epoch (0-based): selects the order together with the seed
   * @return the batches
   */
  public Iterator<TokenBatch> iterator(TokenAlignment alignment, NDManager manager, int epoch) {
    return iterator(alignment, manager, epoch, 0);
  }

  /**
   * Iterates one epoch from batch {@code startBatch} (for resuming).
   *
   * @param alignment the windows
   * @param manager the parent of every batch's sub-manager
   * @param epoch the epoch (0-based)
   * @param startBatch the first batch, in {@code [0, batchesPerEpoch(alignment)]}
   * @return the batches
   */
  public Iterator<TokenBatch> iterator(
      TokenAlignment alignment, NDManager manager, int epoch, int startBatch) {
    Objects.requireNonNull(alignment, "alignment");
    Objects.requireNonNull(manager, "manager");
    if (epoch < 0) {
      throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
    }
    List<TokenWindow> windows = alignment.windows();
    int total = batchesPerEpoch(alignment);
    if (startBatch < 0 || startBatch > total) {
      throw new IllegalArgumentException(
          "startBatch must be in [0, " + total + "] for " + alignment.name() + ", got " + startBatch);
    }
    List<int[]> plan =
        BatchPlan.of(
            windows.size(),
            i -> windows.get(i).length(),
            batchSize,
            shuffle,
            seed,
            epoch,
            dropLast,
            bucketWindow);
    return new Iterator<>() {
      private int next = startBatch;

      @Override
      public boolean hasNext() {
        return next < plan.size();
      }

      @Override
      public TokenBatch next() {
        if (!hasNext()) {
          throw new NoSuchElementException("epoch " + epoch + " has " + plan.size() + " batches");
        }
        int[] rows = plan.get(next);
        List<TokenWindow> selected = new ArrayList<>(rows.length);
        for (int row : rows) {
          selected.add(windows.get(row));
        }
        return new TokenBatch(manager, device, next++, selected, padId);
      }
    };
  }

  /**
   * The number of batches one epoch has.
   *
   * @param alignment the windows
   * @return {@code ceil(windows / batchSize)}, or {@code floor} with drop-last
   */
  public int batchesPerEpoch(TokenAlignment alignment) {
    return BatchPlan.count(alignment.windows().size(), batchSize, dropLast);
  }

  /**
   * The batch size.
   *
   * @return windows per batch
   */
  public int batchSize() {
    return batchSize;
  }

  /** Builds {@link TokenBatches}. */
  public static final class Builder extends BatchingBuilder<Builder> {

    private Builder() {}

    /**
     * The configuration.
     *
     * @return immutable batching
     */
    public TokenBatches build() {
      return new TokenBatches(this);
    }
  }
}
