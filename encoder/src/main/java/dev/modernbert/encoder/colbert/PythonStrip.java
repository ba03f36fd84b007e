package dev.modernbert.encoder.colbert;

/** Python's {@code str.strip()}: whitespace as {@code str.isspace} defines it, at both ends. */
final class PythonStrip {
  private PythonStrip() {}

  static String strip(String s) {
    int from = leading(s);
    int to = s.length();
    while (to > from && isSpace(s.charAt(to - 1))) {
      to--;
    }
    return s.substring(from, to);
  }

  /** How many whitespace characters {@code s} starts with. */
  static int leading(String s) {
    int i = 0;
    while (i < s.length() && isSpace(s.charAt(i))) {
      i++;
    }
    return i;
  }

  /**
   * Java's {@code isWhitespace} leaves out the no-break spaces (U+00A0, U+2007, U+202F) and U+0085,
   * which Python counts; {@code isSpaceChar} covers the former.
   */
  static boolean isSpace(char c) {
    return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085';
  }
}
