package dev.finetune.core.method;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A method's spec text parsed into its name and arguments: {@code name}, {@code name(16)} or
 * {@code name(r=16, alpha=32, targets=query|key|value)}. An argument is found by its position or
 * its key, so {@code lora(16)} and {@code lora(r=16)} read alike.
 *
 * <pre>{@code
 * MethodSpec s = MethodSpec.parse("lora(16, alpha=32)");
 * s.name();                      // lora
 * s.intArg(0, "r", 8);           // 16
 * s.doubleArg(1, "alpha", 8);    // 32
 * s.listArg(2, "targets");       // empty: not given
 * }</pre>
 */
public final class MethodSpec {

  private static final Pattern CALL =
      Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*(?:\\((.*)\\))?\\s*", Pattern.DOTALL);
  private static final Pattern KEY = Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*=(.*)",
      Pattern.DOTALL);

  private final String text;
  private final String name;
  private final List<String> positional;
  private final Map<String, String> named;

  private MethodSpec(String text, String name, List<String> positional, Map<String, String> named) {
    this.text = text;
    this.name = name;
    this.positional = positional;
    this.named = named;
  }

  /**
   * Parses spec text.
   *
   * @param text e.g. {@code lora(16)}
   * @return the spec
   * @throws IllegalArgumentException when it is not {@code name} or {@code name(args)}
   */
  public static MethodSpec parse(String text) {
    Matcher m = CALL.matcher(text == null ? "" : text);
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not name or name(arg, key=value, ...);"
          + " use one of " + FineTuningMethods.usages());
    }
    List<String> positional = new ArrayList<>();
    Map<String, String> named = new LinkedHashMap<>();
    if (m.group(2) != null && !m.group(2).isBlank()) {
      for (String a : m.group(2).split(",")) {
        Matcher k = KEY.matcher(a);
        if (k.matches()) {
          if (named.put(k.group(1).toLowerCase(Locale.ROOT), k.group(2).trim()) != null) {
            throw new IllegalArgumentException("'" + text + "' gives " + k.group(1) + " twice");
          }
        } else if (!named.isEmpty()) {
          throw new IllegalArgumentException("'" + text + "': positional argument '" + a.trim()
              + "' after a named one; put positional arguments first");
        } else {
          positional.add(a.trim());
        }
      }
    }
    return new MethodSpec(text.trim(), m.group(1).toLowerCase(Locale.ROOT),
        Collections.unmodifiableList(positional), Collections.unmodifiableMap(named));
  }

  /** @return the method name, lower case */
  public String name() {
    return name;
  }

  /** @return the text as given (trimmed) */
  public String text() {
    return text;
  }

  /**
   * An argument as text, by position or key.
   *
   * @param position its position, from 0
   * @param key its key
   * @return the text, empty when not given
   * @throws IllegalArgumentException when it is given both ways
   */
  public Optional<String> arg(int position, String key) {
    String byKey = named.get(key);
    String byPosition = position < positional.size() ? positional.get(position) : null;
    if (byKey != null && byPosition != null) {
      throw new IllegalArgumentException("'" + text + "' gives " + key + " twice (as argument "
          + (position + 1) + " and as " + key + "=)");
    }
    return Optional.ofNullable(byKey != null ? byKey : byPosition);
  }

  /**
   * A whole-number argument.
   *
   * @param position its position
   * @param key its key
   * @param fallback the value when not given
   * @return the value
   */
  public int intArg(int position, String key, int fallback) {
    return arg(position, key).map(v -> (int) Math.round(number(key, v))).orElse(fallback);
  }

  /**
   * A whole-number argument that must be given.
   *
   * @param position its position
   * @param key its key
   * @param what what it means, for the error
   * @return the value
   */
  public int requiredInt(int position, String key, String what) {
    return (int) Math.round(number(key, arg(position, key).orElseThrow(() ->
        new IllegalArgumentException("'" + text + "' needs " + what + ", e.g. " + name
            + "(...) or " + name + "(" + key + "=...)"))));
  }

  /**
   * A decimal argument.
   *
   * @param position its position
   * @param key its key
   * @param fallback the value when not given
   * @return the value
   */
  public double doubleArg(int position, String key, double fallback) {
    return arg(position, key).map(v -> number(key, v)).orElse(fallback);
  }

  /**
   * A list argument, its items separated by {@code |}.
   *
   * @param position its position
   * @param key its key
   * @return the items, empty when not given
   */
  public List<String> listArg(int position, String key) {
    return arg(position, key).map(v -> List.of(v.trim().split("\\s*\\|\\s*"))).orElse(List.of());
  }

  /**
   * Checks that no argument beyond those a method reads was given.
   *
   * @param keys the keys the method reads, in positional order
   * @return this
   * @throws IllegalArgumentException naming the extra argument and the accepted keys
   */
  public MethodSpec accept(String... keys) {
    List<String> known = List.of(keys);
    if (positional.size() > keys.length) {
      throw new IllegalArgumentException("'" + text + "' has " + positional.size()
          + " arguments; " + name + " takes " + (keys.length == 0 ? "none" : "at most "
          + keys.length + " " + known));
    }
    for (String k : named.keySet()) {
      if (!known.contains(k)) {
        throw new IllegalArgumentException("'" + text + "': " + name + " has no argument '" + k
            + "'; use " + (keys.length == 0 ? "none" : known));
      }
    }
    return this;
  }

  private double number(String key, String value) {
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "': argument " + key + " '" + value
          + "' is not a number");
    }
  }

  @Override
  public String toString() {
    return text;
  }
}
