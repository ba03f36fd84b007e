package dev.modernbert.encoder.options;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * One option, declared once: its name (the Spark Param name, camelCase), its flag ({@code --} plus
 * the kebab-case name unless declared otherwise), its type, doc, default and the rule its values
 * follow. The Spark stages turn it into a Param, the job and the CLI into a flag with the same
 * help, and {@code docs/options.md} and {@code conf/embed-job.properties} are generated from it. A
 * bad value gets one message, whichever front end read it ({@link #problem}).
 *
 * <p>Immutable and serializable (Spark ships Params, and so their validators, to executors). A
 * front end that needs another default or flag name derives a copy ({@link #withDefault}, {@link
 * #withFlag}); the rule and the doc stay the declaration's.
 *
 * @param <T> {@code String}, {@code Integer} or {@code Boolean}
 */
public final class Option<T> implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The value type, which decides the Spark Param class and the flag kind. */
  public enum Type {
    STRING,
    INT,
    BOOLEAN
  }

  /** A test of a value that can travel with a Spark Param. */
  @FunctionalInterface
  public interface Rule<T> extends Serializable {
    boolean accepts(T value);
  }

  private final String name;
  private final String flag;
  private final Type type;
  private final String doc;
  private final T defaultValue;
  private final List<String> choices;
  private final Integer min;
  private final String expected;
  private final Rule<T> rule;
  private final boolean required;

  private Option(
      String name,
      String flag,
      Type type,
      String doc,
      T defaultValue,
      List<String> choices,
      Integer min,
      String expected,
      Rule<T> rule,
      boolean required) {
    this.name = Objects.requireNonNull(name);
    this.flag = flag == null ? "--" + kebab(name) : flag;
    this.type = type;
    this.doc = Objects.requireNonNull(doc);
    this.defaultValue = defaultValue;
    this.choices = List.copyOf(choices);
    this.min = min;
    this.expected = expected;
    this.rule = rule;
    this.required = required;
  }

  /** A string option without a rule; {@code defaultValue} null means "unset" (no default). */
  public static Option<String> text(String name, String doc, String defaultValue) {
    return new Option<>(
        name, null, Type.STRING, doc, defaultValue, List.of(), null, null, null, false);
  }

  /** A column name option: any non-blank text; {@code defaultValue} null means "unset". */
  public static Option<String> column(String name, String doc, String defaultValue) {
    return matching(name, doc, defaultValue, "a column name", c -> !c.isBlank());
  }

  /** A string option that is one of {@code choices} (read case-insensitively). */
  public static Option<String> choice(
      String name, String doc, String defaultValue, List<String> choices) {
    return new Option<>(
        name,
        null,
        Type.STRING,
        doc,
        defaultValue,
        choices,
        null,
        String.join(", ", choices),
        choices::contains,
        false);
  }

  /**
   * A string option whose values pass {@code rule}; {@code expected} says which do, as in {@code
   * bad value "x" (expected ...)}.
   */
  public static Option<String> matching(
      String name, String doc, String defaultValue, String expected, Rule<String> rule) {
    return new Option<>(
        name, null, Type.STRING, doc, defaultValue, List.of(), null, expected, rule, false);
  }

  /** An integer option no smaller than {@code min}; {@code defaultValue} null means "unset". */
  public static Option<Integer> integer(String name, String doc, Integer defaultValue, int min) {
    return new Option<>(name, null, Type.INT, doc, defaultValue, List.of(), min, null, null, false);
  }

  /** A true/false option; {@code defaultValue} null means "unset". */
  public static Option<Boolean> bool(String name, String doc, Boolean defaultValue) {
    return new Option<>(
        name, null, Type.BOOLEAN, doc, defaultValue, List.of(), null, null, null, false);
  }

  /** This option under another flag name (a front end's historic spelling, e.g. --threads). */
  public Option<T> withFlag(String otherFlag) {
    return new Option<>(
        name, otherFlag, type, doc, defaultValue, choices, min, expected, rule, required);
  }

  /**
   * This option with another default (a front end's own, e.g. the CLI's cpu device); a required
   * option given a default is no longer required.
   */
  public Option<T> withDefault(T otherDefault) {
    return new Option<>(
        name,
        flag,
        type,
        doc,
        otherDefault,
        choices,
        min,
        expected,
        rule,
        required && otherDefault == null);
  }

  /**
   * This option marked required: a front end refuses to run the stage or command that takes it when
   * it is not given ({@link #requirement} says how to give it).
   *
   * @throws IllegalStateException when the option has a default
   */
  public Option<T> required() {
    if (defaultValue != null) {
      throw new IllegalStateException(name + " has a default, so it cannot be required");
    }
    return new Option<>(name, flag, type, doc, null, choices, min, expected, rule, true);
  }

  /** True when the option is marked {@link #required}. */
  public boolean isRequired() {
    return required;
  }

  /**
   * How to give the option, for a "needs" message: each choice after the flag, joined by {@code or}
   * ({@code --role query or --role document}), else the flag and what its values must be ({@code
   * --top-k (integer >= 1)}).
   */
  public String requirement() {
    return requirement(c -> flag + " " + c, flag);
  }

  /**
   * {@link #requirement()} in a front end's own terms: each choice as {@code give} phrases it,
   * joined by {@code or} ({@code role=query or role=document}), else {@code label} and what the
   * values must be ({@code topK (integer >= 1)}).
   */
  public String requirement(UnaryOperator<String> give, String label) {
    if (!choices.isEmpty()) {
      return String.join(" or ", choices.stream().map(give).toList());
    }
    return label + " (" + describeValues() + ")";
  }

  /** This option with one more choice, whose meaning is added to the doc. */
  public Option<String> orAlso(String choice, String meaning) {
    if (choices.isEmpty()) {
      throw new IllegalStateException(name + " is not a choice option");
    }
    List<String> more = new ArrayList<>(choices);
    more.add(choice);
    Option<String> wider =
        choice(name, this.doc + "; " + choice + ": " + meaning, (String) defaultValue, more)
            .withFlag(flag);
    return required ? wider.required() : wider;
  }

  /** The Param name, e.g. {@code windowOverlap}. */
  public String name() {
    return name;
  }

  /** The flag, e.g. {@code --window-overlap}. */
  public String flag() {
    return flag;
  }

  /** The flag without its leading {@code --}: the job's key in a conf file. */
  public String key() {
    return flag.substring(2);
  }

  public Type type() {
    return type;
  }

  /**
   * The doc as a Spark Param shows it: a reference to another option, written {@code {name}} in the
   * declaration, reads as its Param name.
   */
  public String doc() {
    return REFERENCE.matcher(doc).replaceAll("$1");
  }

  /** The doc as a flag's help shows it: a reference reads as the other option's flag. */
  public String flagDoc() {
    return REFERENCE.matcher(doc).replaceAll(m -> "--" + kebab(m.group(1)));
  }

  private static final Pattern REFERENCE = Pattern.compile("\\{([a-zA-Z]+)}");

  /** The default, or null when the option has none (it is then unset unless given). */
  public T defaultValue() {
    return defaultValue;
  }

  /** The allowed values of a choice option, else empty. */
  public List<String> choices() {
    return choices;
  }

  /** The {@link #flagDoc}, followed by {@code (default X)} when there is a non-empty default. */
  public String help() {
    String d = defaultValue == null ? "" : String.valueOf(defaultValue);
    return d.isEmpty() ? flagDoc() : flagDoc() + " (default " + d + ")";
  }

  /** What a value must be, for the reference: e.g. {@code integer >= 0}, {@code a, b}. */
  public String describeValues() {
    return switch (type) {
      case INT -> "integer >= " + min;
      case BOOLEAN -> "true, false";
      case STRING -> expected == null ? "text" : expected;
    };
  }

  /**
   * The value of {@code text}: parsed for its type (ints and booleans trimmed, a choice read
   * case-insensitively) and checked.
   *
   * @param label how the caller names the option in the message: its flag or its Param name
   * @throws IllegalArgumentException with {@link #problem}'s message
   */
  @SuppressWarnings("unchecked")
  public T parse(String label, String text) {
    if (text == null) {
      throw new IllegalArgumentException(label + " needs a value");
    }
    Object value =
        switch (type) {
          case INT -> parseInt(label, text);
          case BOOLEAN -> parseBool(label, text);
          case STRING -> choices.isEmpty() ? text : text.trim().toLowerCase(Locale.ROOT);
        };
    return check(label, (T) value);
  }

  /**
   * {@code value} when it follows the rule.
   *
   * @throws IllegalArgumentException naming {@code label}, the value and what is expected
   */
  public T check(String label, T value) {
    String problem = problem(label, value);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return value;
  }

  /**
   * The one message of a bad value, or null when it is good: {@code label: bad value "x" (expected
   * a, b)}, {@code label: -1 is too small (at least 0)}.
   */
  public String problem(String label, T value) {
    if (value == null) {
      return label + " needs a value";
    }
    if (type == Type.INT && (Integer) value < min) {
      return label + ": " + value + " is too small (at least " + min + ")";
    }
    if (rule != null && !rule.accepts(value)) {
      return label + ": bad value \"" + value + "\" (expected " + expected + ")";
    }
    return null;
  }

  private static int parseInt(String label, String text) {
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(label + ": \"" + text + "\" is not an integer");
    }
  }

  private static boolean parseBool(String label, String text) {
    String t = text.trim();
    if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(t);
    }
    throw new IllegalArgumentException(
        label + ": bad value \"" + text + "\" (expected true, false)");
  }

  /** The options of {@code lists}, in order (a front end's list from catalogs' lists). */
  @SafeVarargs
  public static List<Option<?>> concat(List<? extends Option<?>>... lists) {
    List<Option<?>> all = new ArrayList<>();
    for (List<? extends Option<?>> list : lists) {
      all.addAll(list);
    }
    return List.copyOf(all);
  }

  /** {@code windowOverlap} to {@code window-overlap}. */
  public static String kebab(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return flag;
  }
}
