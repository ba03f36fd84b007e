package dev.modernbert.encoder.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modernbert.encoder.testing.FakeHub;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --model org/name[@revision]}: the Hub settings as system properties (HubEnvironment). */
class HubModelFlagTest {
  @TempDir Path tmp;
  private FakeHub hub;
  private Path in;

  @BeforeEach
  void start() throws Exception {
    hub = new FakeHub();
    hub.serveDemo("org/demo", "v1", tmp.resolve("demo"));
    hub.useAsSystemHub(tmp.resolve("cache"));
    in =
        Files.write(
            tmp.resolve("in.jsonl"),
            List.of("{\"id\": 1, \"text\": \"snow and rain\"}", "{\"id\": 2, \"text\": \"sun\"}"),
            StandardCharsets.UTF_8);
  }

  @AfterEach
  void stop() {
    FakeHub.clearSystemHub();
    hub.close();
  }

  @Test
  void encodeTakesAHubIdAndThenWorksOfflineFromTheCache() throws Exception {
    Path out = tmp.resolve("out.jsonl");
    MainTest.Result r =
        MainTest.run(
            "encode",
            "--model",
            "org/demo@v1",
            "--input",
            in.toString(),
            "--output",
            out.toString());
    assertEquals(0, r.code(), r.err());
    Path ref = tmp.resolve("ref.jsonl");
    MainTest.Result local =
        MainTest.run(
            "encode",
            "--model",
            tmp.resolve("demo").toString(),
            "--input",
            in.toString(),
            "--output",
            ref.toString());
    assertEquals(0, local.code(), local.err());
    assertEquals(Files.readAllLines(ref), Files.readAllLines(out));

    System.setProperty("HF_HUB_OFFLINE", "1");
    hub.clearRequests();
    Path again = tmp.resolve("again.jsonl");
    assertEquals(
        0,
        MainTest.run(
                "encode",
                "--model",
                "hf://org/demo@v1",
                "--input",
                in.toString(),
                "--output",
                again.toString())
            .code());
    assertEquals(List.of(), hub.requests());
  }

  @Test
  void anUnknownIdIsAUsageErrorThatSaysNeitherFolderNorHub() {
    MainTest.Result r =
        MainTest.run(
            "encode",
            "--model",
            "org/absent",
            "--input",
            in.toString(),
            "--output",
            tmp.resolve("o.jsonl").toString());
    assertEquals(Main.EXIT_USAGE, r.code(), r.err());
    assertTrue(r.err().contains("no local folder org/absent"), r.err());
    assertTrue(r.err().contains("org/absent@main"), r.err());

    System.setProperty("HF_HUB_OFFLINE", "1");
    MainTest.Result offline =
        MainTest.run(
            "encode",
            "--model",
            "org/demo",
            "--input",
            in.toString(),
            "--output",
            tmp.resolve("o.jsonl").toString());
    assertEquals(Main.EXIT_USAGE, offline.code(), offline.err());
    assertTrue(offline.err().contains("HF_HUB_OFFLINE"), offline.err());
  }
}
