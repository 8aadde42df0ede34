package dev.finetune.schedules.spec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Typed, checked access to the arguments of one {@link SpecCall}, against the callee's signature.
 *
 * <p>Positional arguments are matched to the signature's names in order, as Python does. A
 * signature that starts with {@code optimizer} (as PyTorch and Hugging Face schedulers do) skips a
 * first positional bare name ({@code StepLR(optimizer, 30)}) and ignores {@code optimizer=...};
 * {@code last_epoch=-1} and {@code verbose=...} are accepted and ignored. {@code None} means "not
 * given". After reading, {@link #finish()} rejects arguments nobody asked for.
 *
 * <pre>{@code
 * SpecArguments a = SpecArguments.of(SpecParser.parse("StepLR(30, gamma=0.5)"),
 *     List.of("optimizer", "step_size", "gamma"), 1.0);
 * long stepSize = a.requireLong("step_size");     // 30
 * double gamma = a.doubleOr("gamma", 0.1);         // 0.5
 * a.finish();
 * }</pre>
 */
public final class SpecArguments {

  private final String callee;
  private final List<String> signature;
  private final Map<String, SpecValue> values = new LinkedHashMap<>();
  private final Set<String> read = new HashSet<>();
  private final double defaultLr;

  private SpecArguments(String callee, List<String> signature, double defaultLr) {
    this.callee = callee;
    this.signature = List.copyOf(signature);
    this.defaultLr = defaultLr;
  }

  /**
   * Binds a call's arguments to a signature.
   *
   * @param call the parsed call
   * @param signature parameter names in the reference's order
   * @param defaultLr the base LR for schedules that take it from the optimizer ({@code lr=})
   * @return the bound arguments
   * @throws IllegalArgumentException for too many positional arguments, or an argument given both
   *     by position and by name
   */
  public static SpecArguments of(SpecCall call, List<String> signature, double defaultLr) {
    SpecArguments a = new SpecArguments(call.name(), signature, defaultLr);
    List<SpecValue> positional = new ArrayList<>(call.positional());
    int slot = 0;
    if (!signature.isEmpty() && signature.get(0).equals("optimizer")) {
      slot = 1;
      if (!positional.isEmpty() && positional.get(0) instanceof SpecValue.Text t && !t.quoted()) {
        positional.remove(0);
      }
    }
    for (SpecValue v : positional) {
      if (slot >= signature.size()) {
        throw new IllegalArgumentException(
            call.name() + ": too many positional arguments in " + call.describe()
                + "; arguments in order: " + a.allowed());
      }
      a.values.put(signature.get(slot++), v);
    }
    for (Map.Entry<String, SpecValue> e : call.named().entrySet()) {
      String key = e.getKey();
      if (key.equals("optimizer") || key.equals("verbose")) {
        continue;
      }
      if (a.values.containsKey(key)) {
        throw new IllegalArgumentException(
            call.name() + " got multiple values for argument '" + key + "' in " + call.describe());
      }
      a.values.put(key, e.getValue());
    }
    a.values.values().removeIf(v -> v instanceof SpecValue.NoneValue);
    SpecValue lastEpoch = a.values.remove("last_epoch");
    if (lastEpoch != null && !(lastEpoch instanceof SpecValue.Num n && n.value() == -1)) {
      throw new IllegalArgumentException(
          call.name() + ": last_epoch=" + lastEpoch.describe()
              + " is not supported; allowed: -1 (ask for the LR of any step instead)");
    }
    return a;
  }

  /**
   * Names the callee, for messages.
   *
   * @return the callee's name
   */
  public String callee() {
    return callee;
  }

  /**
   * Tells whether an argument was given (and is not {@code None}).
   *
   * @param name the argument
   * @return true when present
   */
  public boolean has(String name) {
    return values.containsKey(name);
  }

  /**
   * Reads the base LR: {@code lr=} when given, else the caller's default.
   *
   * @return the base learning rate
   */
  public double lr() {
    return doubleOr("lr", defaultLr);
  }

  /**
   * Tells the caller's default base LR, for nested calls.
   *
   * @return the default base LR
   */
  public double defaultLr() {
    return defaultLr;
  }

  /**
   * Reads a required number.
   *
   * @param name the argument
   * @return its value
   * @throws IllegalArgumentException when missing or not a number
   */
  public double requireDouble(String name) {
    return number(name, require(name));
  }

  /**
   * Reads an optional number.
   *
   * @param name the argument
   * @param fallback the default
   * @return its value or the default
   */
  public double doubleOr(String name, double fallback) {
    return has(name) ? number(name, take(name)) : fallback;
  }

  /**
   * Reads an optional number without a default.
   *
   * @param name the argument
   * @return its value, if given
   */
  public OptionalDouble optionalDouble(String name) {
    return has(name) ? OptionalDouble.of(number(name, take(name))) : OptionalDouble.empty();
  }

  /**
   * Reads a required integer (an integral number such as {@code 30}, {@code 1_000} or {@code 30.0}).
   *
   * @param name the argument
   * @return its value
   */
  public long requireLong(String name) {
    return integer(name, require(name));
  }

