package dev.modernbert.encoder.longtext;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.modernbert.encoder.EncoderOptions;
import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.batch.BatchPlanner;
import dev.modernbert.encoder.pool.Pooling;
import dev.modernbert.encoder.task.Embed;
import dev.modernbert.encoder.testing.Golden;
import dev.modernbert.encoder.tokenize.TokenizedText;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Chunk and late modes against the {@code long-docs} fixture: token ranges, UTF-16 offsets and
 * vectors (1e-5 on normalised vectors, 1e-4 otherwise), all texts of a run in one call (so windows
 * of several texts share batches).
 */
public class LongTextEmbedTest {
  private static final String MEAN_NORMALIZE = "st-mean-normalize";
  private static final String CLS_DENSE = "st-cls-dense";
  private static final Embed PIPELINE = new Embed(Pooling.AUTO, false);
  private static final Map<String, ModernBertEncoder> MODELS = new HashMap<>();
  private static ModernBertEncoder meanNormalize;

  /** Both fixture models, at their folders' own maximum lengths (64 and 48). */
  @BeforeAll
  static void load() {
    for (String name : List.of(MEAN_NORMALIZE, CLS_DENSE)) {
      MODELS.put(
          name,
          ModernBertEncoder.load(Golden.resource("golden/" + name), EncoderOptions.defaults()));
    }
    meanNormalize = MODELS.get(MEAN_NORMALIZE);
  }

  @AfterAll
  static void close() {
    MODELS.values().forEach(ModernBertEncoder::close);
  }

  @Test
  void contentTokensAndOffsetsAreTheFixtures() {
    for (JsonObject line : LongDocsFixture.tokens()) {
      if (!line.get("model").getAsString().equals(MEAN_NORMALIZE)) {
        continue;
      }
      String text = LongDocsFixture.text(line.get("key").getAsString());
      TokenizedText content = meanNormalize.tokenizer().encodeContent(text);
      int[] ids = ints(line.getAsJsonArray("ids"));
      int[] wrapped = meanNormalize.tokenizer().template().wrap(content.ids());
      assertArrayEquals(ids, wrapped, line.get("key").getAsString());
      JsonArray offsets = line.getAsJsonArray("offsets_utf16");
      for (int i = 0; i < content.length(); i++) {
        JsonArray o = offsets.get(i + 1).getAsJsonArray();
        assertEquals(o.get(0).getAsInt(), content.charStart()[i], "start of token " + i);
        assertEquals(o.get(1).getAsInt(), content.charEnd()[i], "end of token " + i);
      }
    }
  }

  @Test
  void chunkAndLateRunsMatchTheFixture() {
    int runs = 0;
    for (JsonObject run : LongDocsFixture.expected()) {
      ModernBertEncoder model = MODELS.get(run.get("model").getAsString());
      boolean normalized = run.get("model").getAsString().equals(MEAN_NORMALIZE);
      double tol = normalized ? 1e-5 : 1e-4;
      LongTextMode mode = LongTextMode.parse(run.get("mode").getAsString());
      LongTextEmbed task =
          new LongTextEmbed(
              PIPELINE,
              mode,
              run.get("W").getAsInt(),
              run.get("O").getAsInt(),
              mode == LongTextMode.LATE ? run.get("L").getAsInt() : 0,
              Aggregate.NONE);
      String id = run.get("id").getAsString();
      List<ChunkEmbedding> chunks =
          model
              .runTexts(task, List.of(LongDocsFixture.text(id)), BatchPlanner.defaults())
              .values()
              .get(0);
      assertChunks(run, chunks, tol);
      if (mode == LongTextMode.CHUNK) {
        for (Aggregate a : List.of(Aggregate.MEAN, Aggregate.MAX)) {
          LongTextEmbed agg =
              new LongTextEmbed(
                  task.embed(), mode, task.windowTokens(), task.windowOverlap(), 0, a);
          List<ChunkEmbedding> one =
              model
                  .runTexts(agg, List.of(LongDocsFixture.text(id)), BatchPlanner.defaults())
                  .values()
                  .get(0);
          assertEquals(1, one.size());
          assertClose(
              LongDocsFixture.floats(run.getAsJsonArray("aggregate_" + a.id())),
              one.get(0).embedding(),
              tol,
              id + " aggregate " + a.id());
        }
      }
      runs++;
    }
    assertEquals(48, runs);
  }

