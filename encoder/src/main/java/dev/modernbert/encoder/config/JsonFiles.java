package dev.modernbert.encoder.config;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;

/**
 * Reading a checkpoint folder's small JSON files ({@code config.json}, {@code modules.json}, a
 * module's {@code config.json}, ...) and their fields, with {@link CheckpointException}s that name
 * the file and the key. Absent and {@code null} fields take the caller's fallback; a field of the
 * wrong type is an error, never a silent default.
 */
public final class JsonFiles {
  private JsonFiles() {}

  public static JsonElement read(Path file) {
    try {
      return BoundedJson.parse(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new CheckpointException(file + ": cannot read: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new CheckpointException(file + ": not valid JSON: " + e.getMessage(), e);
    }
  }

  /** The file's JSON object. */
  public static JsonObject object(Path file) {
    JsonElement e = read(file);
    if (!e.isJsonObject()) {
      throw new CheckpointException(file + ": expected a JSON object");
    }
    return e.getAsJsonObject();
  }

  /** The file's JSON object; an empty object when the file does not exist. */
  public static JsonObject objectOrEmpty(Path file) {
    return Files.isRegularFile(file) ? object(file) : new JsonObject();
  }

  /** {@code o[key]}, or null when absent or JSON {@code null}. */
  public static JsonElement value(JsonObject o, String key) {
    JsonElement e = o.get(key);
    return e == null || e.isJsonNull() ? null : e;
  }

  public static boolean bool(JsonObject o, String key, boolean fallback, Object where) {
    JsonElement e = primitive(o, key, JsonPrimitive::isBoolean, "true or false", where);
    return e == null ? fallback : e.getAsBoolean();
  }

  public static String string(JsonObject o, String key, String fallback, Object where) {
    JsonElement e = primitive(o, key, JsonPrimitive::isString, "a string", where);
    return e == null ? fallback : e.getAsString();
  }

  /** {@code o[key]} (null when absent), which must be a primitive {@code is} accepts. */
  private static JsonElement primitive(
      JsonObject o, String key, Predicate<JsonPrimitive> is, String expected, Object where) {
    JsonElement e = value(o, key);
    if (e != null && !(e.isJsonPrimitive() && is.test(e.getAsJsonPrimitive()))) {
      throw bad(where, key, expected, e);
    }
    return e;
  }

  public static int integer(JsonObject o, String key, int fallback, Object where) {
    JsonElement e = value(o, key);
    return e == null ? fallback : integer(e, key, where);
  }

  /** An integer the file must have. */
  public static int requireInt(JsonObject o, String key, Object where) {
    JsonElement e = value(o, key);
    if (e == null) {
      throw new CheckpointException(where + ": needs an integer " + key);
    }
    return integer(e, key, where);
  }

  private static int integer(JsonElement e, String key, Object where) {
    try {
      if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
        return e.getAsBigDecimal().intValueExact();
      }
    } catch (ArithmeticException ex) {
      // falls through to the error below
    }
    throw bad(where, key, "an integer", e);
  }

  /**
   * A positive integer that may be written as a huge number (HF's "no limit", {@code
   * 1000000000000000019884624838656}); 0 when absent, not a number, or beyond {@code int}.
   */
  public static int limit(JsonObject o, String key) {
    JsonElement e = value(o, key);
    if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
      return 0;
    }
    BigDecimal v = e.getAsBigDecimal();
    return v.signum() > 0 && v.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) <= 0
        ? v.intValue()
        : 0;
  }

  /** {@code where: key must be expected, got value}. */
  public static CheckpointException bad(Object where, String key, String expected, JsonElement e) {
    return new CheckpointException(
        where + ": " + key + " must be " + expected + ", got " + shown(e));
  }

  /** A value for an error message: "a list", "an object", or the primitive, abbreviated. */
  public static String shown(JsonElement e) {
    if (e instanceof JsonArray) {
      return "a list";
    }
    if (e instanceof JsonObject) {
      return "an object";
    }
    return abbreviate(String.valueOf(e));
  }

  /** At most 100 characters of {@code s}, on one line. */
  public static String abbreviate(String s) {
    String line = s.replace('\n', ' ').replace('\r', ' ');
    return line.length() > 100 ? line.substring(0, 100) + "..." : line;
  }
}
