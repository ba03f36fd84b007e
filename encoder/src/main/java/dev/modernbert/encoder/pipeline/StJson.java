package dev.modernbert.encoder.pipeline;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.modernbert.encoder.config.CheckpointException;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reading the small JSON files of a sentence-transformers folder, with errors naming the file. */
final class StJson {
  private StJson() {}

  static JsonElement read(Path file) {
    try {
      return JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new CheckpointException(file + ": cannot read: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new CheckpointException(file + ": not valid JSON: " + e.getMessage(), e);
    }
  }

  /** The file's JSON object; an empty object when the file does not exist. */
  static JsonObject objectOrEmpty(Path file) {
    if (!Files.isRegularFile(file)) {
      return new JsonObject();
    }
    JsonElement e = read(file);
    if (!e.isJsonObject()) {
      throw new CheckpointException(file + ": expected a JSON object");
    }
    return e.getAsJsonObject();
  }

  static boolean bool(JsonObject o, String key, boolean otherwise) {
    JsonElement e = o.get(key);
    return e == null || e.isJsonNull() ? otherwise : e.getAsBoolean();
  }

  static String string(JsonObject o, String key, String otherwise) {
    JsonElement e = o.get(key);
    return e == null || e.isJsonNull() ? otherwise : e.getAsString();
  }

  static int requireInt(JsonObject o, String key, String where) {
    JsonElement e = o.get(key);
    if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
      throw new CheckpointException(where + ": needs an integer \"" + key + "\", got " + e);
    }
    return e.getAsInt();
  }

  /**
   * A positive integer that may be written as a huge number (HF's "no limit", {@code
   * 1000000000000000019884624838656}); 0 when absent, not a number, or beyond {@code int}.
   */
  static int limit(JsonObject o, String key) {
    JsonElement e = o.get(key);
    if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
      return 0;
    }
    BigDecimal v = e.getAsBigDecimal();
    return v.signum() > 0 && v.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) <= 0
        ? v.intValue()
        : 0;
  }
}
