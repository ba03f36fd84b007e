package dev.modernbert.encoder.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modernbert.encoder.hub.HubException.Kind;
import dev.modernbert.encoder.testing.FakeHub;
import dev.modernbert.encoder.testing.FakeHub.Fault;
import dev.modernbert.encoder.testing.FakeHub.Request;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Hub that stalls, sends too much or too little, or a cache left partial: every case ends, in
 * seconds, with one line naming the file (and the setting to change), and leaves no file in the
 * cache longer than its server announced. A test that waits for a timeout sets it short through the
 * variable a user sets; {@code assertTimeoutPreemptively} guards against a hang.
 */
class HubFaultsTest {
  private static final String REPO = "org/demo";
  private static final Duration NEVER_HANGS = Duration.ofSeconds(20);

  @TempDir Path tmp;
  private FakeHub server;
  private Path demo;
  private Path cache;
  private String commit;
  private byte[] weights;

  @BeforeEach
  void start() throws Exception {
    server = new FakeHub();
    demo = tmp.resolve("demo");
    commit = server.serveDemo(REPO, "main", demo);
    cache = tmp.resolve("hf-cache");
    weights = Files.readAllBytes(demo.resolve("model.safetensors"));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HubModels hub(String endpoint, Map<String, String> extra) {
    Map<String, String> vars = new HashMap<>();
    vars.put("HF_ENDPOINT", endpoint);
    vars.put("HF_HUB_CACHE", cache.toString());
    vars.putAll(extra); // short timeouts only where a test waits for one: a loaded CI is slow
    return new HubModels(HubEnvironment.from(vars::get, tmp.resolve("home")));
  }

  private HubModels hub() {
    return hub(server.endpoint(), Map.of());
  }

  private static final Map<String, String> SHORT_ETAG = Map.of("HF_HUB_ETAG_TIMEOUT", "1");

  private Path blob() {
    return cache.resolve("models--org--demo/blobs").resolve(FakeHub.sha256(weights));
  }

  private Path part() {
    return blob().resolveSibling(blob().getFileName() + ".incomplete");
  }

  private static HubException fails(Executable e) {
    return assertTimeoutPreemptively(NEVER_HANGS, () -> assertThrows(HubException.class, e));
  }

  private List<Request> cdnGets() {
    return server.requests().stream()
        .filter(r -> r.server().equals("cdn") && r.method().equals("GET"))
        .toList();
  }

  /** A port that accepts connections (the kernel's backlog) and never answers a byte. */
  private static ServerSocket silent() throws Exception {
    return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
  }

  @Test
  void aHubThatNeverAnswersTimesOutNamingTheFileAndTheSetting() throws Exception {
    try (ServerSocket silent = silent()) {
      HubModels hub = hub("http://127.0.0.1:" + silent.getLocalPort(), SHORT_ETAG);
      HubException e = fails(() -> hub.snapshot(new HubId(REPO, "main")));
      assertEquals(Kind.NETWORK, e.kind());
      String m = e.getMessage();
      assertTrue(m.contains("no answer from 127.0.0.1 for config.json within 1 s"), m);
      assertTrue(m.contains("HF_HUB_ETAG_TIMEOUT"), m);
      assertTrue(m.contains("org/demo@main"), m);
    }
  }

  @Test
  void aHubThatNeverAnswersFallsBackToTheCachedRevision() throws Exception {
    Path online = hub().snapshot(new HubId(REPO, "main"));
    try (ServerSocket silent = silent()) {
      HubModels hub = hub("http://127.0.0.1:" + silent.getLocalPort(), SHORT_ETAG);
      assertEquals(
          online,
          assertTimeoutPreemptively(NEVER_HANGS, () -> hub.snapshot(new HubId(REPO, "main"))));
    }
  }

  @Test
  void aStalledDownloadTimesOutKeepsItsPartAndTheNextRunResumesIt() throws Exception {
    server.fault(Fault.STALL_BODY);
    HubModels shortDownload = hub(server.endpoint(), Map.of("HF_HUB_DOWNLOAD_TIMEOUT", "2"));
    HubException e = fails(() -> shortDownload.snapshot(new HubId(REPO, commit)));
    assertEquals(Kind.NETWORK, e.kind());
    String m = e.getMessage();
    assertTrue(m.contains("the download of model.safetensors from 127.0.0.1 stalled"), m);
    assertTrue(m.contains("no bytes for 2 s (HF_HUB_DOWNLOAD_TIMEOUT"), m);
    int half = weights.length / 2;
    assertTrue(m.contains("after " + half + " of " + weights.length + " bytes"), m);
    assertEquals(half, Files.size(part()));
    assertFalse(Files.exists(blob()));

    server.fault(Fault.NONE);
    server.clearRequests();
    Path snap =
        assertTimeoutPreemptively(NEVER_HANGS, () -> hub().snapshot(new HubId(REPO, commit)));
    assertEquals(
        -1L, Files.mismatch(demo.resolve("model.safetensors"), snap.resolve("model.safetensors")));
    List<Request> gets = cdnGets();
    assertEquals(1, gets.size(), "" + gets);
    assertEquals("bytes=" + half + "-", gets.get(0).range());
    assertFalse(Files.exists(part()));
  }

  @Test
  void aBrokenTransferIsResumedInTheSameRun() throws Exception {
    server.fault(Fault.BREAK_ONCE);
    Path snap =
        assertTimeoutPreemptively(NEVER_HANGS, () -> hub().snapshot(new HubId(REPO, commit)));
    assertEquals(
        -1L, Files.mismatch(demo.resolve("model.safetensors"), snap.resolve("model.safetensors")));
    List<Request> gets = cdnGets();
    assertEquals(2, gets.size(), "" + gets);
    assertEquals(null, gets.get(0).range());
    // resumed where the kept bytes end: at most the half the server sent before breaking (bytes in
    // flight when the connection is cut may be lost), and never from the start
    String range = gets.get(1).range();
    assertTrue(range != null && range.matches("bytes=\\d+-"), range);
    long from = Long.parseLong(range.substring("bytes=".length(), range.length() - 1));
    assertTrue(from > 0 && from <= weights.length / 2, range);
  }

  @Test
  void aServerThatIgnoresRangeIsReadFromTheStart() throws Exception {
    Files.createDirectories(part().getParent());
    Files.write(part(), Arrays.copyOf(weights, weights.length / 3));
    server.ignoreRange(true);
    Path snap = hub().snapshot(new HubId(REPO, commit));
    assertEquals(
        -1L, Files.mismatch(demo.resolve("model.safetensors"), snap.resolve("model.safetensors")));
    List<Request> gets = cdnGets();
    assertEquals(1, gets.size(), "" + gets);
    assertEquals("bytes=" + weights.length / 3 + "-", gets.get(0).range());
  }

  @Test
  void keptBytesThatAreNotTheFilesAreDownloadedAgainWhole() throws Exception {
    Files.createDirectories(part().getParent());
    byte[] wrong = new byte[weights.length / 2];
    Arrays.fill(wrong, (byte) 7);
    Files.write(part(), wrong);
    Path snap = hub().snapshot(new HubId(REPO, commit));
    assertEquals(
        -1L, Files.mismatch(demo.resolve("model.safetensors"), snap.resolve("model.safetensors")));
    List<Request> gets = cdnGets();
    assertEquals(2, gets.size(), "resumed, found wrong by its sha256, then whole: " + gets);
    assertEquals("bytes=" + wrong.length + "-", gets.get(0).range());
    assertEquals(null, gets.get(1).range());
  }

  @Test
  void aPartLongerThanTheFileIsNeverResumed() throws Exception {
    Files.createDirectories(part().getParent());
    Files.write(part(), Arrays.copyOf(weights, weights.length + 10));
    Path snap = hub().snapshot(new HubId(REPO, commit));
    assertEquals(
        -1L, Files.mismatch(demo.resolve("model.safetensors"), snap.resolve("model.safetensors")));
    assertEquals(null, cdnGets().get(0).range());
  }

  @Test
  void anEndlessBodyIsCutAtTheAnnouncedSizeAndNothingIsLeft() throws Exception {
    server.fault(Fault.ENDLESS_BODY);
    HubException e = fails(() -> hub().snapshot(new HubId(REPO, commit)));
    assertEquals(Kind.PROTOCOL, e.kind());
    String m = e.getMessage();
    assertTrue(m.contains("sent more of model.safetensors than the " + weights.length), m);
    assertTrue(m.contains("bytes its HEAD announced"), m);
    assertFalse(Files.exists(part()));
    assertFalse(Files.exists(blob()));
    // the client stopped reading: what the server got out is socket buffers, not the body
    assertTrue(server.faultBytes() < FakeHub.ENDLESS_CAP / 4, "read " + server.faultBytes());
  }

  @Test
  void anErrorBodyIsNeverRead() {
    server.fault(Fault.ENDLESS_ERROR);
    HubException e = fails(() -> hub().snapshot(new HubId(REPO, commit)));
    assertEquals(Kind.HTTP, e.kind());
    assertTrue(e.getMessage().contains("cannot fetch model.safetensors"), e.getMessage());
    assertTrue(e.getMessage().contains("HTTP 500"), e.getMessage());
    assertTrue(server.faultBytes() < FakeHub.ENDLESS_CAP / 4, "read " + server.faultBytes());
  }

  @Test
  void aFileOfUnannouncedSizeIsNotDownloaded() {
    server.fault(Fault.NO_SIZE);
    HubException e = fails(() -> hub().snapshot(new HubId(REPO, commit)));
    assertEquals(Kind.PROTOCOL, e.kind());
    assertTrue(e.getMessage().contains("model.safetensors has no X-Linked-Size"), e.getMessage());
    assertTrue(e.getMessage().contains("cannot be bounded"), e.getMessage());
    assertTrue(cdnGets().isEmpty());
  }

  @Test
  void offlineWithTheWeightsGoneFromTheCacheNamesThatFile() throws Exception {
    Path snap = hub().snapshot(new HubId(REPO, "main"));
    HubModels offline = hub(server.endpoint(), Map.of("HF_HUB_OFFLINE", "1"));
    server.clearRequests();

    // the blob is gone, its snapshot link dangles
    Files.delete(blob());
    HubException dangling =
        assertThrows(HubException.class, () -> offline.snapshot(new HubId(REPO, "main")));
    assertEquals(Kind.OFFLINE_NOT_CACHED, dangling.kind());
    String m = dangling.getMessage();
    assertTrue(m.startsWith("org/demo@main (commit " + commit + "): model.safetensors is not"), m);
    assertTrue(m.contains("is not in the Hugging Face cache " + cache), m);
    assertTrue(m.contains("HF_HUB_OFFLINE is set"), m);

    // killed mid-download: an .incomplete blob and no snapshot link yet
    Files.delete(snap.resolve("model.safetensors"));
    Files.write(part(), Arrays.copyOf(weights, 100));
    HubException killed =
        assertThrows(HubException.class, () -> offline.snapshot(new HubId(REPO, commit)));
    assertEquals(Kind.OFFLINE_NOT_CACHED, killed.kind());
    m = killed.getMessage();
    assertTrue(m.startsWith("org/demo@" + commit + ": model.safetensors is not in the"), m);
    assertFalse(m.contains("no weights in the repository"), m);
    assertEquals(List.of(), server.requests());
  }
}
