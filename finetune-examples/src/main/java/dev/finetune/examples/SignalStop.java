package dev.finetune.examples;

import dev.finetune.core.train.StopRequest;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The mains' graceful stop on SIGTERM or Ctrl-C: a shutdown hook that asks the run to stop after
 * its step in progress ({@link StopRequest}), waits up to {@link #GRACE_SECONDS} for the
 * checkpoint and the report, then ends the JVM with the main's exit code ({@link
 * ExitCodes#STOPPED} after a signal). One place for Quickstart and GridMain.
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *   SignalStop signals = SignalStop.install(System.err);
 *   signals.exit(run(args, System.out, System.err, signals.request()));
 * }
 * }</pre>
 */
public final class SignalStop {

  /** How long the hook waits for the step in progress, the save and the report. */
  public static final long GRACE_SECONDS = 120;

  /** The stop reason a signal gives, in the report's {@code stopped} setting. */
  public static final String REASON = "stopped by a signal (SIGTERM or Ctrl-C)";

  private final StopRequest stop = new StopRequest();
  private final AtomicInteger exitCode = new AtomicInteger(ExitCodes.STOPPED);
  private final CountDownLatch finished = new CountDownLatch(1);

  private SignalStop() {}

  /**
   * Installs the shutdown hook.
   *
   * @param err where the hook says what it does
   * @return the handle: pass {@link #request()} to the run, then call {@link #exit(int)}
   */
  public static SignalStop install(PrintStream err) {
    SignalStop signals = new SignalStop();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> signals.onShutdown(err), "graceful-stop"));
    return signals;
  }

  /** @return the request the hook makes; give it to the run as a callback */
  public StopRequest request() {
    return stop;
  }

  /**
   * Ends the main: records its exit code for the hook (which halts with it) and exits with a
   * non-zero code unless a signal is already ending the JVM.
   *
   * @param code the main's exit code
   */
  public void exit(int code) {
    exitCode.set(code);
    finished.countDown();
    if (code != 0 && !stop.isRequested()) {
      System.exit(code); // the hook then halts with the same code
    }
  }

  /**
   * The shutdown hook: on a signal (or a normal exit, where the run is already over) requests the
   * stop, waits for the run to end, and halts with its exit code.
   */
  private void onShutdown(PrintStream err) {
    if (finished.getCount() > 0) {
      err.println("stopping: a signal (SIGTERM or Ctrl-C) arrived; finishing the step in progress,"
          + " then saving the checkpoint and the report (up to " + GRACE_SECONDS + " s)");
      stop.request(REASON);
    }
    boolean done;
    try {
      done = finished.await(GRACE_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      done = false;
    }
    if (!done) {
      err.println("error: the run did not stop within " + GRACE_SECONDS
          + " s; exiting without waiting for its checkpoint");
    }
    System.out.flush();
    err.flush();
    Runtime.getRuntime().halt(done ? exitCode.get() : ExitCodes.STOPPED);
  }
}
