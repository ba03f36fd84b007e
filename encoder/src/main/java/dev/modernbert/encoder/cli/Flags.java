package dev.modernbert.encoder.cli;

import dev.modernbert.encoder.flags.FlagException;
import dev.modernbert.encoder.flags.FlagParser;
import dev.modernbert.encoder.options.Option;
import java.util.List;
import java.util.Map;

/**
 * A command's flags, read by the shared {@link FlagParser} from its option declarations ({@code
 * --name value}, {@code --name=value}, a boolean alone meaning true; a flag given twice is
 * refused). Every given value is checked by its declaration when parsed, so every problem is a
 * {@link CliException#usage} naming the flag, with the option's one message; so is a missing option
 * that is declared {@linkplain Option#required required}.
 */
final class Flags {
  private final String command;
  private final Map<String, String> values;

  private Flags(String command, Map<String, String> values) {
    this.command = command;
    this.values = values;
  }

  /**
   * @param options the flags the command takes
   * @throws CliException {@link CliException#help} when {@code -h} or {@code --help} is given in a
   *     flag's position (never as a flag's value)
   */
  static Flags parse(String command, String[] args, List<Option<?>> options) {
    FlagParser.Builder parser = FlagParser.builder();
    for (Option<?> o : options) {
      if (o.type() == Option.Type.BOOLEAN) {
        parser.bool(o.flag(), o.help());
      } else {
        parser.value(o.flag(), o.help());
      }
    }
    FlagParser built = parser.build();
    if (built.wantsHelp(args)) {
      throw CliException.help(command);
    }
    Map<String, String> values;
    try {
      values = built.parse(args);
    } catch (FlagException e) {
      throw CliException.usage(command, e.getMessage());
    }
    for (Option<?> o : options) {
      String v = values.get(o.flag());
      if (v != null) {
        check(command, o, v);
      } else if (o.isRequired()) {
        throw CliException.usage(
            command, "missing required flag " + o.flag() + ": give " + o.requirement());
      }
    }
    return new Flags(command, values);
  }

  private static <T> T check(String command, Option<T> o, String text) {
    try {
      return o.parse(o.flag(), text);
    } catch (IllegalArgumentException e) {
      throw CliException.usage(command, e.getMessage());
    }
  }

  boolean has(Option<?> o) {
    return values.containsKey(o.flag());
  }

  /** The value given, read by the option's declaration, else its default (null when none). */
  <T> T value(Option<T> o) {
    String v = values.get(o.flag());
    return v == null ? o.defaultValue() : check(command, o, v);
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

  String command() {
    return command;
  }
}
