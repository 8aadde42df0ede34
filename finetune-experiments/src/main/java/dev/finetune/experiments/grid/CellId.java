package dev.finetune.experiments.grid;

import java.util.Map;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/** Builds cell and configuration ids (file-name safe) and checks names. */
final class CellId {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]*");

  private CellId() {}

  static void requireName(String what, String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(what + " name '" + name + "' is not allowed: use letters,"
          + " digits and . _ + - (it becomes part of file names), e.g. 'lr-2e-5'");
    }
  }

  /** {@code value1__value2__...} in axis order. */
  static String configuration(Map<String, String> axisValues) {
    StringJoiner id = new StringJoiner("__");
    axisValues.values().forEach(id::add);
    return axisValues.isEmpty() ? "default" : id.toString();
  }

  /** The configuration id plus {@code __s<seed>}. */
  static String cell(Map<String, String> axisValues, long seed) {
    return configuration(axisValues) + "__s" + seed;
  }
}
