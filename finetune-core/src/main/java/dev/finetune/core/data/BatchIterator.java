package dev.finetune.core.data;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The batches of one epoch, tokenised ahead on a background thread into a bounded queue; each
 * {@link #next()} turns the prepared arrays into a {@link TextBatch} on the calling thread.
 *
 * <p>An exception while tokenising surfaces from {@link #next()} as a {@link DataException} with
 * the original as its cause. {@link #close()} stops the background thread; closing early (e.g. on
 * an exception in the training step) is safe and does not wait for the rest of the epoch.
 *
 * <pre>{@code
 * try (BatchIterator it = batches.iterator(train, manager, epoch, resumeAt)) {
 *   System.out.println(it.batchesPerEpoch() + " batches per epoch");
 *   while (it.hasNext()) {
 *     try (TextBatch batch = it.next()) { ... }
 *   }
 * }
 * }</pre>
 */
public final class BatchIterator implements Iterator<TextBatch>, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(BatchIterator.class);
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final TextDataset dataset;
  private final List<int[]> plan;
  private final int epoch;
  private final BatchEncoder encoder;
  private final NDManager manager;
  private final Device device;
  private final BlockingQueue<Object> queue;
  private final Thread producer;
  private volatile boolean closed;
  private int nextIndex;

  BatchIterator(
      TextDataset dataset,
      List<int[]> plan,
      int epoch,
      int startBatch,
      BatchEncoder encoder,
      NDManager manager,
      Device device,
      int prefetch) {
    this.dataset = dataset;
    this.plan = plan;
    this.epoch = epoch;
    this.encoder = encoder;
    this.manager = manager;
    this.device = device;
    this.nextIndex = startBatch;
    if (prefetch > 0 && startBatch < plan.size()) {
      this.queue = new ArrayBlockingQueue<>(prefetch);
      this.producer =
          new Thread(
              () -> produce(startBatch), "finetune-batches-" + THREADS.incrementAndGet());
      producer.setDaemon(true);
      producer.start();
    } else {
      this.queue = null;
      this.producer = null;
    }
  }

  /**
   * The number of batches in a full epoch (independent of the start batch).
   *
   * @return batches per epoch
   */
  public int batchesPerEpoch() {
    return plan.size();
  }

  /**
   * The epoch this iterator covers.
   *
   * @return the 0-based epoch
   */
  public int epoch() {
    return epoch;
  }

  /**
   * The index within the epoch of the batch {@link #next()} returns next.
   *
   * @return the next batch index
   */
  public int nextBatchIndex() {
    return nextIndex;
  }

  @Override
  public boolean hasNext() {
    return !closed && nextIndex < plan.size();
  }

  /**
   * The next batch; the caller closes it.
   *
   * @return the batch
   * @throws DataException when tokenising it failed (the cause is attached)
   * @throws NoSuchElementException when the epoch is over or the iterator closed
   */
  @Override
  public TextBatch next() {
    if (!hasNext()) {
      throw new NoSuchElementException(
          closed ? "the batch iterator is closed" : "epoch " + epoch + " has no more batches");
    }
    PreparedBatch prepared;
    if (producer == null) {
      prepared = prepare(nextIndex);
    } else {
      Object item = take();
      if (item instanceof Failure failure) {
        close();
        throw new DataException(
            "preparing batch "
                + failure.batchIndex()
                + " of epoch "
                + epoch
                + " of "
                + dataset.name()
                + " failed: "
                + failure.cause(),
            null,
            failure.cause());
      }
      prepared = (PreparedBatch) item;
    }
    nextIndex++;
    return new TextBatch(manager, device, prepared);
  }

  /** Stops the background thread and drops prepared batches; idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (producer != null) {
      producer.interrupt();
      queue.clear();
      try {
        producer.join(TimeUnit.SECONDS.toMillis(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (producer.isAlive()) {
        LOG.warn("{} still busy after close; it will stop after its current batch", producer);
      }
    }
  }

  private PreparedBatch prepare(int batchIndex) {
    return encoder.encode(dataset, batchIndex, plan.get(batchIndex));
  }

  private Object take() {
    try {
      while (true) {
        Object item = queue.poll(1, TimeUnit.SECONDS);
        if (item != null) {
          return item;
        }
        if (!producer.isAlive() && queue.isEmpty()) {
          throw new IllegalStateException(
              "the batch thread ended before batch " + nextIndex + " of epoch " + epoch);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new IllegalStateException("interrupted while waiting for a batch", e);
    }
  }

  private void produce(int startBatch) {
    int batchIndex = startBatch;
    try {
      for (; batchIndex < plan.size() && !closed; batchIndex++) {
        queue.put(prepare(batchIndex));
      }
    } catch (InterruptedException e) {
      // closed: exit quietly
    } catch (Throwable t) { // surfaced to the consumer in next()
      if (!closed) {
        try {
          queue.put(new Failure(batchIndex, t));
        } catch (InterruptedException e) {
          // closed while reporting: nobody is waiting
        }
      }
    }
  }

  /** A failure of the background thread, passed through the queue to the consumer. */
  private record Failure(int batchIndex, Throwable cause) {}
}
