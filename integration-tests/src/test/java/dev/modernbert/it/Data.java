package dev.modernbert.it;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/** Generated inputs and readers of the job's JSON output. */
final class Data {
  private Data() {}

  private static final String[] WORDS =
      ("the of and to in is was for on that with spark model text token embedding vector search"
              + " query document language learning machine fast long short encoder transformer"
              + " attention window global local batch memory speed cluster city river mountain"
              + " music film book science history art game team player season water food energy"
              + " market price company zebra 42 3.14")
          .split(" ");

  /** Deterministic texts of 3 to maxWords words. */
  static List<String> texts(int n, int maxWords, long seed) {
    Random r = new Random(seed);
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int words = 3 + r.nextInt(maxWords - 2);
      StringBuilder sb = new StringBuilder();
      for (int w = 0; w < words; w++) {
        sb.append(w == 0 ? "" : " ").append(WORDS[r.nextInt(WORDS.length)]);
      }
      out.add(sb.toString());
    }
    return out;
  }

  /** Writes texts as {"id": i, "text": ...} lines spread over {@code files} .jsonl files. */
  static void writeJsonl(Path dir, List<String> texts, int files) {
    try {
      Files.createDirectories(dir);
      List<StringBuilder> parts = new ArrayList<>();
      for (int f = 0; f < files; f++) {
        parts.add(new StringBuilder());
      }
      for (int i = 0; i < texts.size(); i++) {
        JsonObject o = new JsonObject();
        o.addProperty("id", (long) i);
        o.addProperty("text", texts.get(i));
        parts.get(i % files).append(o).append('\n');
      }
      for (int f = 0; f < files; f++) {
        Files.writeString(
            dir.resolve("part-" + f + ".jsonl"), parts.get(f), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One output row: its id and vector. */
  record Row(long id, float[] vector) {}

  /** Every row of a JSON output folder (id, embedding), in file order. */
  static List<Row> readOutput(Path dir) {
    List<Row> rows = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.sorted().toList()) {
        String n = f.getFileName().toString();
        if (!n.startsWith("part-")) {
          continue;
        }
        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
          if (line.isBlank()) {
            continue;
          }
          JsonObject o = JsonParser.parseString(line).getAsJsonObject();
          JsonArray a = o.getAsJsonArray("embedding");
          float[] v = new float[a.size()];
          for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).getAsFloat();
          }
          rows.add(new Row(o.get("id").getAsLong(), v));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }

  /** Rows by id; fails on a duplicate id. */
  static Map<Long, float[]> byId(List<Row> rows) {
    Map<Long, float[]> m = new HashMap<>();
    for (Row r : rows) {
      if (m.put(r.id(), r.vector()) != null) {
        throw new AssertionError("duplicate id " + r.id() + " in the output");
      }
    }
    return m;
  }

  static JsonObject summary(Path output) {
    try {
      return JsonParser.parseString(
              Files.readString(output.resolve("_SUMMARY.json"), StandardCharsets.UTF_8))
          .getAsJsonObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void deleteTree(Path p) {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(q);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
