package dev.finetune.schedules.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses constructor-style specs written the way a Python script writes them.
 *
 * <p>Grammar: {@code call := name ['(' [arg (',' arg)*] [','] ')']}, {@code arg := [key '='] value},
 * {@code value := number | string | True | False | None | list | tuple | call}. Names may be
 * qualified ({@code torch.optim.lr_scheduler.OneCycleLR}); only the last segment is kept. Numbers
 * take any Python float or int notation ({@code 1e-5}, {@code 5.}, {@code .5}, {@code 1_000},
 * {@code -2}); strings are bare identifiers or single/double quoted; booleans are
 * {@code True/False/true/false}; {@code None}/{@code null} mean "use the default". Whitespace is
 * free.
 *
 * <pre>{@code
 * SpecCall c = SpecParser.parse("OneCycleLR(max_lr=1e-3, total_steps=1_000, anneal_strategy='cos')");
 * }</pre>
 */
public final class SpecParser {

  private static final String DIGITS = "\\d(?:_?\\d)*";
  private static final Pattern NUMBER =
      Pattern.compile(
          "[+-]?(?:" + DIGITS + "(?:\\.(?:" + DIGITS + ")?)?|\\." + DIGITS + ")(?:[eE][+-]?"
              + DIGITS + ")?");
  private static final Pattern IDENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final String src;
  private int pos;

  private SpecParser(String src) {
    this.src = src;
  }

  /**
   * Parses a complete spec.
   *
   * @param spec the text, e.g. {@code StepLR(step_size=30, gamma=0.1)}
   * @return the call
   * @throws IllegalArgumentException naming the position and what was expected
   */
  public static SpecCall parse(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException(
          "empty schedule spec; expected e.g. StepLR(step_size=30, gamma=0.1)");
    }
    SpecParser p = new SpecParser(spec);
    p.skipSpace();
    SpecValue v = p.value();
    if (v instanceof SpecValue.Text t && !t.quoted()) {
      v = new SpecCall(t.value(), List.of(), Map.of());
    }
    if (!(v instanceof SpecCall call)) {
      throw p.error("a schedule name such as StepLR(...)", 0);
    }
    p.skipSpace();
    if (p.pos != spec.length()) {
      throw p.error("end of spec", p.pos);
    }
    return call;
  }

  private SpecValue value() {
    skipSpace();
    if (pos >= src.length()) {
      throw error("a value", pos);
    }
    char c = src.charAt(pos);
    if (c == '\'' || c == '"') {
      return new SpecValue.Text(quoted(c), true);
    }
    if (c == '[') {
      pos++;
      return new SpecValue.Seq(items(']'));
    }
    if (c == '(') {
      pos++;
      return new SpecValue.Seq(items(')'));
    }
    Matcher num = NUMBER.matcher(src).region(pos, src.length());
    if (num.lookingAt()) {
      String text = num.group();
      int end = num.end();
      if (end < src.length() && (Character.isLetterOrDigit(src.charAt(end))
          || src.charAt(end) == '_' || src.charAt(end) == '.')) {
        throw error("a number", pos);
      }
      pos = end;
      return new SpecValue.Num(Double.parseDouble(text.replace("_", "")), text);
    }
    Matcher id = IDENT.matcher(src).region(pos, src.length());
    if (!id.lookingAt()) {
      throw error("a value (number, string, True/False, None, list or Name(...))", pos);
    }
    int start = pos;
    String name = id.group();
    pos = id.end();
    while (pos < src.length() && src.charAt(pos) == '.') {
      Matcher next = IDENT.matcher(src).region(pos + 1, src.length());
      if (!next.lookingAt()) {
        throw error("a name after '.'", pos + 1);
      }
      name = next.group();
      pos = next.end();
    }
    skipSpace();
    if (pos < src.length() && src.charAt(pos) == '(') {
      pos++;
      return callArgs(name);
    }
    if (!src.substring(start, pos).trim().equals(name)) {
      return new SpecCall(name, List.of(), Map.of()); // qualified bare name: a call without args
    }
    switch (name) {
      case "True":
      case "true":
        return new SpecValue.Bool(true);
      case "False":
      case "false":
        return new SpecValue.Bool(false);
      case "None":
      case "null":
        return new SpecValue.NoneValue();
      default:
        return new SpecValue.Text(name, false);
    }
  }

  private SpecCall callArgs(String name) {
    List<SpecValue> positional = new ArrayList<>();
    Map<String, SpecValue> named = new LinkedHashMap<>();
    skipSpace();
    while (!peek(')')) {
      skipSpace();
      int argStart = pos;
      Matcher id = IDENT.matcher(src).region(pos, src.length());
      String key = null;
      if (id.lookingAt()) {
        int after = id.end();
        while (after < src.length() && Character.isWhitespace(src.charAt(after))) {
          after++;
        }
        if (after < src.length() && src.charAt(after) == '='
            && (after + 1 >= src.length() || src.charAt(after + 1) != '=')) {
          key = id.group();
          pos = after + 1;
        }
      }
      SpecValue v = value();
      if (key == null) {
        if (!named.isEmpty()) {
          throw error("a keyword argument (positional argument follows keyword argument)", argStart);
        }
        positional.add(v);
      } else if (named.put(key, v) != null) {
        throw new IllegalArgumentException(
            "argument '" + key + "' given twice in " + name + "(...) of spec: " + src);
      }
      skipSpace();
      if (peek(',')) {
        pos++;
        skipSpace();
      } else if (!peek(')')) {
        throw error("',' or ')'", pos);
      }
    }
    pos++;
    return new SpecCall(name, positional, named);
  }

  private List<SpecValue> items(char close) {
    List<SpecValue> items = new ArrayList<>();
    skipSpace();
    while (!peek(close)) {
      items.add(value());
      skipSpace();
      if (peek(',')) {
        pos++;
        skipSpace();
      } else if (!peek(close)) {
        throw error("',' or '" + close + "'", pos);
      }
    }
    pos++;
    return items;
  }

  private String quoted(char quote) {
    StringBuilder sb = new StringBuilder();
    int start = pos++;
    while (pos < src.length()) {
      char c = src.charAt(pos++);
      if (c == quote) {
        return sb.toString();
      }
      if (c == '\\' && pos < src.length()) {
        c = src.charAt(pos++);
      }
      sb.append(c);
    }
    throw error("a closing " + quote, start);
  }

  private boolean peek(char c) {
    if (pos >= src.length()) {
      throw error("'" + c + "'", pos);
    }
    return src.charAt(pos) == c;
  }

  private void skipSpace() {
    while (pos < src.length() && Character.isWhitespace(src.charAt(pos))) {
      pos++;
    }
  }

  private IllegalArgumentException error(String expected, int at) {
    String found = at >= src.length() ? "end of text" : "'" + src.charAt(at) + "'";
    return new IllegalArgumentException(
        "cannot parse schedule spec at position " + at + ": expected " + expected + ", found "
            + found + "\n  " + src + "\n  " + " ".repeat(at) + "^");
  }
}
