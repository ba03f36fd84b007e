package dev.modernbert.encoder.config;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

/**
 * JSON text from an untrusted source (a checkpoint's files, a safetensors header, an input line, a
 * server's answer), parsed with its nesting bounded. Gson parses any depth, but its {@code
 * toString}, writer and {@code hashCode} recurse, so a value nested 20,000 levels deep ends in a
 * {@link StackOverflowError} wherever it is printed or written later. No file the project reads
 * needs more than a few levels; {@link #MAX_DEPTH} leaves ample room.
 */
public final class BoundedJson {
  /** The deepest nesting of arrays and objects accepted. */
  public static final int MAX_DEPTH = 128;

  private BoundedJson() {}

  /**
   * {@code text} parsed as one JSON value.
   *
   * @throws JsonParseException for malformed JSON or nesting deeper than {@link #MAX_DEPTH}, with a
   *     one-line message
   */
  public static JsonElement parse(String text) {
    checkDepth(text);
    return JsonParser.parseString(text);
  }

  /**
   * Refuses text whose arrays and objects nest deeper than {@link #MAX_DEPTH}: one linear scan,
   * brackets inside strings ignored.
   */
  public static void checkDepth(CharSequence text) {
    int depth = 0;
    boolean inString = false;
    for (int i = 0, n = text.length(); i < n; i++) {
      char c = text.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++; // the escaped character cannot end the string
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '[' || c == '{') {
        if (++depth > MAX_DEPTH) {
          throw new JsonParseException(
              "JSON nested deeper than " + MAX_DEPTH + " levels (at character " + (i + 1) + ")");
        }
      } else if (c == ']' || c == '}') {
        depth--;
      }
    }
  }
}
