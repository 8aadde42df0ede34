package dev.finetune.core.data;

import ai.djl.Device;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Objects;

/**
 * Immutable batching configuration: turns a {@link TextDataset} into {@link TextBatch}es, one
 * epoch at a time, with tokenisation running ahead on a background thread.
 *
 * <p>Each batch is tokenised without padding, truncated to {@code maxLength} by a {@link Truncation}
 * strategy (longest-first unless set) and padded to its own longest row (dynamic padding) with the
 * pad id. Sentence pairs are encoded by the tokenizer's pair template (BERT: {@code [CLS] A [SEP] B
 * [SEP]} with token type ids 0 and 1; RoBERTa: {@code <s> A </s></s> B </s>}, type ids 0). The order of an epoch is a pure function of
 * (seed, epoch, data set, configuration), so a resumed run that starts at batch {@code k} sees
 * exactly the batches {@code k, k+1, ...} of the original order. With length bucketing, each window
 * of {@code bucketWindow} batches' worth of shuffled examples is sorted by length before being cut
 * into batches, and the batch order is then shuffled: far less padding, still random.
 *
 * <pre>{@code
 * Batches batches = Batches.builder(tokenizer)
 *     .batchSize(32).maxLength(128).shuffle(42).bucketing(50).dropLast(false).build();
 * for (int epoch = 0; epoch < 3; epoch++) {
 *   try (BatchIterator it = batches.iterator(train, manager, epoch)) {
 *     while (it.hasNext()) {
 *       try (TextBatch batch = it.next()) { ... }
 *     }
 *   }
 * }
 * }</pre>
 */
public final class Batches {

  private final HuggingFaceTokenizer tokenizer;
  private final int batchSize;
  private final int maxLength;
  private final Truncation truncation;
  private final boolean shuffle;
  private final long seed;
  private final boolean dropLast;
  private final int bucketWindow;
  private final long padId;
  private final Device device;
  private final int prefetch;

  private Batches(Builder b) {
    this.tokenizer = Objects.requireNonNull(b.tokenizer, "tokenizer");
    this.batchSize = b.batchSize;
    this.maxLength = b.maxLength;
    this.truncation = b.truncation;
    this.shuffle = b.shuffle;
    this.seed = b.seed;
    this.dropLast = b.dropLast;
    this.bucketWindow = b.bucketWindow;
    this.padId = b.padId;
    this.device = b.device;
    this.prefetch = b.prefetch;
  }

  /**
   * A builder; defaults: batch size 32, max length 128, longest-first truncation, no shuffle, keep
   * the last partial batch, no bucketing, pad id 0, the manager's device, 4 batches prepared ahead.
   *
   * @param tokenizer the tokenizer (its own padding settings do not matter)
   * @return a builder
   */
  public static Builder builder(HuggingFaceTokenizer tokenizer) {
    return new Builder().tokenizer(tokenizer);
  }

  /**
   * A builder without a tokenizer yet.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Iterates epoch 0 from its first batch.
   *
   * @param dataset the data
   * @param manager the parent of every batch's sub-manager
   * @return an iterator the caller closes
   */
  public BatchIterator iterator(TextDataset dataset, NDManager manager) {
    return iterator(dataset, manager, 0, 0);
  }

  /**
   * Iterates one epoch from its first batch.
   *
   * @param dataset the data
   * @param manager the parent of every batch's sub-manager
   * @param epoch the epoch (0-based): selects the order together with the seed
   * @return an iterator the caller closes
   */
  public BatchIterator iterator(TextDataset dataset, NDManager manager, int epoch) {
    return iterator(dataset, manager, epoch, 0);
  }

  /**
   * Iterates one epoch starting at batch {@code startBatch} (for resuming); the skipped batches are
   * not tokenised.
   *
   * @param dataset the data
   * @param manager the parent of every batch's sub-manager
   * @param epoch the epoch (0-based)
   * @param startBatch the first batch to produce, in {@code [0, batchesPerEpoch(dataset)]}
   * @return an iterator the caller closes
   */
  public BatchIterator iterator(
      TextDataset dataset, NDManager manager, int epoch, int startBatch) {
    Objects.requireNonNull(dataset, "dataset");
    Objects.requireNonNull(manager, "manager");
    if (epoch < 0) {
      throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
    }
    int total = batchesPerEpoch(dataset);
    if (startBatch < 0 || startBatch > total) {
      throw new IllegalArgumentException(
          "startBatch must be in [0, " + total + "] for " + dataset.name() + ", got " + startBatch);
    }
    return new BatchIterator(
        dataset,
        BatchPlan.of(dataset, batchSize, shuffle, seed, epoch, dropLast, bucketWindow),
        epoch,
        startBatch,
        new BatchEncoder(tokenizer, maxLength, padId, truncation),
        manager,
        device,
        prefetch);
  }

