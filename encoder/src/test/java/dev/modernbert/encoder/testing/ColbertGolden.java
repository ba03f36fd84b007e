package dev.modernbert.encoder.testing;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.modernbert.encoder.colbert.ColbertOverrides;
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
 * The {@code colbert} golden fixture (a copy of {@code shared/golden/colbert}): a PyLate folder,
 * its query and document texts, and what PyLate 1.4.0 computed for them under three flag sets.
 */
public final class ColbertGolden {
  /** The flag sets ("cases") of the fixture, in its order. */
  public static final List<String> CASES =
      List.of("no_expansion", "expansion_attend", "expansion_no_attend");

  /** An input line: {@code kind} is query or document. */
  public record Text(String id, String kind, String text) {}

  /** PyLate's input and rows for one text (documents: {@code kept} are the rows' positions). */
  public record Encoded(
      String id, int[] inputIds, int[] attentionMask, int[] kept, float[][] rows) {}

  /** A case's MaxSim scores, {@code [query][document]}. */
  public record Scores(List<String> queryIds, List<String> documentIds, float[][] values) {}

  public final Path dir;
  private final List<Text> texts = new ArrayList<>();
  private final Map<String, List<Encoded>> queries = new LinkedHashMap<>();
  private final List<Encoded> documents = new ArrayList<>();
  private final Map<String, Scores> scores = new LinkedHashMap<>();
  private final Map<String, JsonObject> calls = new LinkedHashMap<>();

  private ColbertGolden(Path dir) {
    this.dir = dir;
    for (JsonObject o : lines(dir.resolve("inputs.jsonl"))) {
      texts.add(
          new Text(
              o.get("id").getAsString(), o.get("kind").getAsString(), o.get("text").getAsString()));
    }
    for (JsonObject o : lines(dir.resolve("expected.jsonl"))) {
      switch (o.get("kind").getAsString()) {
        case "query" -> {
          String c = o.get("case").getAsString();
          calls.put(c, o.getAsJsonObject("call"));
          queries.computeIfAbsent(c, k -> new ArrayList<>()).add(encoded(o));
        }
        case "document" -> documents.add(encoded(o));
        case "scores" ->
            scores.put(
                o.get("case").getAsString(),
                new Scores(
                    strings(o.getAsJsonArray("query_ids")),
                    strings(o.getAsJsonArray("document_ids")),
                    matrix(o.getAsJsonArray("scores"))));
        default -> throw new IllegalStateException("unknown kind in " + o);
      }
    }
  }

  /** The fixture in {@code dir}. */
  public static ColbertGolden open(Path dir) {
    return new ColbertGolden(dir);
  }

  public List<Text> texts(String kind) {
    return texts.stream().filter(t -> t.kind().equals(kind)).toList();
  }

  public List<Encoded> queries(String kase) {
    return queries.get(kase);
  }

  public List<Encoded> documents() {
    return documents;
  }

  public Scores scores(String kase) {
    return scores.get(kase);
  }

  /** The case's flags as overrides (absent flags keep the folder's settings). */
  public ColbertOverrides overrides(String kase) {
    JsonObject call = calls.get(kase);
    return new ColbertOverrides(
        null,
        null,
        call.has("do_query_expansion") ? call.get("do_query_expansion").getAsBoolean() : null,
        call.has("attend_to_expansion_tokens")
            ? call.get("attend_to_expansion_tokens").getAsBoolean()
            : null);
  }

  /**
   * The rows this project gives for a PyLate query: PyLate's, except that expansion tokens with
   * attention mask 0 get {@code zeroRow} (the FlashAttention behaviour, ColbertInputs).
   */
  public static float[][] withUnattendedRows(Encoded q, float[] zeroRow) {
    float[][] rows = q.rows().clone();
    for (int i = 0; i < rows.length; i++) {
      if (q.attentionMask()[i] == 0) {
        rows[i] = zeroRow;
      }
    }
    return rows;
  }

  /** The ids PyLate gives the model with attention: the input ids whose mask is 1. */
  public static int[] attendedIds(Encoded q) {
    return java.util.stream.IntStream.range(0, q.inputIds().length)
        .filter(i -> q.attentionMask() == null || q.attentionMask()[i] == 1)
        .map(i -> q.inputIds()[i])
        .toArray();
  }

  private static Encoded encoded(JsonObject o) {
    return new Encoded(
        o.get("id").getAsString(),
        ints(o.getAsJsonArray("input_ids")),
        o.has("attention_mask") ? ints(o.getAsJsonArray("attention_mask")) : null,
        o.has("kept_positions") ? ints(o.getAsJsonArray("kept_positions")) : null,
        matrix(o.getAsJsonArray("embeddings")));
  }

  private static List<JsonObject> lines(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
          .filter(l -> !l.isBlank())
          .map(l -> JsonParser.parseString(l).getAsJsonObject())
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int[] ints(JsonArray a) {
    int[] out = new int[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).getAsInt();
    }
    return out;
  }

  /** A JSON list of lists of numbers as rows (embeddings, scores). */
  public static float[][] matrix(JsonArray a) {
    float[][] out = new float[a.size()][];
    for (int i = 0; i < out.length; i++) {
      JsonArray row = a.get(i).getAsJsonArray();
      out[i] = new float[row.size()];
      for (int j = 0; j < out[i].length; j++) {
        out[i][j] = row.get(j).getAsFloat();
      }
    }
    return out;
  }

  private static List<String> strings(JsonArray a) {
    List<String> out = new ArrayList<>();
    for (JsonElement e : a) {
      out.add(e.getAsString());
    }
    return out;
  }
}
