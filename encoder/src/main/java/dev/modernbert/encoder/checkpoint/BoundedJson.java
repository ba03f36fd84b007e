package dev.modernbert.encoder.checkpoint;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

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
    checkDepth(text); // cheap, and refuses before a deep tree is built
    JsonElement e = JsonParser.parseString(text);
    checkDepth(e); // Gson reads leniently: 'strings' and comments can hide brackets from the scan
    return e;
  }

  /** Refuses a parsed value nested deeper than {@link #MAX_DEPTH}: an iterative walk. */
  public static void checkDepth(JsonElement root) {
    Deque<Map.Entry<JsonElement, Integer>> todo = new ArrayDeque<>();
    todo.push(Map.entry(root, 0));
    while (!todo.isEmpty()) {
      Map.Entry<JsonElement, Integer> next = todo.pop();
      JsonElement e = next.getKey();
      int depth = next.getValue() + (e.isJsonArray() || e.isJsonObject() ? 1 : 0);
      if (depth > MAX_DEPTH) {
        throw new JsonParseException("JSON nested deeper than " + MAX_DEPTH + " levels");
      }
      if (e.isJsonArray()) {
        e.getAsJsonArray().forEach(child -> todo.push(Map.entry(child, depth)));
      } else if (e.isJsonObject()) {
        e.getAsJsonObject().entrySet().forEach(c -> todo.push(Map.entry(c.getValue(), depth)));
      }
    }
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
