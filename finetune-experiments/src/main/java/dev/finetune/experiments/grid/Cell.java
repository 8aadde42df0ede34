package dev.finetune.experiments.grid;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One run of a grid: a variant per axis and a seed. Its {@link #id()} names its result file
 * ({@code cells/<id>.json}); cells that differ only in the seed share a {@link #configuration()}
 * and are aggregated as repeats.
 *
 * <pre>{@code
 * Cell cell = grid.cells().get(0);
 * cell.id();              // "fixed__houlsby__constant__s42"
 * cell.value("adapter");  // "houlsby"
 * }</pre>
 *
 * @param index the cell's 0-based position in the grid's run order
 * @param axisValues axis name to variant name, in axis order
 * @param seed the training seed of this repeat
 */
public record Cell(int index, Map<String, String> axisValues, long seed) {

  /** Copies the axis values into an unmodifiable ordered map. */
  public Cell {
    axisValues = Collections.unmodifiableMap(new LinkedHashMap<>(axisValues));
  }

  /**
   * The id: the variant names in axis order and the seed, e.g. {@code fixed__houlsby__s42}.
   *
   * @return the id
   */
  public String id() {
    return CellId.cell(axisValues, seed);
  }

  /**
   * The configuration id: the id without the seed, shared by all repeats.
   *
   * @return the configuration id
   */
  public String configuration() {
    return CellId.configuration(axisValues);
  }

  /**
   * The variant chosen on an axis.
   *
   * @param axis the axis name
   * @return the variant name
   * @throws IllegalArgumentException when the grid has no such axis
   */
  public String value(String axis) {
    String v = axisValues.get(axis);
    if (v == null) {
      throw new IllegalArgumentException("no axis '" + axis + "'; the axes are " + axisValues.keySet());
    }
    return v;
  }
}
