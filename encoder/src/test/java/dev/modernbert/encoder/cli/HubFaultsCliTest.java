package dev.modernbert.encoder.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modernbert.encoder.testing.FakeHub;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Hub that never answers, a partial cache offline and a bad timeout setting, as the CLI reports
 * them: the exit code and one line naming the file and the setting.
 */
class HubFaultsCliTest {
  private static final List<String> PROPS =
      List.of(
          "HF_ENDPOINT",
          "HF_HUB_CACHE",
          "HF_HUB_OFFLINE",
          "HF_HUB_ETAG_TIMEOUT",
          "HF_HUB_DOWNLOAD_TIMEOUT");
  @TempDir Path tmp;
  private FakeHub hub;
  private Path in;

  @BeforeEach
  void start() throws Exception {
    hub = new FakeHub();
    hub.serveDemo("org/demo", "v1", tmp.resolve("demo"));
    System.setProperty("HF_ENDPOINT", hub.endpoint());
    System.setProperty("HF_HUB_CACHE", tmp.resolve("cache").toString());
    System.setProperty("HF_HUB_OFFLINE", "0");
    in =
        Files.write(
            tmp.resolve("in.jsonl"),
            List.of("{\"id\": 1, \"text\": \"snow\"}"),
            StandardCharsets.UTF_8);
  }

  @AfterEach
  void stop() {
    PROPS.forEach(System::clearProperty);
    hub.close();
  }

  private MainTest.Result encode(String model) {
    return assertTimeoutPreemptively(
        Duration.ofSeconds(20),
        () ->
            MainTest.run(
                "encode",
                "--model",
                model,
                "--input",
                in.toString(),
                "--output",
                tmp.resolve("out.jsonl").toString()));
  }

  @Test
  void aHubThatNeverAnswersFailsWithinTheTimeoutNamingTheSetting() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      System.setProperty("HF_ENDPOINT", "http://127.0.0.1:" + silent.getLocalPort());
      System.setProperty("HF_HUB_ETAG_TIMEOUT", "1");
      MainTest.Result r = encode("org/demo@v1");
      assertEquals(Main.EXIT_FAILURE, r.code(), r.err());
      assertTrue(r.err().contains("config.json within 1 s (HF_HUB_ETAG_TIMEOUT"), r.err());
      assertEquals(1, r.err().strip().lines().count(), r.err());
    }
  }

  @Test
  void offlineWithTheWeightsGoneFromTheCacheNamesThem() throws Exception {
    assertEquals(0, encode("org/demo@v1").code());
    try (Stream<Path> blobs = Files.list(tmp.resolve("cache/models--org--demo/blobs"))) {
      byte[] weights = Files.readAllBytes(tmp.resolve("demo/model.safetensors"));
      Files.delete(
          blobs
              .filter(p -> p.getFileName().toString().equals(FakeHub.sha256(weights)))
              .findFirst()
              .orElseThrow());
    }
    System.setProperty("HF_HUB_OFFLINE", "1");
    MainTest.Result r = encode("org/demo@v1");
    assertEquals(Main.EXIT_USAGE, r.code(), r.err());
    assertTrue(r.err().contains("model.safetensors is not in the Hugging Face cache"), r.err());
    assertTrue(r.err().contains("HF_HUB_OFFLINE is set"), r.err());
  }

  @Test
  void aTimeoutThatIsNotANumberIsAUsageError() {
    System.setProperty("HF_HUB_DOWNLOAD_TIMEOUT", "ten");
    MainTest.Result r = encode("org/demo@v1");
    assertEquals(Main.EXIT_USAGE, r.code(), r.err());
    assertTrue(r.err().contains("HF_HUB_DOWNLOAD_TIMEOUT=ten is not a number of seconds"), r.err());
  }
}