  /**
   * Iterates a data set once for prediction, with as little padding as its lengths allow: every
   * example is tokenised up front, the examples are ordered by their token count after truncation
   * (longest first, ties in data set order) and cut into batches of {@link #batchSize()}; each
   * batch is padded to its own longest row. Shuffling, bucketing and drop-last do not apply; each
   * batch's {@code exampleIndices()} give the data set positions of its rows.
   *
   * <pre>{@code
   * try (BatchIterator it = batches.iteratorByTokenCount(texts, manager)) {
   *   while (it.hasNext()) { try (TextBatch b = it.next()) { ... b.exampleIndices() ... } }
   * }
   * }</pre>
   *
   * @param dataset the data
   * @param manager the parent of every batch's sub-manager
   * @return an iterator the caller closes
   */
  public BatchIterator iteratorByTokenCount(TextDataset dataset, NDManager manager) {
    Objects.requireNonNull(dataset, "dataset");
    Objects.requireNonNull(manager, "manager");
    BatchEncoder encoder =
        new BatchEncoder(tokenizer, maxLength, padId, truncation).fitAll(dataset);
    int n = dataset.size();
    // one window over the whole set: BatchPlan's stable longest-first sort, no shuffling
    List<int[]> plan = n == 0 ? List.of() : BatchPlan.of(n, encoder::tokenCount, batchSize,
        false, seed, 0, false, Math.max(2, (n + batchSize - 1) / batchSize));
    return new BatchIterator(dataset, plan, 0, 0, encoder, manager, device, prefetch);
  }

  /**
   * The number of batches one epoch over a data set has.
   *
   * @param dataset the data
   * @return {@code ceil(size / batchSize)}, or {@code floor} with drop-last
   */
  public int batchesPerEpoch(TextDataset dataset) {
    return BatchPlan.count(dataset.size(), batchSize, dropLast);
  }

  /**
   * The batch size.
   *
   * @return rows per batch
   */
  public int batchSize() {
    return batchSize;
  }

  /**
   * The maximum number of tokens per row.
   *
   * @return the max length
   */
  public int maxLength() {
    return maxLength;
  }

  /**
   * How rows longer than the max length are cut.
   *
   * @return the truncation strategy
   */
  public Truncation truncation() {
    return truncation;
  }

  /**
   * The same configuration with another seed (and shuffling on).
   *
   * @param newSeed the seed
   * @return a new configuration
   */
  public Batches withSeed(long newSeed) {
    return toBuilder().shuffle(newSeed).build();
  }

  /**
   * A builder holding this configuration.
   *
   * @return a builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.tokenizer = tokenizer;
    b.batchSize = batchSize;
    b.maxLength = maxLength;
    b.truncation = truncation;
    b.shuffle = shuffle;
    b.seed = seed;
    b.dropLast = dropLast;
    b.bucketWindow = bucketWindow;
    b.padId = padId;
    b.device = device;
    b.prefetch = prefetch;
    return b;
  }

  /**
   * Configures {@link Batches}.
   *
   * <pre>{@code
   * Batches eval = Batches.builder(tokenizer).batchSize(64).maxLength(128).build();
   * }</pre>
   */
  public static final class Builder extends BatchingBuilder<Builder> {
    private HuggingFaceTokenizer tokenizer;
    private int maxLength = 128;
    private Truncation truncation = Truncation.LONGEST_FIRST;
    private int prefetch = 4;

    private Builder() {}

    /**
     * The tokenizer; see {@link Tokenizers#open}.
     *
     * @param value the tokenizer
     * @return this
     */
    public Builder tokenizer(HuggingFaceTokenizer value) {
      this.tokenizer = Objects.requireNonNull(value, "tokenizer");
      return this;
    }

    /**
     * Tokens per row at most, special tokens included (default 128).
     *
     * @param value at least 2
     * @return this
     */
    public Builder maxLength(int value) {
      if (value < 2) {
        throw new IllegalArgumentException("maxLength must be >= 2, got " + value);
      }
      this.maxLength = value;
      return this;
    }

    /**
     * How rows longer than the max length are cut (default {@link Truncation#LONGEST_FIRST}); see
     * {@link Truncation} for the exact rules.
     *
     * @param value the strategy
     * @return this
     */
    public Builder truncation(Truncation value) {
      this.truncation = Objects.requireNonNull(value, "truncation");
      return this;
    }

    /**
     * How many batches the background thread prepares ahead (default 4); 0 tokenises on the
     * consumer thread inside {@code next()}.
     *
     * @param batches the queue capacity
     * @return this
     */
    public Builder prefetch(int batches) {
      if (batches < 0) {
        throw new IllegalArgumentException("prefetch must be >= 0, got " + batches);
      }
      this.prefetch = batches;
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @return an immutable {@link Batches}
     */
    public Batches build() {
      return new Batches(this);
    }
  }
}
