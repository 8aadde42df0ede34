package dev.finetune.core.train;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One training setting, declared once in {@link TrainingSettings}: its Java name (camelCase), its
 * type, default, valid range and help text. The other spellings are derived from the name, one
 * each: {@link #jsonKey()} ({@code max_grad_norm}, in reports and grid files) and {@link #flag()}
 * ({@code --max-grad-norm}, on command lines). Values given as text or as another number type are
 * converted by {@link #convert(Object, String)}, which names the setting as the caller spells it
 * when the value does not fit.
 *
 * <pre>{@code
 * Setting<Double> s = TrainingSettings.MAX_GRAD_NORM;
 * s.jsonKey();                          // "max_grad_norm"
 * s.flag();                             // "--max-grad-norm"
 * double v = s.convert("0.5", s.flag()); // 0.5; "-1" fails: "--max-grad-norm must be >= 0 ..."
 * }</pre>
 *
 * @param <T> the value type
 */
public final class Setting<T> {

  private final String name;
  private final Class<T> type;
  private final T defaultValue;
  private final String kind;
  private final String range;
  private final Predicate<T> valid;
  private final Function<Object, T> coercion;
  private final String metavar;
  private final String help;
  private final Function<T, String> formatter;
  private final OnResume onResume;

  /**
   * What resuming a checkpoint does when this setting's value differs from the checkpoint's (the
   * run's fingerprint, checked before the first step).
   */
  public enum OnResume {
    /** The value does not change what the run computes (a progress bar, a save interval): accepted. */
    NO_EFFECT,
    /**
     * The saved position and state stay valid, but the rest of the run changes (more epochs, a new
     * learning rate): refused, naming the difference, unless the user allows it
     * ({@code FineTune.resumeAllowing(name)}, {@code --resume-allow name}).
     */
    ALLOWABLE,
    /**
     * The saved position or state would mean something else (batch size, seed: the data order and
     * the batch the checkpoint stopped at): always refused. The default of every setting.
     */
    FIXED
  }

  private Setting(String name, Class<T> type, T defaultValue, String kind, String range,
      Predicate<T> valid, Function<Object, T> coercion, String metavar, String help) {
    this(name, type, defaultValue, kind, range, valid, coercion, metavar, help, String::valueOf,
        OnResume.FIXED);
  }

  private Setting(String name, Class<T> type, T defaultValue, String kind, String range,
      Predicate<T> valid, Function<Object, T> coercion, String metavar, String help,
      Function<T, String> formatter, OnResume onResume) {
    if (!name.matches("[a-z][a-zA-Z0-9]*")) {
      throw new IllegalArgumentException("a setting name is camelCase, got '" + name + "'");
    }
    this.name = name;
    this.type = type;
    this.kind = kind;
    this.range = range;
    this.valid = valid;
    this.coercion = coercion;
    this.metavar = metavar;
    this.help = help;
    this.formatter = formatter;
    this.onResume = Objects.requireNonNull(onResume, "onResume");
    this.defaultValue = check(defaultValue, name);
  }

  /**
   * This setting with another resume rule (declarations in {@link TrainingSettings} use it).
   *
   * @param rule what a changed value does to a resume
   * @return a copy with that rule
   */
  Setting<T> onResume(OnResume rule) {
    return new Setting<>(name, type, defaultValue, kind, range, valid, coercion, metavar, help,
        formatter, rule);
  }

  /**
   * What resuming a checkpoint with another value of this setting does.
   *
   * @return the rule ({@link OnResume#FIXED} unless the declaration says otherwise)
   */
  public OnResume onResume() {
    return onResume;
  }

  /**
   * A whole-number setting of at least {@code min}.
   *
   * @param name the camelCase name
   * @param defaultValue the default
   * @param min the smallest valid value
   * @param note what the smallest value means, e.g. {@code "0 = off"}, or null
   * @param help one line of help text
   * @return the setting
   */
  static Setting<Integer> whole(String name, int defaultValue, int min, String note, String help) {
    return new Setting<>(name, Integer.class, defaultValue, "a whole number",
        ">= " + min + (note == null ? "" : " (" + note + ")"), v -> v >= min,
        raw -> wholeOf(raw, Integer.MIN_VALUE, Integer.MAX_VALUE).map(Long::intValue).orElse(null),
        "N", help);
  }

  /**
   * A whole-number setting without a range (a seed).
   *
   * @param name the camelCase name
   * @param defaultValue the default
   * @param help one line of help text
   * @return the setting
   */
  static Setting<Long> anyWhole(String name, long defaultValue, String help) {
    return new Setting<>(name, Long.class, defaultValue, "a whole number", null, v -> true,
        raw -> wholeOf(raw, Long.MIN_VALUE, Long.MAX_VALUE).orElse(null), "N", help);
  }

  /**
   * A finite-number setting above (or from) {@code min}.
   *
   * @param name the camelCase name
   * @param defaultValue the default
   * @param min the bound
   * @param inclusive whether {@code min} itself is valid
   * @param note what the bound means, e.g. {@code "0 = no clipping"}, or null
   * @param help one line of help text
   * @return the setting
   */
  static Setting<Double> number(String name, double defaultValue, double min, boolean inclusive,
      String note, String help) {
    String bound = (inclusive ? ">= " : "> ") + (min == Math.rint(min) ? Long.toString((long) min) : min);
    return new Setting<>(name, Double.class, defaultValue, "a number",
        bound + (note == null ? "" : " (" + note + ")"),
        v -> Double.isFinite(v) && (inclusive ? v >= min : v > min), Setting::numberOf, "X", help);
  }

  /**
   * A number strictly between 0 and 1 (a probability threshold).
   *
   * @param name the camelCase name
   * @param defaultValue the default
   * @param help one line of help text
   * @return the setting
   */
  static Setting<Double> fraction(String name, double defaultValue, String help) {
    return new Setting<>(name, Double.class, defaultValue, "a number", "in (0, 1)",
        v -> v > 0 && v < 1, Setting::numberOf, "X", help);
  }

  /**
   * A true/false setting.
   *
   * @param name the camelCase name
   * @param defaultValue the default
   * @param help one line of help text
   * @return the setting
   */
  static Setting<Boolean> bool(String name, boolean defaultValue, String help) {
    return new Setting<>(name, Boolean.class, defaultValue, "true or false", null, v -> true,
        raw -> raw instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))
            ? Boolean.valueOf(s) : null, "BOOL", help);
  }

  /**
   * A setting of another type, given as text.
   *
   * @param name the camelCase name
   * @param type the value type
   * @param defaultValue the default
   * @param kind what a valid text is, e.g. {@code "cpu, gpu or gpu:N"}
   * @param parser text to value; throws {@link IllegalArgumentException} for bad text
   * @param formatter value to the text the parser reads back
   * @param metavar the placeholder in usage text, e.g. {@code NAME}
   * @param help one line of help text
   * @param <T> the value type
   * @return the setting
   */
  static <T> Setting<T> parsed(String name, Class<T> type, T defaultValue, String kind,
      Function<String, T> parser, Function<T, String> formatter, String metavar, String help) {
    return new Setting<>(name, type, defaultValue, kind, null, v -> true, raw -> {
      try {
        return raw instanceof String s ? parser.apply(s.trim()) : null;
      } catch (IllegalArgumentException e) {
        return null;
      }
    }, metavar, help, formatter, OnResume.FIXED);
  }

  private static Optional<Long> wholeOf(Object raw, long min, long max) {
    if (raw instanceof String s) {
      try {
        return Optional.of(Long.parseLong(s.trim())).filter(v -> v >= min && v <= max);
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }
    if (raw instanceof Number n) {
      double d = n.doubleValue();
      if (d == Math.rint(d) && d >= min && d <= max && Math.abs(d) < 9e15) {
        return Optional.of(n.longValue());
      }
    }
    return Optional.empty();
  }

  private static Double numberOf(Object raw) {
    if (raw instanceof Number n) {
      return n.doubleValue();
    }
    if (raw instanceof String s) {
      try {
        return Double.parseDouble(s.trim());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  /** @return the Java name, camelCase, e.g. {@code maxGradNorm} */
  public String name() {
    return name;
  }

  /** @return the name in reports and grid files, snake_case, e.g. {@code max_grad_norm} */
  public String jsonKey() {
    return separated('_');
  }

  /** @return the command-line option, e.g. {@code --max-grad-norm} */
  public String flag() {
    return "--" + optionName();
  }

  /** @return the command-line option without its dashes, kebab-case, e.g. {@code max-grad-norm} */
  public String optionName() {
    return separated('-');
  }

  private String separated(char separator) {
    return name.replaceAll("([A-Z])", separator + "$1").toLowerCase(Locale.ROOT);
  }

  /** @return the value type */
  public Class<T> type() {
    return type;
  }

  /** @return the default value */
  public T defaultValue() {
    return defaultValue;
  }

  /** @return the placeholder in usage text: {@code N}, {@code X}, {@code BOOL} or a word */
  public String metavar() {
    return metavar;
  }

  /** @return one line of help text */
  public String help() {
    return help;
  }

  /** @return what a value is, without the range, e.g. {@code "a whole number"} */
  public String kind() {
    return kind;
  }

  /** @return what a valid value is, with the range, e.g. {@code "a whole number >= 1"} */
  public String expected() {
    return range == null ? kind : kind + " " + range;
  }

  /**
   * Converts a value of the setting's type, another number type or text, without the range check.
   *
   * @param raw the value
   * @return the converted value, or empty when it is not of the setting's kind
   */
  public Optional<T> coerce(Object raw) {
    if (type.isInstance(raw)) {
      return Optional.of(type.cast(raw));
    }
    return raw == null ? Optional.empty() : Optional.ofNullable(coercion.apply(raw));
  }

  /**
   * Whether a value is in the valid range.
   *
   * @param value the value
   * @return true when valid
   */
  public boolean isValid(T value) {
    return value != null && valid.test(value);
  }

  /**
   * Converts and checks a value.
   *
   * @param raw the value: of the setting's type, another number type, or text
   * @param as the setting's name as the caller spells it, for the message (e.g. its flag)
   * @return the value
   * @throws IllegalArgumentException naming {@code as}, the expected kind or range, and the value
   */
  public T convert(Object raw, String as) {
    T value = coerce(raw).orElseThrow(() -> new IllegalArgumentException(as + " must be " + kind
        + ", got " + (raw instanceof String ? "'" + raw + "'" : String.valueOf(raw))));
    return check(value, as);
  }

  /**
   * Checks a value's range.
   *
   * @param value the value
   * @param as the setting's name as the caller spells it, for the message
   * @return the value
   * @throws IllegalArgumentException naming {@code as}, the range and the value
   */
  public T check(T value, String as) {
    Objects.requireNonNull(value, as);
    if (!valid.test(value)) {
      throw new IllegalArgumentException(as + " must be " + range + ", got " + value);
    }
    return value;
  }

  /**
   * A value as text that this setting reads back (reports, usage text): {@code cpu} for the CPU
   * device, not DJL's {@code cpu()}.
   *
   * @param value a value of this setting
   * @return its text
   */
  public String format(Object value) {
    return type.isInstance(value) ? formatter.apply(type.cast(value)) : String.valueOf(value);
  }

  /**
   * A value as reports hold it: numbers and booleans as they are, anything else as its text
   * ({@link #format}).
   *
   * @param value a value of this setting
   * @return the value for a report's settings
   */
  public Object reported(Object value) {
    return value instanceof Number || value instanceof Boolean ? value : format(value);
  }

  @Override
  public String toString() {
    return name;
  }
}
