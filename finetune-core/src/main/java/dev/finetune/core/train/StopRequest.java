package dev.finetune.core.train;

/**
 * A thread-safe request to stop a run gracefully, from outside the training thread (a shutdown
 * hook on SIGTERM or Ctrl-C, a UI's stop button). Added as a callback, it ends the run after the
 * step in progress: as a stop requested by any callback at a step end, the resume checkpoint is
 * saved at that step when the run has a checkpoint folder, the report so far is returned with
 * its {@code stopped} setting giving the reason, and a run started again on the folder continues
 * from that step as if never stopped. The library installs no signal handler or shutdown hook:
 * the command-line mains do (see {@code Quickstart}).
 *
 * <pre>{@code
 * StopRequest stop = new StopRequest();
 * Runtime.getRuntime().addShutdownHook(new Thread(() -> stop.request("stopped by a signal")));
 * TrainingReport report = FineTune.of(model).checkpoints(dir, 50).callbacks(stop).fit(train, dev);
 * if (stop.isRequested()) { ... report.stopReason() ... }
 * }</pre>
 */
public final class StopRequest implements TrainingListener {

  private volatile String reason;

  /**
   * Asks the run to stop after its current step; later requests keep the first reason.
   *
   * @param why the reason, recorded in the report's {@code stopped} setting
   */
  public synchronized void request(String why) {
    if (reason == null) {
      reason = why == null || why.isBlank() ? "stop requested" : why;
    }
  }

  /** @return whether a stop was requested */
  public boolean isRequested() {
    return reason != null;
  }

  /** @return the reason given, or null before a request */
  public String reason() {
    return reason;
  }

  @Override
  public void onStepEnd(TrainingContext context, double loss) {
    String why = reason;
    if (why != null) {
      context.requestStop(why);
    }
  }

  @Override
  public String toString() {
    return "StopRequest" + (reason == null ? "" : "(" + reason + ")");
  }
}
