package dev.finetune.experiments.grid;

/**
 * A grid config file that cannot be used: the message names the file, the key, what was expected
 * and what was found.
 *
 * <pre>{@code
 * try {
 *   GridConfig.read(Path.of("grid.json"));
 * } catch (GridConfigException e) {
 *   System.err.println(e.getMessage());
 *   // grid.json: key 'axes.method[2]': expected one of [full, lora(r=8), ...], got "magic"
 * }
 * }</pre>
 */
public final class GridConfigException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param source the file (or "config" for text)
   * @param key the key path, e.g. {@code axes.method[2]}
   * @param expected what was expected
   * @param actual what was found
   */
  public GridConfigException(String source, String key, String expected, String actual) {
    super(source + ": key '" + key + "': expected " + expected + ", got " + actual);
  }
}
