package dev.modernbert.jobs;

import static dev.modernbert.encoder.testing.Assertions.assertClose;
import static dev.modernbert.encoder.testing.Assertions.flatten;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.modernbert.encoder.testing.ColbertGolden;
import dev.modernbert.encoder.testing.Golden;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --task colbert --role document} writes PyLate's document vectors (colbert fixture). */
class ColbertJobTest {
  static SparkSession spark;
  static final ColbertGolden GOLDEN = ColbertGolden.open(Golden.resource("golden/colbert"));
  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    spark = LocalSpark.start("colbert-job-test");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  Path documents() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in"));
    StringBuilder lines = new StringBuilder();
    for (ColbertGolden.Text t : GOLDEN.texts("document")) {
      JsonObject o = new JsonObject();
      o.addProperty("id", t.id());
      o.addProperty("text", t.text());
      lines.append(o).append('\n');
    }
    Files.writeString(in.resolve("part-0.jsonl"), lines);
    return in;
  }

  String[] args(String... extra) throws Exception {
    List<String> a =
        new java.util.ArrayList<>(
            List.of(
                "--task",
                "colbert",
                "--input",
                documents().toString(),
                "--output",
                tmp.resolve("out").toString(),
                "--model",
                GOLDEN.dir.toString(),
                "--output-format",
                "json",
                "--device",
                "cpu"));
    a.addAll(List.of(extra));
    return a.toArray(String[]::new);
  }

  @Test
  void documentVectorsMatchPylate() throws Exception {
    EmbedJob.Result r = JobRuns.run(spark, args("--role", "document"));
    assertEquals(0, r.exitCode());
    Map<String, float[][]> rows = new HashMap<>();
    for (JsonObject row : JobRuns.partRows(tmp.resolve("out"))) {
      rows.put(row.get("id").getAsString(), ColbertGolden.matrix(row.getAsJsonArray("embeddings")));
    }
    assertEquals(GOLDEN.documents().size(), rows.size());
    for (ColbertGolden.Encoded g : GOLDEN.documents()) {
      assertEquals(g.rows().length, rows.get(g.id()).length, g.id());
      assertClose(flatten(g.rows()), flatten(rows.get(g.id())), 1e-5, g.id());
    }
  }

  @Test
  void theRoleIsRequiredAndChecked() throws Exception {
    JobException missing = assertThrows(JobException.class, () -> JobRuns.run(spark, args()));
    assertTrue(
        missing.getMessage().contains("--task colbert needs --role query or --role document"),
        missing.getMessage());
    JobException bad =
        assertThrows(JobException.class, () -> JobRuns.run(spark, args("--role", "passage")));
    assertTrue(
        bad.getMessage().contains("--role: bad value \"passage\" (expected query, document)"),
        bad.getMessage());
    assertTrue(!Files.exists(tmp.resolve("out")));
  }
}
