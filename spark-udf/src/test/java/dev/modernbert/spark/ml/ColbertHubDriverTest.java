package dev.modernbert.spark.ml;

import static dev.modernbert.spark.testing.SparkTesting.frame;
import static dev.modernbert.spark.testing.SparkTesting.texts;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.modernbert.encoder.testing.FakeHub;
import dev.modernbert.encoder.testing.FakeHub.Request;
import dev.modernbert.encoder.testing.Golden;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A ColBERT stage on a Hugging Face Hub id, served by a loopback {@link FakeHub}: on the driver the
 * revision is pinned (one {@code HEAD}) and nothing else is asked of the Hub; the weights are
 * fetched by the executors only, as for every other stage.
 */
class ColbertHubDriverTest {
  private static final String REPO = "org/colbert-demo";
  private static final List<String> PROPS =
      List.of("HF_ENDPOINT", "HF_HUB_CACHE", "HF_HUB_OFFLINE");

  @TempDir Path tmp;
  private FakeHub hub;
  private String commit;

  @BeforeEach
  void start() {
    hub = new FakeHub();
    commit = hub.commit(REPO, Golden.resource("golden/colbert"));
    hub.ref(REPO, "main", commit);
    System.setProperty("HF_ENDPOINT", hub.endpoint());
    System.setProperty("HF_HUB_CACHE", tmp.resolve("hf-cache").toString());
    System.setProperty("HF_HUB_OFFLINE", "0");
  }

  @AfterEach
  void stop() {
    PROPS.forEach(System::clearProperty);
    hub.close();
  }

  @Test
  void theDriverPinsTheRevisionOnceAndFetchesNoFile() {
    ModernBertColBERT stage = new ModernBertColBERT().setModelPath(REPO).setRole("document");
    hub.clearRequests();

    stage.transform(frame(texts(4, 10, 7), 1)); // the driver's work; nothing runs yet

    List<Request> asked = hub.requests();
    assertEquals(1, asked.size(), "one HEAD to pin main, nothing else: " + asked);
    assertEquals("HEAD", asked.get(0).method(), "" + asked);

    hub.clearRequests();
    stage.checkModelHead(); // the job's early check: no request at all
    assertEquals(List.of(), hub.requests());
    assertEquals("hf://" + REPO + "@" + commit, stage.toSpec().modelPath());
  }
}
