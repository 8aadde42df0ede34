package dev.finetune.schedules.spec;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Writes a spec that {@link SpecParser} reads back: {@code Name(key=value,...)}.
 *
 * <p>Doubles are written with {@link Double#toString(double)}, which parses back to the identical
 * value, so a schedule's {@code toString()} round-trips to an equal schedule.
 *
 * <pre>{@code
 * String spec = new SpecWriter("StepLR").arg("step_size", 30).arg("gamma", 0.1).toString();
 * // StepLR(step_size=30,gamma=0.1)
 * }</pre>
 */
public final class SpecWriter {

  private static final Pattern BARE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final StringBuilder sb;
  private boolean first = true;

  /**
   * Starts a call.
   *
   * @param name the callee's name
   */
  public SpecWriter(String name) {
    sb = new StringBuilder(name).append('(');
  }

  /**
   * Adds a number.
   *
   * @param name the argument
   * @param value the value
   * @return this writer
   */
  public SpecWriter arg(String name, double value) {
    return raw(name, Double.toString(value));
  }

  /**
   * Adds an integer.
   *
   * @param name the argument
   * @param value the value
   * @return this writer
   */
  public SpecWriter arg(String name, long value) {
    return raw(name, Long.toString(value));
  }

  /**
   * Adds a boolean, written the Python way.
   *
   * @param name the argument
   * @param value the value
   * @return this writer
   */
  public SpecWriter arg(String name, boolean value) {
    return raw(name, value ? "True" : "False");
  }

  /**
   * Adds a string, bare when it is an identifier, quoted otherwise.
   *
   * @param name the argument
   * @param value the value
   * @return this writer
   */
  public SpecWriter arg(String name, String value) {
    boolean bare = BARE.matcher(value).matches()
        && !List.of("True", "False", "true", "false", "None", "null").contains(value);
    return raw(name, bare ? value : "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'");
  }

  /**
   * Adds a list of integers.
   *
   * @param name the argument
   * @param values the values
   * @return this writer
   */
  public SpecWriter longs(String name, List<Long> values) {
    StringBuilder list = new StringBuilder("[");
    for (int i = 0; i < values.size(); i++) {
      list.append(i == 0 ? "" : ",").append(values.get(i));
    }
    return raw(name, list.append(']').toString());
  }

  /**
   * Adds a nested spec (a schedule's {@code toString()}) or a list of them.
   *
   * @param name the argument, or null for a positional argument
   * @param spec the nested spec text
   * @return this writer
   */
  public SpecWriter nested(String name, String spec) {
    return name == null ? positional(spec) : raw(name, spec);
  }

  private SpecWriter positional(String text) {
    sb.append(first ? "" : ",").append(text);
    first = false;
    return this;
  }

  /**
   * Adds pre-formatted text as the argument's value.
   *
   * @param name the argument
   * @param text the value, already in spec syntax
   * @return this writer
   */
  public SpecWriter raw(String name, String text) {
    return positional(name + "=" + text);
  }

  @Override
  public String toString() {
    return sb + ")";
  }
}
