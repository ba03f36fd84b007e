package dev.modernbert.encoder.longtext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WindowingTest {

  @Test
  void chunkWindowsAreTheFixturesTokenRanges() {
    int runs = 0;
    for (JsonObject run : LongDocsFixture.expected()) {
      if (!run.get("mode").getAsString().equals("chunk")) {
        continue;
      }
      Windowing w = new Windowing(run.get("W").getAsInt(), run.get("O").getAsInt());
      assertEquals(
          ranges(run), w.windows(run.get("n_content_tokens").getAsInt()), run.get("id") + "");
      runs++;
    }
    assertEquals(24, runs);
  }

  @Test
  void lateSpansAreTheFixturesTokenRanges() {
    int runs = 0;
    for (JsonObject run : LongDocsFixture.expected()) {
      if (!run.get("mode").getAsString().equals("late")) {
        continue;
      }
      int n = run.get("n_content_tokens").getAsInt();
      assertEquals(ranges(run), Windowing.spans(n, run.get("L").getAsInt()));
      runs++;
    }
    assertEquals(24, runs);
  }

  @Test
  void ownedRangesTileTheText() {
    for (int window : new int[] {1, 5, 46, 62}) {
      for (int overlap = 0; overlap < window; overlap += Math.max(1, window / 4)) {
        Windowing w = new Windowing(window, overlap);
        for (int n : new int[] {0, 1, window - 1, window, window + 1, 3 * window + 7, 615}) {
          List<TokenRange> windows = w.windows(n);
          int next = 0;
          for (int k = 0; k < windows.size(); k++) {
            TokenRange owned = w.owned(k, n);
            assertEquals(next, owned.start(), "W=" + window + " O=" + overlap + " n=" + n);
            assertTrue(
                owned.end() <= windows.get(k).end() && owned.start() >= windows.get(k).start());
            next = owned.end();
          }
          assertEquals(n, next);
          assertEquals(n, windows.get(windows.size() - 1).end());
        }
      }
    }
  }

  @Test
  void badSettingsAreRefusedWithTheirNames() {
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> new Windowing(8, 8))
            .getMessage()
            .contains("windowOverlap"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> new Windowing(0, 0))
            .getMessage()
            .contains("windowTokens"));
    assertThrows(IllegalArgumentException.class, () -> Windowing.spans(10, 0));
  }

  @Test
  void aggregatesAreTheFixturesFromItsChunkVectors() {
    int runs = 0;
    for (JsonObject run : LongDocsFixture.expected()) {
      if (!run.get("mode").getAsString().equals("chunk")) {
        continue;
      }
      boolean normalize = run.get("model").getAsString().equals("st-mean-normalize");
      List<ChunkEmbedding> chunks = new ArrayList<>();
      for (JsonElement e : run.getAsJsonArray("chunks")) {
        JsonObject c = e.getAsJsonObject();
        chunks.add(
            new ChunkEmbedding(
                c.get("chunk_index").getAsInt(),
                c.get("token_start").getAsInt(),
                c.get("token_end").getAsInt(),
                c.get("utf16_start").getAsInt(),
                c.get("utf16_end").getAsInt(),
                LongDocsFixture.floats(c.getAsJsonArray("embedding"))));
      }
      assertClose(
          LongDocsFixture.floats(run.getAsJsonArray("aggregate_mean")),
          Aggregate.MEAN.combine(chunks, normalize));
      assertClose(
          LongDocsFixture.floats(run.getAsJsonArray("aggregate_max")),
          Aggregate.MAX.combine(chunks, normalize));
      runs++;
    }
    assertEquals(24, runs);
  }

  private static void assertClose(float[] expected, float[] actual) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-6, "value " + i);
    }
  }

  private static List<TokenRange> ranges(JsonObject run) {
    List<TokenRange> out = new ArrayList<>();
    for (JsonElement e : run.getAsJsonArray("chunks")) {
      JsonObject c = e.getAsJsonObject();
      out.add(new TokenRange(c.get("token_start").getAsInt(), c.get("token_end").getAsInt()));
    }
    return out;
  }
}
