package dev.finetune.experiments.grid;

/**
 * Thrown after a grid run when some cells failed; the message lists them and the failures are
 * attached as suppressed exceptions. Running the grid again retries only the unfinished cells.
 *
 * <pre>{@code
 * try {
 *   grid.run(dir);
 * } catch (GridException e) {
 *   System.err.println(e.getMessage());   // which cells, why, where the stack traces are
 * }
 * }</pre>
 */
public final class GridException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed
   */
  public GridException(String message) {
    super(message);
  }
}
