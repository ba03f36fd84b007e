package dev.modernbert.encoder.runtime;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The one reading of an option whose values are an enum's constants by their lower-case names
 * ({@link DtypeSpec}, {@link GemmSpec}): the names users give, and a case-insensitive parse with
 * one message.
 */
final class NamedChoice {
  private NamedChoice() {}

  /** The lower-case names of {@code type}'s constants, in order. */
  static <E extends Enum<E>> List<String> names(Class<E> type) {
    return Arrays.stream(type.getEnumConstants()).map(NamedChoice::name).toList();
  }

  /** The name users give for {@code e}: its constant's name in lower case. */
  static String name(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  /**
   * The constant of {@code type} named {@code text} (trimmed, case-insensitive).
   *
   * @param what the option's name in the message ({@code dtype}, {@code gemm})
   * @throws IllegalArgumentException naming the value and the choices
   */
  static <E extends Enum<E>> E parse(Class<E> type, String what, String text) {
    String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    for (E e : type.getEnumConstants()) {
      if (name(e).equals(t)) {
        return e;
      }
    }
    throw new IllegalArgumentException(
        "bad " + what + " \"" + text + "\": expected " + String.join(", ", names(type)));
  }
}
