package dev.modernbert.encoder.testing;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.modernbert.encoder.pool.Pooling;
import dev.modernbert.encoder.task.Embed;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A sentence-transformers golden folder ({@code st-*}, copied from {@code shared/golden}): its
 * texts ({@code inputs.jsonl}) and every case of {@code expected.jsonl}, as sentence-transformers
 * 5.7 computed it.
 */
public final class StFixture {
  public static final List<String> NAMES = List.of("st-mean-normalize", "st-cls-dense", "st-modes");

  /** One line of expected.jsonl: a text, the encode kwargs, the ids the model saw, the vector. */
  public record Case(
      String id,
      String name,
      String prompt,
      String promptName,
      int truncateDim,
      boolean normalize,
      int[] inputIds,
      float[] embedding) {

    /** The task these kwargs mean. */
    public Embed task() {
      return new Embed(Pooling.AUTO, normalize, prompt, promptName, truncateDim);
    }
  }

  public final Path dir;
  public final Map<String, String> texts = new LinkedHashMap<>();
  public final List<Case> cases = new ArrayList<>();

  private StFixture(Path dir) {
    this.dir = dir;
    for (JsonObject o : lines(dir.resolve("inputs.jsonl"))) {
      texts.put(o.get("id").getAsString(), o.get("text").getAsString());
    }
    for (JsonObject o : lines(dir.resolve("expected.jsonl"))) {
      JsonObject call = o.getAsJsonObject("call");
      cases.add(
          new Case(
              o.get("id").getAsString(),
              o.get("case").getAsString(),
              string(call.get("prompt")),
              string(call.get("prompt_name")),
              call.get("truncate_dim").isJsonNull() ? 0 : call.get("truncate_dim").getAsInt(),
              call.get("normalize_embeddings").getAsBoolean(),
              ints(o.getAsJsonArray("input_ids")),
              floats(o.getAsJsonArray("embedding"))));
    }
  }

  /** The fixture in the encoder's test resources ({@code golden/<name>}). */
  public static StFixture open(String name) {
    return new StFixture(Golden.resource("golden/" + name));
  }

  public static StFixture at(Path dir) {
    return new StFixture(dir);
  }

  /** The cases by name, each with its lines in input order. */
  public Map<String, List<Case>> byCase() {
    Map<String, List<Case>> out = new LinkedHashMap<>();
    for (Case c : cases) {
      out.computeIfAbsent(c.name(), k -> new ArrayList<>()).add(c);
    }
    return out;
  }

  private static String string(JsonElement e) {
    return e == null || e.isJsonNull() ? null : e.getAsString();
  }

  private static int[] ints(JsonArray a) {
    int[] out = new int[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).getAsInt();
    }
    return out;
  }

  private static float[] floats(JsonArray a) {
    float[] out = new float[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).getAsFloat();
    }
    return out;
  }

  private static List<JsonObject> lines(Path file) {
    try {
      List<JsonObject> out = new ArrayList<>();
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (!line.isBlank()) {
          out.add(JsonParser.parseString(line).getAsJsonObject());
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
