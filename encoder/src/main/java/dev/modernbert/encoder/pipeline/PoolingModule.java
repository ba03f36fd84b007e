package dev.modernbert.encoder.pipeline;

import ai.djl.ndarray.NDArray;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.modernbert.encoder.checkpoint.CheckpointException;
import dev.modernbert.encoder.checkpoint.JsonFiles;
import dev.modernbert.encoder.model.BatchTensors;
import dev.modernbert.encoder.pool.Pooler;
import dev.modernbert.encoder.pool.Pooling;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * sentence-transformers' {@code Pooling}: one or more modes, concatenated in order, and whether the
 * prompt's tokens are pooled ({@code include_prompt}).
 *
 * @param modes never empty, never {@code AUTO}
 * @param dimension {@code embedding_dimension} of the config; 0 when not given
 */
public record PoolingModule(List<Pooling> modes, boolean includePrompt, int dimension) {
  /** The classic config's flags. */
  private static final Map<String, Pooling> CLASSIC_FLAGS =
      Map.of(
          "pooling_mode_cls_token", Pooling.CLS,
          "pooling_mode_max_tokens", Pooling.MAX,
          "pooling_mode_mean_tokens", Pooling.MEAN,
          "pooling_mode_mean_sqrt_len_tokens", Pooling.MEAN_SQRT_LEN,
          "pooling_mode_weightedmean_tokens", Pooling.WEIGHTEDMEAN,
          "pooling_mode_lasttoken", Pooling.LASTTOKEN);

  /** The classic flags in the order sentence-transformers concatenates their modes. */
  private static final List<String> CLASSIC_ORDER =
      List.of(
          "pooling_mode_cls_token",
          "pooling_mode_max_tokens",
          "pooling_mode_mean_tokens",
          "pooling_mode_mean_sqrt_len_tokens",
          "pooling_mode_weightedmean_tokens",
          "pooling_mode_lasttoken");

  public PoolingModule {
    modes = List.copyOf(modes);
    if (modes.isEmpty() || modes.contains(Pooling.AUTO)) {
      throw new IllegalArgumentException("a Pooling module needs concrete modes, got " + modes);
    }
  }

  /** One mode over every token: what a checkpoint without sentence-transformers files gets. */
  public static PoolingModule of(Pooling mode) {
    return new PoolingModule(List.of(mode), true, 0);
  }

  /**
   * Reads a Pooling {@code config.json}: the 5.x {@code pooling_mode} (a string or a list, in list
   * order) when present, else the classic {@code pooling_mode_*} flags (in sentence-transformers'
   * fixed order cls, max, mean, mean_sqrt_len_tokens, weightedmean, lasttoken).
   */
  public static PoolingModule read(Path configFile) {
    JsonObject json = JsonFiles.objectOrEmpty(configFile);
    List<Pooling> modes = new ArrayList<>();
    JsonElement named = json.get("pooling_mode");
    if (named != null && !named.isJsonNull()) {
      JsonArray list = named.isJsonArray() ? named.getAsJsonArray() : new JsonArray();
      if (!named.isJsonArray()) {
        list.add(named);
      }
      for (JsonElement e : list) {
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
          throw JsonFiles.bad(configFile, "pooling_mode", "a string or a list of strings", e);
        }
        modes.add(mode(e.getAsString(), configFile));
      }
    } else {
      for (String key : json.keySet()) {
        if (key.startsWith("pooling_mode_")
            && !CLASSIC_FLAGS.containsKey(key)
            && JsonFiles.bool(json, key, false, configFile)) {
          throw new CheckpointException(
              configFile + ": unknown pooling flag \"" + key + "\"; known: " + CLASSIC_ORDER);
        }
      }
      for (String key : CLASSIC_ORDER) {
        if (JsonFiles.bool(json, key, false, configFile)) {
          modes.add(CLASSIC_FLAGS.get(key));
        }
      }
    }
    if (modes.isEmpty()) {
      throw new CheckpointException(
          configFile + ": no pooling mode is on (pooling_mode or a pooling_mode_* flag)");
    }
    int dim =
        json.has("embedding_dimension")
            ? JsonFiles.requireInt(json, "embedding_dimension", configFile)
            : json.has("word_embedding_dimension")
                ? JsonFiles.requireInt(json, "word_embedding_dimension", configFile)
                : 0;
    return new PoolingModule(modes, JsonFiles.bool(json, "include_prompt", true, configFile), dim);
  }

  private static Pooling mode(String s, Path file) {
    try {
      Pooling p = Pooling.parse(s);
      if (p != Pooling.AUTO) {
        return p;
      }
    } catch (IllegalArgumentException e) {
      // reworded below, naming the file
    }
    throw new CheckpointException(
        file
            + ": unknown pooling_mode \""
            + s
            + "\"; known: cls, max, mean, mean_sqrt_len_tokens, weightedmean, lasttoken");
  }

  /** This module with {@code mode} alone in place of its modes ({@code include_prompt} kept). */
  public PoolingModule withMode(Pooling mode) {
    return mode == Pooling.AUTO ? this : new PoolingModule(List.of(mode), includePrompt, dimension);
  }

  /** The pooled width for token vectors of width {@code hidden}. */
  public int outputDim(int hidden) {
    return modes.size() * hidden;
  }

  /**
   * {@code [batch, modes x hidden]} from {@code [rows, hidden]}; sequence {@code b} pools positions
   * from {@code firstPooled[b]} on.
   */
  public NDArray pool(NDArray hidden, BatchTensors batch, int[] firstPooled) {
    return Pooler.pool(hidden, batch, modes, firstPooled);
  }

  /** The modes in words: {@code cls+mean}. */
  public String describe() {
    List<String> ids = new ArrayList<>();
    modes.forEach(m -> ids.add(m.id()));
    return String.join("+", ids);
  }
}
