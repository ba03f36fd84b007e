package dev.modernbert.encoder.cli;

import dev.modernbert.encoder.flags.FlagException;
import dev.modernbert.encoder.flags.FlagParser;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A row command's flags, read by the shared {@link FlagParser} ({@code --name value}, {@code
 * --name=value}, value-less switches; a flag given twice is refused). Every problem, in parsing or
 * in the accessors, is a {@link CliException#usage} naming the flag.
 */
final class Flags {
  private final String command;
  private final Map<String, String> values;

  private Flags(String command, Map<String, String> values) {
    this.command = command;
    this.values = values;
  }

  /**
   * @param valued flags that take a value (names with their leading {@code --})
   * @param switches flags that take none
   * @throws CliException {@link CliException#help} when {@code -h} or {@code --help} is given in a
   *     flag's position (never as a flag's value)
   */
  static Flags parse(String command, String[] args, Set<String> valued, Set<String> switches) {
    FlagParser.Builder parser = FlagParser.builder();
    valued.stream().sorted().forEach(name -> parser.value(name, ""));
    switches.stream().sorted().forEach(name -> parser.toggle(name, ""));
    FlagParser built = parser.build();
    if (built.wantsHelp(args)) {
      throw CliException.help(command);
    }
    try {
      return new Flags(command, built.parse(args));
    } catch (FlagException e) {
      throw CliException.usage(command, e.getMessage());
    }
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
    try {
      return FlagParser.intAtLeast(values, name, fallback, min);
    } catch (IllegalArgumentException e) {
      throw CliException.usage(command, e.getMessage());
    }
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
