package dev.modernbert.encoder.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.modernbert.encoder.longtext.ChunkEmbedding;
import dev.modernbert.encoder.longtext.LongDocsFixture;
import dev.modernbert.encoder.longtext.LongTextEmbedTest;
import dev.modernbert.encoder.testing.Golden;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code encode --long-text chunk|late} against the long-docs fixture, and its usage errors. */
class EncodeLongTextTest {
  @TempDir Path tmp;

  private MainTest.Result encode(Path out, String model, String... flags) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "encode",
                "--model",
                Golden.resource("golden/" + model).toString(),
                "--input",
                LongDocsFixture.DIR.resolve("inputs.jsonl").toString(),
                "--output",
                out.toString(),
                "--batch-tokens",
                "300"));
    args.addAll(List.of(flags));
    return MainTest.run(args.toArray(new String[0]));
  }

  @Test
  void chunkAndLateLinesMatchTheFixture() throws IOException {
    String[][] runs = {
      {"st-mean-normalize", "chunk", "62", "16", "0"},
      {"st-cls-dense", "late", "46", "12", "24"},
    };
    for (String[] run : runs) {
      Path out = tmp.resolve(run[0] + "-" + run[1] + ".jsonl");
      List<String> flags =
          new ArrayList<>(
              List.of(
                  "--long-text", run[1], "--window-tokens", run[2], "--window-overlap", run[3]));
      if (run[1].equals("late")) {
        flags.addAll(List.of("--chunk-tokens", run[4]));
      }
      MainTest.Result r = encode(out, run[0], flags.toArray(new String[0]));
      assertEquals(0, r.code(), r.err());
      List<JsonObject> lines = MainTest.readLines(out);
      assertEquals(6, lines.size());
      for (JsonObject line : lines) {
        JsonObject expected = expectedRun(run, line.get("id").getAsString());
        List<ChunkEmbedding> chunks = new ArrayList<>();
        for (JsonElement e : line.getAsJsonArray("chunks")) {
          JsonObject c = e.getAsJsonObject();
          JsonObject x = expected.getAsJsonArray("chunks").get(chunks.size()).getAsJsonObject();
          chunks.add(
              new ChunkEmbedding(
                  c.get("chunk_index").getAsInt(),
                  x.get("token_start").getAsInt(),
                  x.get("token_end").getAsInt(),
                  c.get("char_start").getAsInt(),
                  c.get("char_end").getAsInt(),
                  MainTest.floats(c.getAsJsonArray("embedding"))));
        }
        LongTextEmbedTest.assertChunks(
            expected, chunks, run[0].equals("st-mean-normalize") ? 1e-5 : 1e-4);
        assertFalse(line.has("truncated"), "nothing of a chunked text is dropped");
      }
    }
  }

  @Test
  void aggregateMeanGivesOneEmbeddingPerLine() throws IOException {
    Path out = tmp.resolve("mean.jsonl");
    MainTest.Result r =
        encode(
            out,
            "st-mean-normalize",
            "--long-text",
            "chunk",
            "--window-tokens",
            "40",
            "--window-overlap",
            "10",
            "--aggregate",
            "mean");
    assertEquals(0, r.code(), r.err());
    for (JsonObject line : MainTest.readLines(out)) {
      JsonObject expected =
          expectedRun(
              new String[] {"st-mean-normalize", "chunk", "40", "10"},
              line.get("id").getAsString());
      LongTextEmbedTest.assertClose(
          LongDocsFixture.floats(expected.getAsJsonArray("aggregate_mean")),
          MainTest.floats(line.getAsJsonArray("embedding")),
          1e-5,
          line.get("id").getAsString());
    }
  }

  @Test
  void longTextUsageErrorsExitTwoWithoutOutput() throws IOException {
    Path out = tmp.resolve("bad.jsonl");
    MainTest.Result r = encode(out, "st-mean-normalize", "--window-tokens", "40");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--window-tokens needs --long-text chunk or late"), r.err());
    r = encode(out, "st-mean-normalize", "--long-text", "chunk", "--window-tokens", "63");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("at most 62"), r.err());
    Path ids =
        Files.writeString(tmp.resolve("ids.jsonl"), "{\"id\": 1, \"input_ids\": [2, 10, 3]}\n");
    r =
        MainTest.run(
            "encode",
            "--model",
            Golden.resource("golden/st-mean-normalize").toString(),
            "--input",
            ids.toString(),
            "--output",
            out.toString(),
            "--long-text",
            "chunk");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("every line needs \"text\""), r.err());
    assertFalse(Files.exists(out));
  }

  private static JsonObject expectedRun(String[] run, String id) {
    for (JsonObject e : LongDocsFixture.expected()) {
      if (e.get("id").getAsString().equals(id)
          && e.get("model").getAsString().equals(run[0])
          && e.get("mode").getAsString().equals(run[1])
          && e.get("W").getAsInt() == Integer.parseInt(run[2])
          && e.get("O").getAsInt() == Integer.parseInt(run[3])) {
        return e;
      }
    }
    throw new IllegalStateException("no fixture run for " + String.join(" ", run) + " " + id);
  }
}
