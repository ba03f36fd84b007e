package dev.modernbert.encoder.flags;

import dev.modernbert.encoder.flags.FlagException.Problem;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one flag parser of the command lines ({@code modernbert encode|classify|...}, {@code
 * modernbert bench}, the Spark jobs): it knows each flag's name, whether it takes a value, and its
 * help, and reads {@code --name value}, {@code --name=value} and value-less switches. Every problem
 * (a stray argument, an unknown flag, a missing value, a value given to a switch, a flag given
 * twice) is a {@link FlagException}; each command turns it into its own error and exit code.
 *
 * <p>Names include the leading {@code --}. A value is the next argument unless that starts with
 * {@code --} (so {@code --n -1} works); {@code --name=} gives the empty value.
 */
public final class FlagParser {

  /** How a flag takes its value. */
  public enum Kind {
    /** {@code --name value} or {@code --name=value}. */
    VALUE,
    /** {@code --name} alone; its value is {@code "true"}. */
    SWITCH,
    /**
     * A switch that may also be given a value: {@code --name} ({@code "true"}), {@code --name
     * true|false} (the next argument is taken only when it is true or false, in any case) or {@code
     * --name=anything} (the caller checks it).
     */
    BOOLEAN
  }

  /** What to do when a flag is given twice. */
  public enum Repeats {
    /** A {@link Problem#GIVEN_TWICE} error. */
    REFUSED,
    /** The later value wins (the flag keeps the position of its first occurrence). */
    LAST_WINS
  }

  /** One flag: its name (with {@code --}), how it takes a value, and a line of help. */
  public record Flag(String name, Kind kind, String help) {
    public Flag {
      if (name == null || !name.startsWith("--") || name.length() == 2 || name.contains("=")) {
        throw new IllegalArgumentException("a flag name is --name, without '=': " + name);
      }
      if (kind == null) {
        throw new IllegalArgumentException("no kind for " + name);
      }
      help = help == null ? "" : help;
    }

    public boolean takesValue() {
      return kind == Kind.VALUE;
    }
  }

  private final Map<String, Flag> flags;
  private final Repeats repeats;

  private FlagParser(Map<String, Flag> flags, Repeats repeats) {
    this.flags = flags;
    this.repeats = repeats;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Collects the flags in the order help lists them. */
  public static final class Builder {
    private final Map<String, Flag> flags = new LinkedHashMap<>();
    private Repeats repeats = Repeats.REFUSED;

    private Builder() {}

    public Builder add(Flag flag) {
      if (flags.putIfAbsent(flag.name(), flag) != null) {
        throw new IllegalArgumentException("flag " + flag.name() + " defined twice");
      }
      return this;
    }

    /** A flag that takes a value. */
    public Builder value(String name, String help) {
      return add(new Flag(name, Kind.VALUE, help));
    }

    /** A value-less switch. */
    public Builder toggle(String name, String help) {
      return add(new Flag(name, Kind.SWITCH, help));
    }

    /** A switch that may be given true or false. */
    public Builder bool(String name, String help) {
      return add(new Flag(name, Kind.BOOLEAN, help));
    }

    /** Refused ({@link Repeats#REFUSED}, the default) or the later wins. */
    public Builder repeats(Repeats policy) {
      this.repeats = policy;
      return this;
    }

    public FlagParser build() {
      return new FlagParser(Collections.unmodifiableMap(new LinkedHashMap<>(flags)), repeats);
    }
  }

  /**
   * The flags given, in the order first given, name to value ({@code "true"} for a switch).
   *
   * @throws FlagException at the first problem, naming the flag
   */
  public Map<String, String> parse(String... args) {
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--") || arg.length() == 2) {
        throw new FlagException(Problem.UNEXPECTED_ARGUMENT, arg, null);
      }
      int eq = arg.indexOf('=');
      String name = eq > 2 ? arg.substring(0, eq) : arg;
      String inline = eq > 2 ? arg.substring(eq + 1) : null;
      Flag flag = flags.get(name);
      if (flag == null) {
        throw new FlagException(Problem.UNKNOWN_FLAG, name, null);
      }
      String value;
      switch (flag.kind()) {
        case VALUE -> {
          if (inline != null) {
            value = inline;
          } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
            value = args[++i];
          } else {
            throw new FlagException(Problem.NEEDS_VALUE, name, flag);
          }
        }
        case SWITCH -> {
          if (inline != null) {
            throw new FlagException(Problem.TAKES_NO_VALUE, name, flag);
          }
          value = "true";
        }
        case BOOLEAN -> {
          if (inline != null) {
            value = inline;
          } else if (i + 1 < args.length && isBoolean(args[i + 1])) {
            value = args[++i];
          } else {
            value = "true";
          }
        }
        default -> throw new AssertionError(flag.kind());
      }
      if (values.containsKey(name) && repeats == Repeats.REFUSED) {
        throw new FlagException(Problem.GIVEN_TWICE, name, flag);
      }
      values.put(name, value);
    }
    return Collections.unmodifiableMap(values);
  }

  /**
   * Whether {@code args} ask for help: {@code -h} or {@code --help} in a flag's position. A flag's
   * value is never a help request ({@code --prompt -h} gives the prompt {@code "-h"}): values are
   * skipped exactly as {@link #parse} takes them, so the two never disagree.
   */
  public boolean wantsHelp(String... args) {
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("-h") || arg.equals("--help")) {
        return true;
      }
      if (!arg.startsWith("--") || arg.indexOf('=') > 2) {
        continue; // a stray argument or --name=value: nothing to skip
      }
      Flag flag = flags.get(arg);
      if (flag == null) {
        continue;
      }
      if (flag.kind() == Kind.VALUE && i + 1 < args.length && !args[i + 1].startsWith("--")) {
        i++;
      } else if (flag.kind() == Kind.BOOLEAN && i + 1 < args.length && isBoolean(args[i + 1])) {
        i++;
      }
    }
    return false;
  }

  /**
   * An integer flag of parsed {@code values}, no smaller than {@code min}, or {@code fallback} when
   * absent.
   *
   * @throws IllegalArgumentException naming the flag when the value is not such an integer
   */
  public static int intAtLeast(Map<String, String> values, String name, int fallback, int min) {
    String v = values.get(name);
    if (v == null) {
      return fallback;
    }
    int n;
    try {
      n = Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + ": \"" + v + "\" is not an integer");
    }
    if (n < min) {
      throw new IllegalArgumentException(name + ": " + n + " is too small (at least " + min + ")");
    }
    return n;
  }

  private static boolean isBoolean(String s) {
    return s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false");
  }

  /** The flag called {@code name} (with {@code --}), or null. */
  public Flag flag(String name) {
    return flags.get(name);
  }

  /** Every flag, in definition order. */
  public List<Flag> flags() {
    return List.copyOf(flags.values());
  }

  /** The names, space-separated, in definition order: {@code --a --b}. */
  public String names() {
    return String.join(" ", flags.keySet());
  }
}
