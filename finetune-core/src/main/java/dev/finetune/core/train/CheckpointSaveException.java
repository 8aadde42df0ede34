package dev.finetune.core.train;

import dev.finetune.core.report.TrainingReport;

/**
 * A resume checkpoint could not be written (full disk, lost permissions, a callback whose state
 * cannot be saved). It carries the report of the run up to that point, so a failed save, the final
 * one included, loses no result: print or save {@link #report()} before reporting the failure.
 *
 * <pre>{@code
 * try {
 *   report = FineTune.of(model).checkpoints(dir, 50).fit(train, dev);
 * } catch (CheckpointSaveException e) {
 *   e.report().save(outputDir); // the epochs finished before the failed save
 *   throw e;
 * }
 * }</pre>
 */
public class CheckpointSaveException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient TrainingReport report;

  /**
   * Creates the exception.
   *
   * @param message what failed and what to do
   * @param cause the failure
   * @param report the report of the run so far
   */
  public CheckpointSaveException(String message, Throwable cause, TrainingReport report) {
    super(message, cause);
    this.report = report;
  }

  /**
   * The report of the run up to the failed save (every finished epoch, and the setting
   * {@code stopped} naming the failure).
   *
   * @return the report
   */
  public TrainingReport report() {
    return report;
  }
}
