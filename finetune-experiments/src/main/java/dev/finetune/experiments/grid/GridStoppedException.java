package dev.finetune.experiments.grid;

import java.util.Optional;

/**
 * Thrown by a grid run that a {@link dev.finetune.core.train.StopRequest} stopped (a signal, a
 * stop button): the cell in progress ended after its step, saved its resume checkpoint and was
 * recorded as stopped ({@code cells/<id>.stopped.txt}), not as finished; the finished cells'
 * results are on disk. Running the grid again on the same folder continues the stopped cell from
 * its checkpoint, then runs the cells that had not started.
 *
 * <pre>{@code
 * try {
 *   grid.run(dir, cell -> true, stop);
 * } catch (GridStoppedException e) {
 *   System.err.println(e.getMessage());   // which cell, at which step, how to continue
 * }
 * }</pre>
 */
public final class GridStoppedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** The cell that was stopped, or null when the stop came between cells. */
  private final String cellId;

  /**
   * Creates the exception.
   *
   * @param message what was stopped, where its checkpoint is, and how to continue
   * @param cellId the stopped cell's id, or null when no cell was in progress
   */
  public GridStoppedException(String message, String cellId) {
    super(message);
    this.cellId = cellId;
  }

  /** @return the id of the cell that was stopped mid-run, empty when the stop came between cells */
  public Optional<String> cellId() {
    return Optional.ofNullable(cellId);
  }

}
