package dev.finetune.schedules;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** The value types behind {@link ParameterSelector}'s factories. */
final class Selectors {

  private Selectors() {}

  enum Where { EMBEDDINGS, ENCODER, HEAD }

  record All() implements ParameterSelector {
    @Override
    public boolean matches(ParameterAddress a, int numLayers) {
      return true;
    }

    @Override
    public String toString() {
      return "all()";
    }
  }

  record Glob(String glob, Pattern pattern) implements ParameterSelector {
    Glob(String glob) {
      this(glob, compile(glob));
    }

    Glob {
      Objects.requireNonNull(glob, "glob");
    }

    private static Pattern compile(String glob) {
      Objects.requireNonNull(glob, "glob");
      StringBuilder re = new StringBuilder();
      int braces = 0;
      for (char c : glob.toCharArray()) {
        switch (c) {
          case '*' -> re.append(".*");
          case '?' -> re.append('.');
          case '{' -> {
            braces++;
            re.append("(?:");
          }
          case '}' -> {
            if (braces == 0) {
              throw new IllegalArgumentException("glob '" + glob + "' has an unmatched '}'");
            }
            braces--;
            re.append(')');
          }
          case ',' -> re.append(braces > 0 ? "|" : ",");
          default -> re.append(Pattern.quote(String.valueOf(c)));
        }
      }
      if (braces != 0) {
        throw new IllegalArgumentException("glob '" + glob + "' has an unmatched '{'");
      }
      return Pattern.compile(re.toString());
    }

    @Override
    public boolean matches(ParameterAddress a, int numLayers) {
      return pattern.matcher(a.name()).matches();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Glob g && g.glob.equals(glob);
    }

    @Override
    public int hashCode() {
      return glob.hashCode();
    }

    @Override
    public String toString() {
      return "glob(\"" + glob + "\")";
    }
  }

  record Regex(String regex, Pattern pattern) implements ParameterSelector {
    Regex(String regex) {
      this(regex, compile(regex));
    }

    Regex {
      Objects.requireNonNull(regex, "regex");
    }

    private static Pattern compile(String regex) {
      Objects.requireNonNull(regex, "regex");
      try {
        return Pattern.compile(regex);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException("invalid regex '" + regex + "': " + e.getDescription(), e);
      }
    }

    @Override
    public boolean matches(ParameterAddress a, int numLayers) {
      return pattern.matcher(a.name()).matches();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Regex r && r.regex.equals(regex);
    }

    @Override
    public int hashCode() {
      return regex.hashCode();
    }

    @Override
    public String toString() {
      return "regex(\"" + regex + "\")";
    }
  }

  record Names(List<String> names) implements ParameterSelector {
    Names {
      names = List.copyOf(names);
    }

    @Override
    public boolean matches(ParameterAddress a, int numLayers) {
      return names.contains(a.name());
    }

    @Override
    public String toString() {
      return "names(" + names + ")";
    }
  }

  record Modules(List<String> suffixes) implements ParameterSelector {
    Modules {
      suffixes = List.copyOf(suffixes);
      for (String s : suffixes) {
        if (s.isBlank()) {
          throw new IllegalArgumentException("module suffix must not be blank: " + suffixes);
        }
      }
    }

    @Override
    public boolean matches(ParameterAddress a, int numLayers) {
      String name = a.name();
      int dot = name.lastIndexOf('.');
      String module = dot < 0 ? "" : name.substring(0, dot);
      for (String s : suffixes) {
        if (module.equals(s) || module.endsWith("." + s)) {
          return true;
        }
      }
      return false;
    }

    @Override
    public String toString() {
      return "modules(" + suffixes + ")";
    }
  }

  record LayerRange(int from, int to) implements ParameterSelector {
    LayerRange {
      if (from < 0 || to < from - 1) {
        throw new IllegalArgumentException(
            "layer range " + from + ".." + to + " is out of range; allowed 0 <= from <= to");
      }
    }

    @Override
    public boolean matches(ParameterAddress a, int numLayers) {
      return a.isEncoderLayer() && a.layer() >= from && a.layer() <= to;
    }

    @Override
    public String toString() {
      return "layers(" + from + ".." + to + ")";
    }
  }

  record TopLayers(int k) implements ParameterSelector {
    TopLayers {
      if (k < 0) {
        throw new IllegalArgumentException("topLayers k=" + k + " is out of range; allowed >= 0");
      }
    }

    @Override
    public boolean matches(ParameterAddress a, int numLayers) {
      return a.isEncoderLayer() && a.layer() >= numLayers - k;
    }

    @Override
    public String toString() {
      return "topLayers(" + k + ")";
    }
  }

  record Position(Where where) implements ParameterSelector {
    @Override
    public boolean matches(ParameterAddress a, int numLayers) {
      return switch (where) {
        case EMBEDDINGS -> a.isEmbeddings();
        case ENCODER -> a.isEncoderLayer();
        case HEAD -> a.isHead();
      };
    }

    @Override
    public String toString() {
      return where.name().toLowerCase(java.util.Locale.ROOT) + "()";
    }
  }

  record Roles(List<ParameterRole> roles) implements ParameterSelector {
    Roles {
      roles = List.copyOf(roles);
    }

    @Override
    public boolean matches(ParameterAddress a, int numLayers) {
      for (ParameterRole r : roles) {
        if (a.hasRole(r)) {
          return true;
        }
      }
      return false;
    }

    @Override
    public String toString() {
      return "role" + roles;
    }
  }

  record And(List<ParameterSelector> parts) implements ParameterSelector {
    And {
      parts = List.copyOf(parts);
    }

    @Override
    public boolean matches(ParameterAddress a, int numLayers) {
      for (ParameterSelector p : parts) {
        if (!p.matches(a, numLayers)) {
          return false;
        }
      }
      return true;
    }

    @Override
    public String toString() {
      return "allOf" + parts;
    }
  }

  record Or(List<ParameterSelector> parts) implements ParameterSelector {
    Or {
      parts = List.copyOf(parts);
    }

    @Override
    public boolean matches(ParameterAddress a, int numLayers) {
      for (ParameterSelector p : parts) {
        if (p.matches(a, numLayers)) {
          return true;
        }
      }
      return false;
    }

    @Override
    public String toString() {
      return "anyOf" + parts;
    }
  }

  record Not(ParameterSelector inner) implements ParameterSelector {
    Not {
      Objects.requireNonNull(inner, "inner");
    }

    @Override
    public boolean matches(ParameterAddress a, int numLayers) {
      return !inner.matches(a, numLayers);
    }

    @Override
    public String toString() {
      return "not(" + inner + ")";
    }
  }
}