  /**
   * Reads an optional integer.
   *
   * @param name the argument
   * @param fallback the default
   * @return its value or the default
   */
  public long longOr(String name, long fallback) {
    return has(name) ? integer(name, take(name)) : fallback;
  }

  /**
   * Reads an optional integer without a default.
   *
   * @param name the argument
   * @return its value, if given
   */
  public OptionalLong optionalLong(String name) {
    return has(name) ? OptionalLong.of(integer(name, take(name))) : OptionalLong.empty();
  }

  /**
   * Reads an optional boolean ({@code True/False/true/false}).
   *
   * @param name the argument
   * @param fallback the default
   * @return its value or the default
   */
  public boolean boolOr(String name, boolean fallback) {
    if (!has(name)) {
      return fallback;
    }
    SpecValue v = take(name);
    if (v instanceof SpecValue.Bool b) {
      return b.value();
    }
    throw wrongType(name, v, "True or False");
  }

  /**
   * Reads an optional string that must be one of the allowed values (case-insensitive).
   *
   * @param name the argument
   * @param fallback the default
   * @param allowed the allowed values
   * @return the matching allowed value as written in {@code allowed}
   */
  public String choiceOr(String name, String fallback, String... allowed) {
    if (!has(name)) {
      return fallback;
    }
    SpecValue v = take(name);
    if (v instanceof SpecValue.Text t) {
      for (String option : allowed) {
        if (option.equalsIgnoreCase(t.value())) {
          return option;
        }
      }
    }
    throw new IllegalArgumentException(
        callee + ": " + name + "=" + v.describe() + " is not allowed; allowed: "
            + String.join(", ", allowed));
  }

  /**
   * Reads a required list of integers ({@code [30, 80]} or {@code (30, 80)}; a single integer is a
   * one-element list).
   *
   * @param name the argument
   * @return the integers in order
   */
  public List<Long> requireLongList(String name) {
    SpecValue v = require(name);
    List<Long> out = new ArrayList<>();
    if (v instanceof SpecValue.Seq s) {
      for (SpecValue item : s.items()) {
        out.add(integer(name, item));
      }
    } else {
      out.add(integer(name, v));
    }
    return out;
  }

  /**
   * Reads a required nested call, e.g. the schedule wrapped by {@code warmup(...)}.
   *
   * @param name the argument
   * @return the nested call
   */
  public SpecCall requireCall(String name) {
    SpecValue v = require(name);
    if (v instanceof SpecCall c) {
      return c;
    }
    if (v instanceof SpecValue.Text t && !t.quoted()) {
      return new SpecCall(t.value(), List.of(), Map.of());
    }
    throw wrongType(name, v, "a schedule such as StepLR(step_size=10)");
  }

  /**
   * Reads a required list of nested calls, e.g. {@code schedulers=[A(...), B(...)]}.
   *
   * @param name the argument
   * @return the nested calls in order
   */
  public List<SpecCall> requireCallList(String name) {
    SpecValue v = require(name);
    if (!(v instanceof SpecValue.Seq s)) {
      throw wrongType(name, v, "a list of schedules such as [LinearLR(), ExponentialLR(gamma=0.9)]");
    }
    List<SpecCall> out = new ArrayList<>();
    for (SpecValue item : s.items()) {
      if (item instanceof SpecCall c) {
        out.add(c);
      } else if (item instanceof SpecValue.Text t && !t.quoted()) {
        out.add(new SpecCall(t.value(), List.of(), Map.of()));
      } else {
        throw wrongType(name, item, "a schedule such as StepLR(step_size=10)");
      }
    }
    return out;
  }

  /**
   * Rejects every given argument that was not read.
   *
   * @throws IllegalArgumentException naming the unknown argument and the allowed ones
   */
  public void finish() {
    for (String key : values.keySet()) {
      if (!read.contains(key)) {
        throw new IllegalArgumentException(
            callee + ": unknown argument '" + key + "'; allowed: " + allowed());
      }
    }
  }

  private String allowed() {
    List<String> names = new ArrayList<>(signature);
    names.remove("optimizer");
    names.remove("last_epoch");
    return String.join(", ", names);
  }

  private SpecValue require(String name) {
    if (!has(name)) {
      throw new IllegalArgumentException(
          callee + ": missing required argument '" + name + "'; arguments: " + allowed());
    }
    return take(name);
  }

  private SpecValue take(String name) {
    read.add(name);
    return values.get(name);
  }

  private double number(String name, SpecValue v) {
    if (v instanceof SpecValue.Num n) {
      return n.value();
    }
    throw wrongType(name, v, "a number");
  }

  private long integer(String name, SpecValue v) {
    if (v instanceof SpecValue.Num n) {
      double d = n.value();
      if (d == Math.rint(d) && Math.abs(d) < 0x1p53) {
        return (long) d;
      }
    }
    throw wrongType(name, v, "an integer");
  }

  private IllegalArgumentException wrongType(String name, SpecValue v, String expected) {
    return new IllegalArgumentException(
        callee + ": " + name + "=" + v.describe() + " is not allowed; expected " + expected);
  }

  @Override
  public String toString() {
    return callee + Arrays.toString(values.keySet().toArray());
  }
}
