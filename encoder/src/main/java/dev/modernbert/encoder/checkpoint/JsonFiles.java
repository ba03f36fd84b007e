package dev.modernbert.encoder.checkpoint;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;

/**
 * The one reader of a checkpoint folder's JSON files ({@code config.json}, {@code modules.json}, a
 * module's {@code config.json}, {@code tokenizer.json}, a Hub repository's {@code modules.json} and
 * shard index, ...) and their fields: nesting bounded ({@link BoundedJson}), and every error a
 * {@link CheckpointException} in one shape, {@code where: field "key" problem} ({@link #error}).
 * Absent and {@code null} fields take the caller's fallback; a field of the wrong type is an error,
 * never a silent default.
 */
public final class JsonFiles {
  private JsonFiles() {}

  /**
   * The file's JSON value.
   *
   * @throws CheckpointException naming the file: not readable, not UTF-8 text (the cause a {@link
   *     CharacterCodingException}), not JSON or nested too deep (the cause a {@link
   *     JsonParseException}; the message's first line only)
   */
  public static JsonElement read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (CharacterCodingException e) {
      throw new CheckpointException(file + ": not UTF-8 text", e);
    } catch (IOException e) {
      throw new CheckpointException(file + ": cannot read: " + e.getMessage(), e);
    }
    try {
      return BoundedJson.parse(text);
    } catch (JsonParseException e) {
      throw new CheckpointException(file + ": not valid JSON: " + firstLine(e), e);
    }
  }

  /** The first line of an exception's message (Gson adds a troubleshooting link on a second). */
  public static String firstLine(Throwable e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return (nl < 0 ? m : m.substring(0, nl)).strip();
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
    JsonElement e = value(o, key);
    return e == null ? fallback : bool(e, key, where);
  }

  public static String string(JsonObject o, String key, String fallback, Object where) {
    JsonElement e = value(o, key);
    return e == null ? fallback : string(e, key, where);
  }

  public static int integer(JsonObject o, String key, int fallback, Object where) {
    JsonElement e = value(o, key);
    return e == null ? fallback : integer(e, key, where);
  }

  /** An integer the file must have. */
  public static int requireInt(JsonObject o, String key, Object where) {
    JsonElement e = value(o, key);
    if (e == null) {
      throw error(where, key, "is missing (an integer is needed)");
    }
    return integer(e, key, where);
  }

  /** {@code e} (field {@code key} of {@code where}, not null) as true or false. */
  public static boolean bool(JsonElement e, String key, Object where) {
    return primitive(e, key, JsonPrimitive::isBoolean, "true or false", where).getAsBoolean();
  }

  /** {@code e} (field {@code key} of {@code where}, not null) as a string. */
  public static String string(JsonElement e, String key, Object where) {
    return primitive(e, key, JsonPrimitive::isString, "a string", where).getAsString();
  }

  /** {@code e} (field {@code key} of {@code where}, not null) as a number. */
  public static double number(JsonElement e, String key, Object where) {
    return primitive(e, key, JsonPrimitive::isNumber, "a number", where).getAsDouble();
  }

  /**
   * {@code e} (field {@code key} of {@code where}, not null) as an {@code int}: a number with no
   * fraction ({@code 12} or {@code 12.0}, read exactly) within {@code int}'s range.
   */
  public static int integer(JsonElement e, String key, Object where) {
    primitive(e, key, JsonPrimitive::isNumber, "an integer", where);
    try {
      return e.getAsBigDecimal().intValueExact();
    } catch (ArithmeticException | NumberFormatException ex) {
      throw bad(where, key, "an integer", e);
    }
  }

  /** {@code e}, which must be a primitive {@code is} accepts. */
  private static JsonElement primitive(
      JsonElement e, String key, Predicate<JsonPrimitive> is, String expected, Object where) {
    if (!(e.isJsonPrimitive() && is.test(e.getAsJsonPrimitive()))) {
      throw bad(where, key, expected, e);
    }
    return e;
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

  /**
   * {@code where: field "key" problem}: the one shape of every error about a checkpoint's JSON (the
   * file, or the file and a section of it, then the field).
   */
  public static CheckpointException error(Object where, String key, String problem) {
    return new CheckpointException(where + ": field \"" + key + "\" " + problem);
  }

  /** {@code where: field "key" must be expected, got value}. */
  public static CheckpointException bad(Object where, String key, String expected, JsonElement e) {
    return error(where, key, "must be " + expected + ", got " + shown(e));
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