  @Test
  void windowsOfManyTextsShareBatchesAndGiveTheSameChunks() {
    List<String> texts = new ArrayList<>();
    List<JsonObject> runs = new ArrayList<>();
    for (JsonObject run : LongDocsFixture.expected()) {
      if (run.get("model").getAsString().equals(MEAN_NORMALIZE)
          && run.get("mode").getAsString().equals("chunk")
          && run.get("O").getAsInt() == 16) {
        runs.add(run);
        texts.add(LongDocsFixture.text(run.get("id").getAsString()));
      }
    }
    LongTextEmbed task = new LongTextEmbed(PIPELINE, LongTextMode.CHUNK, 62, 16, 0, Aggregate.NONE);
    var result = meanNormalize.runTexts(task, texts, BatchPlanner.defaults());
    for (int i = 0; i < runs.size(); i++) {
      assertChunks(runs.get(i), result.values().get(i), 1e-5);
    }
    int windows = runs.stream().mapToInt(r -> r.getAsJsonArray("chunks").size()).sum();
    assertTrue(result.stats().batches() < windows, "windows of several texts share batches");
  }

  @Test
  void lateChunkingRefusesAPoolingOfSeveralModes() {
    try (ModernBertEncoder modes =
        ModernBertEncoder.load(Golden.resource("golden/st-modes"), EncoderOptions.defaults())) {
      LongTextEmbed late = new LongTextEmbed(PIPELINE, LongTextMode.LATE, 0, 0, 16, Aggregate.NONE);
      String problem = late.problemWith(modes);
      assertTrue(
          problem != null && problem.contains("late chunking needs a single-mode pooling"),
          problem);
      LongTextEmbed oneMode =
          new LongTextEmbed(
              new Embed(Pooling.MEAN, false, "", null, 0),
              LongTextMode.LATE,
              0,
              0,
              16,
              Aggregate.NONE);
      assertNull(oneMode.problemWith(modes), "an explicit single mode replaces the five");
      assertNull(
          new LongTextEmbed(PIPELINE, LongTextMode.CHUNK, 0, 0, 0, Aggregate.NONE)
              .problemWith(modes),
          "chunk mode is unaffected");
    }
  }

  @Test
  void aPromptGoesInEveryWindowAndTheDefaultWindowLeavesRoomForIt() {
    String text = LongDocsFixture.text("ld1");
    Embed query = new Embed(Pooling.AUTO, false, null, "query", 0);
    LongTextEmbed task = new LongTextEmbed(query, LongTextMode.CHUNK, 0, 0, 0, Aggregate.NONE);
    var plan = task.plan(meanNormalize, text);
    int[] prompt =
        meanNormalize.tokenizer().encodeContent(query.effectivePrompt(meanNormalize)).ids();
    assertTrue(prompt.length > 0);
    for (int[] ids : plan.ids()) {
      assertTrue(ids.length <= 64, "a window fits the model: " + ids.length);
      assertArrayEquals(prompt, Arrays.copyOfRange(ids, 1, 1 + prompt.length));
    }
    assertEquals(64, plan.ids().get(0).length, "the first window is full");
  }

  @Test
  void windowsThatDoNotFitAreRefusedWithTheLimit() {
    LongTextEmbed task = new LongTextEmbed(PIPELINE, LongTextMode.CHUNK, 63, 0, 0, Aggregate.NONE);
    String problem = task.problemWith(meanNormalize);
    assertTrue(problem != null && problem.contains("at most 62"), problem);
    assertThrows(
        IllegalArgumentException.class,
        () -> new LongTextEmbed(PIPELINE, LongTextMode.LATE, 0, 0, 0, Aggregate.NONE));
  }

  public static void assertChunks(JsonObject run, List<ChunkEmbedding> chunks, double tol) {
    JsonArray expected = run.getAsJsonArray("chunks");
    String id = run.get("id").getAsString() + " " + run.get("mode").getAsString();
    assertEquals(expected.size(), chunks.size(), id + ": chunk count");
    for (int k = 0; k < chunks.size(); k++) {
      JsonObject e = expected.get(k).getAsJsonObject();
      ChunkEmbedding c = chunks.get(k);
      String where = id + " chunk " + k;
      assertEquals(e.get("chunk_index").getAsInt(), c.chunkIndex(), where);
      assertEquals(e.get("token_start").getAsInt(), c.tokenStart(), where);
      assertEquals(e.get("token_end").getAsInt(), c.tokenEnd(), where);
      assertEquals(e.get("utf16_start").getAsInt(), c.charStart(), where + " char_start");
      assertEquals(e.get("utf16_end").getAsInt(), c.charEnd(), where + " char_end");
      assertClose(LongDocsFixture.floats(e.getAsJsonArray("embedding")), c.embedding(), tol, where);
    }
  }

  public static void assertClose(float[] expected, float[] actual, double tol, String where) {
    assertEquals(expected.length, actual.length, where);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], tol, where + " value " + i);
    }
  }

  private static int[] ints(JsonArray a) {
    int[] out = new int[a.size()];
    int i = 0;
    for (JsonElement e : a) {
      out[i++] = e.getAsInt();
    }
    return out;
  }
}
