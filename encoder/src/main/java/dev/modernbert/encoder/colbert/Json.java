package dev.modernbert.encoder.colbert;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.modernbert.encoder.config.CheckpointException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reading the folder's small JSON files, with errors that name the file. */
final class Json {
  private Json() {}

  static boolean exists(Path file) {
    return Files.isRegularFile(file);
  }

  static JsonElement read(Path file) {
    try {
      return JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new CheckpointException("cannot read " + file + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new CheckpointException(file + " is not valid JSON: " + e.getMessage(), e);
    }
  }

  static JsonObject object(Path file) {
    JsonElement e = read(file);
    if (!e.isJsonObject()) {
      throw new CheckpointException(file + " must hold a JSON object");
    }
    return e.getAsJsonObject();
  }
}
