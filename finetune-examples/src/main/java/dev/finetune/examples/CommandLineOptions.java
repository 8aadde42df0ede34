package dev.finetune.examples;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The examples' shared command-line parsing: {@code --flag}, {@code --name value} and
 * {@code --name=value}, each option at most once, with a clear message for anything else.
 *
 * <pre>{@code
 * Map<String, String> o = CommandLineOptions.parse(args, List.of("help"), List.of("data", "epochs"));
 * int epochs = Integer.parseInt(o.getOrDefault("epochs", "1"));
 * }</pre>
 */
public final class CommandLineOptions {

  private CommandLineOptions() {}

  /**
   * Parses the arguments.
   *
   * @param args the arguments
   * @param flags options without a value (stored as {@code "true"})
   * @param valued options that take a value
   * @return option name (without {@code --}) to value, in the order given
   * @throws IllegalArgumentException for a stray argument, an unknown option, a missing value or
   *     an option given twice
   */
  public static Map<String, String> parse(String[] args, List<String> flags, List<String> valued) {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + arg + "'");
      }
      String name = arg.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (options.containsKey(name)) {
        throw new IllegalArgumentException("--" + name + " given twice; give each option once");
      }
      if (flags.contains(name)) {
        options.put(name, "true");
      } else if (valued.contains(name)) {
        if (value == null) {
          if (i + 1 >= args.length) {
            throw new IllegalArgumentException("--" + name + " needs a value");
          }
          value = args[++i];
        }
        options.put(name, value);
      } else {
        throw new IllegalArgumentException("unknown option --" + name);
      }
    }
    return options;
  }
}
