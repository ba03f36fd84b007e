package dev.modernbert.encoder.longtext;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.modernbert.encoder.testing.Golden;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The {@code long-docs} golden fixture: its texts and the expected line of every run. */
public final class LongDocsFixture {
  public static final Path DIR = Golden.resource("golden/long-docs");

  private LongDocsFixture() {}

  public static List<JsonObject> expected() {
    return lines("expected.jsonl");
  }

  public static List<JsonObject> tokens() {
    return lines("tokens.jsonl");
  }

  public static List<JsonObject> inputs() {
    return lines("inputs.jsonl");
  }

  public static String text(String id) {
    return inputs().stream()
        .filter(o -> o.get("id").getAsString().equals(id))
        .findFirst()
        .orElseThrow()
        .get("text")
        .getAsString();
  }

  public static float[] floats(JsonArray a) {
    float[] out = new float[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).getAsFloat();
    }
    return out;
  }

  private static List<JsonObject> lines(String name) {
    try {
      return Files.readAllLines(DIR.resolve(name), StandardCharsets.UTF_8).stream()
          .filter(l -> !l.isBlank())
          .map(l -> JsonParser.parseString(l).getAsJsonObject())
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
