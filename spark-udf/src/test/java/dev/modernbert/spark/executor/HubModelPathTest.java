package dev.modernbert.spark.executor;

import static dev.modernbert.encoder.testing.Assertions.assertClose;
import static dev.modernbert.spark.testing.SparkTesting.frame;
import static dev.modernbert.spark.testing.SparkTesting.texts;
import static dev.modernbert.spark.testing.SparkTesting.toFloats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modernbert.encoder.pool.Pooling;
import dev.modernbert.encoder.testing.FakeHub;
import dev.modernbert.encoder.testing.FakeHub.Request;
import dev.modernbert.encoder.testing.Golden;
import dev.modernbert.spark.ml.ModernBertColBERT;
import dev.modernbert.spark.ml.ModernBertEmbedder;
import dev.modernbert.spark.testing.SparkTesting;
import dev.modernbert.spark.udf.ModernBertUdfs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code modelPath} as a Hugging Face Hub id, served by a loopback {@link FakeHub}: the driver pins
 * the branch to a commit (and fetches no file: the weights are the executors'), and the executors
 * (local[2]) load that commit even when the branch moves before the job runs. The Hub settings
 * reach the executors as Java system properties.
 */
class HubModelPathTest {
  private static final String REPO = "org/spark-demo";

  @TempDir Path tmp;
  private FakeHub hub;
  private String commit;

  @BeforeEach
  void start() {
    hub = new FakeHub();
    commit = hub.commit(REPO, SparkTesting.demoCopy(tmp));
    hub.ref(REPO, "main", commit);
    hub.useAsSystemHub(tmp.resolve("hf-cache"));
  }

  @AfterEach
  void stop() {
    FakeHub.clearSystemHub();
    hub.close();
  }

  @Test
  void aHubIdIsPinnedOnTheDriverAndTheExecutorsLoadThatCommit() {
    ModernBertEmbedder e =
        new ModernBertEmbedder().setModelPath(REPO).setPooling("cls").setSortWindowRows(8);
    assertEquals("hf://" + REPO + "@" + commit, e.toSpec().modelPath());
    List<String> texts = texts(30, 10, 71);
    Dataset<Row> out = e.transform(frame(texts, 3)); // pinned here; nothing runs yet

    // main moves to a commit without the model before any task runs
    String moved = hub.commit(REPO, Map.of("config.json", "{}".getBytes(StandardCharsets.UTF_8)));
    hub.ref(REPO, "main", moved);
    hub.clearRequests();
    List<Row> rows = out.orderBy("id").collectAsList();

    assertEquals(texts.size(), rows.size());
    List<float[]> expected =
        SparkTesting.referenceEmbed(SparkTesting.reference(), texts, Pooling.CLS, false);
    for (int i = 0; i < rows.size(); i++) {
      assertClose(expected.get(i), toFloats(rows.get(i).getAs("embedding")), 1e-5, "row " + i);
    }
    // the executors asked only for the pinned commit, never for main or the new commit
    List<Request> asked = hub.requests().stream().filter(r -> r.server().equals("hub")).toList();
    assertTrue(!asked.isEmpty(), "the executors downloaded the model");
    assertTrue(
        asked.stream().allMatch(r -> r.path().contains("/resolve/" + commit + "/")), "" + asked);

    // the SQL functions pin on registration too
    assertEquals(
        "hf://" + REPO + "@" + moved,
        ModernBertUdfs.parse(Map.of("modelPath", REPO + "@main")).modelPath());
  }

  @Test
  void anIdThatIsNeitherAFolderNorOnTheHubFailsOnTheDriver() {
    ModernBertEmbedder e = new ModernBertEmbedder().setModelPath("org/not-there");
    IllegalArgumentException err = assertThrows(IllegalArgumentException.class, e::toSpec);
    assertTrue(err.getMessage().contains("no local folder org/not-there"), err.getMessage());
    assertTrue(err.getMessage().contains("repository not found"), err.getMessage());
    assertTrue(err.getMessage().contains("org/not-there@main"), err.getMessage());
  }

  @Test
  void aColbertStageOnAHubIdPinsOnTheDriverAndFetchesNoFileThere() {
    String colbert = "org/colbert-demo";
    String at = hub.commit(colbert, Golden.resource("golden/colbert"));
    hub.ref(colbert, "main", at);
    ModernBertColBERT stage = new ModernBertColBERT().setModelPath(colbert).setRole("document");
    hub.clearRequests();

    stage.transform(frame(texts(4, 10, 7), 1)); // the driver's work; nothing runs yet

    List<Request> asked = hub.requests();
    assertEquals(1, asked.size(), "one HEAD to pin main, no download: " + asked);
    assertEquals("HEAD", asked.get(0).method(), "" + asked);
    hub.clearRequests();
    stage.checkModelHead(); // the job's early check asks nothing of the Hub
    assertEquals(List.of(), hub.requests());
    assertEquals("hf://" + colbert + "@" + at, stage.toSpec().modelPath());
  }
}
