package dev.modernbert.encoder.cli;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code --name value}, {@code --name=value} and value-less switches, checked against the flags a
 * sub-command knows. Every problem is a {@link CliException#usage} naming the flag.
 */
final class Flags {
  private final String command;
  private final Map<String, String> values = new LinkedHashMap<>();

  private Flags(String command) {
    this.command = command;
  }

  /**
   * @param valued flags that take a value (names with their leading {@code --})
   * @param switches flags that take none
   */
  static Flags parse(String command, String[] args, Set<String> valued, Set<String> switches) {
    Flags f = new Flags(command);
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--") || arg.length() == 2) {
        throw CliException.usage(command, "unexpected argument \"" + arg + "\"");
      }
      int eq = arg.indexOf('=');
      String name = eq < 0 ? arg : arg.substring(0, eq);
      String value;
      if (valued.contains(name)) {
        if (eq >= 0) {
          value = arg.substring(eq + 1);
        } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
          value = args[++i];
        } else {
          throw CliException.usage(command, name + " needs a value");
        }
      } else if (switches.contains(name)) {
        if (eq >= 0) {
          throw CliException.usage(command, name + " takes no value");
        }
        value = "true";
      } else {
        throw CliException.usage(command, "unknown flag " + name);
      }
      if (f.values.putIfAbsent(name, value) != null) {
        throw CliException.usage(command, name + " is given twice");
      }
    }
    return f;
  }

  boolean has(String name) {
    return values.containsKey(name);
  }

  String get(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  String required(String name) {
    String v = values.get(name);
    if (v == null) {
      throw CliException.usage(command, "missing required flag " + name);
    }
    if (v.isBlank()) {
      throw CliException.usage(command, name + " is empty");
    }
    return v;
  }

  /** An integer flag no smaller than {@code min}, or {@code fallback} when absent. */
  int intAtLeast(String name, int fallback, int min) {
    String v = values.get(name);
    if (v == null) {
      return fallback;
    }
    int n;
    try {
      n = Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw CliException.usage(command, name + ": \"" + v + "\" is not an integer");
    }
    if (n < min) {
      throw CliException.usage(command, name + ": " + n + " is too small (at least " + min + ")");
    }
    return n;
  }

  /** A value that must be one of {@code choices} (compared case-insensitively). */
  String choice(String name, String fallback, String... choices) {
    String v = values.get(name);
    if (v == null) {
      return fallback;
    }
    String s = v.trim().toLowerCase(Locale.ROOT);
    for (String c : choices) {
      if (c.equals(s)) {
        return c;
      }
    }
    throw CliException.usage(
        command, name + ": bad value \"" + v + "\" (expected " + String.join(", ", choices) + ")");
  }

  String command() {
    return command;
  }
}
