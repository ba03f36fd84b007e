package dev.modernbert.encoder.pool;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The pooling a checkpoint folder asks for: what {@link Pooling#AUTO} resolves to. */
public final class CheckpointPooling {
  private CheckpointPooling() {}

  /**
   * Reads {@code 1_Pooling/config.json} (sentence-transformers): {@code pooling_mode_mean_tokens}
   * gives MEAN, {@code pooling_mode_cls_token} gives CLS; without the file, CLS. A file asking only
   * for a mode this encoder lacks (max, weighted mean, last token) is refused rather than guessed.
   */
  public static Pooling read(Path modelDir) {
    Path file = modelDir.resolve("1_Pooling").resolve("config.json");
    if (!Files.isRegularFile(file)) {
      return Pooling.CLS;
    }
    JsonObject json;
    try {
      json =
          JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(file + " is not a JSON object: " + e.getMessage(), e);
    }
    if (flag(json, "pooling_mode_mean_tokens")) {
      return Pooling.MEAN;
    }
    if (flag(json, "pooling_mode_cls_token")) {
      return Pooling.CLS;
    }
    List<String> others = new ArrayList<>();
    for (Map.Entry<String, JsonElement> e : json.entrySet()) {
      if (e.getKey().startsWith("pooling_mode") && flag(json, e.getKey())) {
        others.add(e.getKey());
      }
    }
    if (others.isEmpty()) {
      return Pooling.CLS;
    }
    throw new IllegalArgumentException(
        file
            + " asks for "
            + others
            + ", which this encoder does not implement; set pooling=cls or pooling=mean explicitly");
  }

  private static boolean flag(JsonObject json, String key) {
    JsonElement e = json.get(key);
    return e != null
        && e.isJsonPrimitive()
        && e.getAsJsonPrimitive().isBoolean()
        && e.getAsBoolean();
  }
}
