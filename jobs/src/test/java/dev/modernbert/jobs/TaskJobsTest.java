package dev.modernbert.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.modernbert.encoder.EncoderOptions;
import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.demo.TinyHeadCheckpoint;
import dev.modernbert.encoder.labels.Entity;
import dev.modernbert.encoder.labels.Scores;
import dev.modernbert.encoder.labels.SequenceClassification;
import dev.modernbert.encoder.labels.TokenClassification;
import dev.modernbert.encoder.weights.HeadKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --task classify | token-classify | fill-mask}: outputs equal the encoder's own. */
class TaskJobsTest {
  static SparkSession spark;
  @TempDir Path tmp;

  static final List<String> TEXTS =
      List.of(
          "Alice went to Paris in the summer",
          "the river runs through the old city",
          "Zoë met Bob in Zürich",
          "spark jobs read data",
          "the [MASK] runs through the old city");

  @BeforeAll
  static void start() {
    spark = LocalSpark.start("task-jobs-test");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** Runs the job on TEXTS (ids 0..n-1, plus a null text) and returns the output rows by id. */
  private Map<Integer, JsonObject> run(String task, String model, String... extra)
      throws Exception {
    Path in = Files.createDirectories(tmp.resolve(task + "-in"));
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < TEXTS.size(); i++) {
      JsonObject o = new JsonObject();
      o.addProperty("id", i);
      o.addProperty("text", TEXTS.get(i));
      lines.append(o).append('\n');
    }
    lines.append("{\"id\": 99, \"text\": null}\n");
    Files.writeString(in.resolve("part-0.jsonl"), lines);
    Path out = tmp.resolve(task + "-out");
    List<String> args = new ArrayList<>(List.of("--task", task, "--output-format", "json"));
    args.addAll(List.of(extra));
    EmbedJob.Result r =
        JobRuns.run(spark, JobRuns.flags(in, out, model, args.toArray(String[]::new)));
    assertEquals(0, r.exitCode());
    Map<Integer, JsonObject> rows = new TreeMap<>();
    for (JsonObject row : JobRuns.partRows(out)) {
      rows.put(row.get("id").getAsInt(), row);
    }
    assertEquals(TEXTS.size() + 1, rows.size(), "rows out == rows in");
    assertTrue(!rows.get(99).has("label") || rows.get(99).get("label").isJsonNull(), "null text");
    return rows;
  }

  private static List<int[]> ids(ModernBertEncoder enc) {
    return TEXTS.stream().map(t -> enc.tokenize(t).ids()).toList();
  }

  @Test
  void classifyWritesTheEncodersLabelsAndProbabilities() throws Exception {
    Path model =
        TinyHeadCheckpoint.of(HeadKind.SEQUENCE_CLASSIFICATION, List.of("neg", "neu", "pos"))
            .seed(31)
            .write(tmp.resolve("seqcls"));
    Map<Integer, JsonObject> rows =
        run("classify", model.toString(), "--raw-prediction-col", "logits");
    try (ModernBertEncoder enc = ModernBertEncoder.load(model, EncoderOptions.defaults())) {
      List<SequenceClassification> expected = enc.classify(ids(enc));
      for (int i = 0; i < TEXTS.size(); i++) {
        JsonObject row = rows.get(i);
        assertEquals(expected.get(i).label(), row.get("label").getAsString(), "row " + i);
        JsonArray p = row.getAsJsonArray("probability");
        for (int j = 0; j < 3; j++) {
          assertEquals(expected.get(i).scores()[j], p.get(j).getAsFloat(), 1e-5, "row " + i);
          assertEquals(
              expected.get(i).logits()[j], row.getAsJsonArray("logits").get(j).getAsFloat(), 1e-5);
        }
      }
    }
  }

  @Test
  void tokenClassifyWritesTheEncodersEntities() throws Exception {
    Path model =
        TinyHeadCheckpoint.of(
                HeadKind.TOKEN_CLASSIFICATION, List.of("O", "B-PER", "I-PER", "B-LOC"))
            .seed(32)
            .write(tmp.resolve("tokcls"));
    Map<Integer, JsonObject> rows = run("token-classify", model.toString());
    try (ModernBertEncoder enc = ModernBertEncoder.load(model, EncoderOptions.defaults())) {
      List<TokenClassification> expected = enc.tokenClassifyTexts(TEXTS);
      int entities = 0;
      for (int i = 0; i < TEXTS.size(); i++) {
        JsonArray got = rows.get(i).getAsJsonArray("entities");
        List<Entity> want = expected.get(i).entities();
        assertEquals(want.size(), got.size(), "row " + i);
        for (int e = 0; e < want.size(); e++) {
          JsonObject g = got.get(e).getAsJsonObject();
          assertEquals(want.get(e).label(), g.get("label").getAsString());
          assertEquals(want.get(e).start(), g.get("start").getAsInt());
          assertEquals(want.get(e).end(), g.get("end").getAsInt());
          assertEquals(
              TEXTS.get(i).substring(want.get(e).start(), want.get(e).end()),
              g.get("text").getAsString());
          assertEquals(want.get(e).score(), g.get("score").getAsFloat(), 1e-5);
        }
        entities += want.size();
      }
      assertTrue(entities > 0, "random weights should label something");
    }
  }

  @Test
  void fillMaskWritesTheTopKOfTheMlmLogits() throws Exception {
    Map<Integer, JsonObject> rows = run("fill-mask", "demo", "--top-k", "3");
    int masked = TEXTS.size() - 1;
    for (int i = 0; i < masked; i++) {
      assertEquals(0, rows.get(i).getAsJsonArray("predictions").size(), "no [MASK] in row " + i);
    }
    try (ModernBertEncoder enc = ModernBertEncoder.load("demo", EncoderOptions.defaults())) {
      int[] ids = enc.tokenize(TEXTS.get(masked)).ids();
      int maskAt = 2;
      assertEquals(enc.tokenizer().maskId().getAsInt(), ids[maskAt]);
      float[] logits = enc.maskedLmLogits(List.of(ids), List.of(new int[] {maskAt})).get(0)[0];
      int[] top = Scores.topK(logits, 3);
      double[] p = Scores.softmaxAt(logits, top);
      JsonArray got = rows.get(masked).getAsJsonArray("predictions");
      assertEquals(3, got.size());
      for (int j = 0; j < 3; j++) {
        JsonObject g = got.get(j).getAsJsonObject();
        assertEquals(maskAt, g.get("position").getAsInt());
        assertEquals(top[j], g.get("token_id").getAsInt());
        assertEquals(enc.tokenizer().token(top[j]), g.get("token").getAsString());
        assertEquals(p[j], g.get("score").getAsFloat(), 1e-5);
      }
    }
  }

  @Test
  void aCheckpointWithoutTheTasksHeadFailsBeforeAnyJob() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("head-in"));
    Files.writeString(in.resolve("part-0.jsonl"), "{\"id\": 1, \"text\": \"a\"}\n");
    JobException e =
        assertThrows(
            JobException.class,
            () ->
                JobRuns.run(
                    spark, JobRuns.flags(in, tmp.resolve("never"), "demo", "--task", "classify")));
    assertTrue(e.getMessage().contains("masked-language-model"), e.getMessage());
    assertTrue(!Files.exists(tmp.resolve("never")));
  }
}
