package dev.finetune.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.finetune.core.data.EncodedBatch;
import java.util.Iterator;
import java.util.Map;

/**
 * The data of one fit as the training loop sees it: the batches of an epoch in the run's order,
 * and an accumulator that turns an evaluation pass's logits into metrics. The loop
 * ({@link TrainingRun}) is written once against this; {@link TextData} (a {@code TextDataset}:
 * one row per text) and {@link TokenData} (a {@code TokenDataset}: one row per window of
 * sub-words, metrics on words) are its two kinds.
 *
 * <pre>{@code
 * RunData train = TextData.training(dataset, tokenizer, config, model);
 * try (RunData.Stream batches = train.batches(manager, epoch, 0)) { ... }
 * }</pre>
 */
interface RunData {

  /** One epoch's batches, each owning its arrays; the caller closes the stream and each batch. */
  interface Stream extends Iterator<EncodedBatch>, AutoCloseable {
    @Override
    void close();

    /**
     * A stream over an iterator of batches.
     *
     * @param batches the batches
     * @param onClose what closing the stream releases
     * @return the stream
     */
    static Stream of(Iterator<? extends EncodedBatch> batches, Runnable onClose) {
      return new Stream() {
        @Override
        public boolean hasNext() {
          return batches.hasNext();
        }

        @Override
        public EncodedBatch next() {
          return batches.next();
        }

        @Override
        public void close() {
          onClose.run();
        }
      };
    }
  }

  /** Turns one evaluation pass into metrics. */
  interface Evaluation {
    /**
     * Adds one batch's outputs.
     *
     * @param batch the batch
     * @param logits the model's outputs for it
     */
    void add(EncodedBatch batch, NDArray logits);

    /**
     * Adds one batch's mean loss.
     *
     * @param meanLoss the loss
     * @param rows the batch's rows
     */
    void addLoss(double meanLoss, long rows);

    /**
     * The metrics of the pass, {@code loss} included.
     *
     * @return metric name to value, in report order
     */
    Map<String, Double> results();

    /**
     * The per-label decision thresholds the pass tuned (multi-label heads with threshold tuning
     * on), computed by {@link #results()}.
     *
     * @return the thresholds, or null when none were tuned
     */
    default double[] tunedThresholds() {
      return null;
    }
  }

  /**
   * The data set's name.
   *
   * @return e.g. {@code conll2003/dev}
   */
  String name();

  /**
   * Tells whether there is nothing to iterate.
   *
   * @return true for an empty data set
   */
  boolean isEmpty();

  /**
   * Batches per epoch.
   *
   * @return the count
   */
  int batchesPerEpoch();

  /**
   * One epoch's batches from {@code startBatch} on.
   *
   * @param manager the parent of every batch's sub-manager
   * @param epoch the epoch (selects the order with the seed)
   * @param startBatch the first batch (for resuming)
   * @return a stream the caller closes
   */
  Stream batches(NDManager manager, int epoch, int startBatch);

  /**
   * The loss fitted to this (training) data, e.g. inverse-frequency class weights.
   *
   * @param loss the configured loss
   * @return the loss to train with
   */
  Loss prepare(Loss loss);

  /**
   * A fresh accumulator for one evaluation pass over this data.
   *
   * @param heldOut true for a test set scored after training: a multi-label head is scored with
   *     the model's own decision thresholds (those its validation chose), never tuned on this data
   * @return the accumulator
   */
  Evaluation evaluation(boolean heldOut);

  /**
   * What identifies this data in a checkpoint's {@link RunFingerprint}: its name, size and a
   * checksum of every example.
   *
   * @return e.g. {@code sst2/train, 2000 examples, crc32c 1a2b3c4d}
   */
  String identity();
}
