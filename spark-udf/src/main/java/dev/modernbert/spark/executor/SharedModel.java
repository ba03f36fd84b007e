package dev.modernbert.spark.executor;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.pool.Pooling;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** An encoder loaded on an executor, its device runner, and the checkpoint's default pooling. */
public final class SharedModel {
  private final ModernBertEncoder encoder;
  private final DeviceRunner runner;
  private final Pooling defaultPooling;
  private final RuntimeException poolingProblem;

  SharedModel(ModernBertEncoder encoder, DeviceRunner runner) {
    this.encoder = encoder;
    this.runner = runner;
    Pooling p = null;
    RuntimeException problem = null;
    try {
      p = checkpointPooling(encoder.modelDir());
    } catch (RuntimeException e) {
      problem = e; // only matters when pooling=auto
    }
    this.defaultPooling = p;
    this.poolingProblem = problem;
  }

  public ModernBertEncoder encoder() {
    return encoder;
  }

  public DeviceRunner runner() {
    return runner;
  }

  /** The checkpoint's sentence-transformers pooling, else {@link Pooling#CLS}. */
  public Pooling defaultPooling() {
    if (poolingProblem != null) {
      throw poolingProblem;
    }
    return defaultPooling;
  }

  /** Resolves the {@code pooling} param: {@code auto} is the checkpoint's own pooling. */
  public Pooling pooling(String param) {
    return param == null || param.equals("auto") ? defaultPooling() : Pooling.parse(param);
  }

  /**
   * Reads {@code 1_Pooling/config.json} (sentence-transformers): {@code pooling_mode_mean_tokens}
   * gives MEAN, {@code pooling_mode_cls_token} gives CLS; without the file, CLS. A file asking only
   * for a mode this encoder lacks (max, weighted mean, last token) is refused rather than guessed.
   */
  public static Pooling checkpointPooling(Path modelDir) {
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
