package dev.finetune.bench;

import dev.finetune.core.data.TextDataset;
import dev.finetune.core.train.FineTune;
import dev.finetune.core.train.TrainingContext;
import dev.finetune.core.train.TrainingListener;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Runs the library's real training loop ({@link FineTune#fit}) on a background thread, one step
 * at a time on request, so that a benchmark times exactly one step of the real loop: forward,
 * loss, backward, clipping, optimizer update, gradient zeroing. Between steps the loop waits in
 * {@code onStepStart}; work outside steps (epoch ends, the next epoch's batch iterator) happens
 * before {@link #awaitReady()} returns and so outside the timed {@link #step()}.
 *
 * <pre>{@code
 * try (SteppedFit fit = SteppedFit.start(FineTune.of(model).epochs(1000), data)) {
 *   fit.awaitReady();
 *   fit.step();          // time this
 * }
 * }</pre>
 *
 * <p>Not thread-safe: one caller drives the steps.
 */
public final class SteppedFit implements AutoCloseable {

  private final Semaphore ready = new Semaphore(0);
  private final Semaphore go = new Semaphore(0);
  private final Semaphore done = new Semaphore(0);
  private final Thread thread;
  private volatile boolean closing;
  private volatile Throwable failure;
  private volatile double lastLoss = Double.NaN;
  private volatile long completed;
  private boolean readyHeld;

  /** Thrown inside the loop's thread to leave {@code fit} when the benchmark is closed. */
  private static final class Stop extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Stop() {
      super("benchmark closed", null, false, false);
    }
  }

  private SteppedFit(FineTune chain, TextDataset train) {
    chain.progressBar(false).callbacks(new TrainingListener() {
      @Override
      public void onStepStart(TrainingContext context) {
        ready.release();
        go.acquireUninterruptibly();
        if (closing) {
          throw new Stop();
        }
      }

      @Override
      public void onStepEnd(TrainingContext context, double loss) {
        lastLoss = loss;
        completed++; // only this thread writes it
        done.release();
      }
    });
    thread = new Thread(() -> {
      try {
        chain.fit(train, null);
        failure = new IllegalStateException("the fit ended after all its epochs: give it more"
            + " epochs or batches than the benchmark takes steps");
      } catch (Stop stop) {
        // closed
      } catch (Throwable t) {
        failure = t;
      } finally {
        ready.release(Integer.MAX_VALUE / 4);
        done.release(Integer.MAX_VALUE / 4);
      }
    }, "stepped-fit");
    thread.setDaemon(true);
  }

  /**
   * Starts the fit on its own thread; it stops before its first step.
   *
   * @param chain the configured fit (its epochs times batches must exceed the steps to take);
   *     this adds a listener and turns the progress bar off
   * @param train the training set
   * @return the running fit
   */
  public static SteppedFit start(FineTune chain, TextDataset train) {
    SteppedFit fit = new SteppedFit(chain, train);
    fit.thread.start();
    return fit;
  }

  /** Waits until the loop is about to start its next step (call before timing {@link #step}). */
  public void awaitReady() {
    if (!readyHeld) {
      ready.acquireUninterruptibly();
      readyHeld = true;
    }
    check();
  }

  /**
   * Runs one training step and waits for it to finish.
   *
   * @return the step's training loss
   * @throws IllegalStateException when the loop failed or ended
   */
  public double step() {
    awaitReady();
    long before = completed;
    readyHeld = false;
    go.release();
    done.acquireUninterruptibly();
    if (completed > before) {
      // the step ran; the fit may have ended right after it (its last batch), which the next
      // step reports
      return lastLoss;
    }
    check();
    throw new IllegalStateException("the training loop ended without running the step");
  }

  private void check() {
    Throwable t = failure;
    if (t != null) {
      throw new IllegalStateException("the training loop stopped: " + t, t);
    }
  }

  /** Leaves the loop (its managers are closed when {@code fit} unwinds) and joins its thread. */
  @Override
  public void close() {
    closing = true;
    go.release();
    try {
      thread.join(TimeUnit.MINUTES.toMillis(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
