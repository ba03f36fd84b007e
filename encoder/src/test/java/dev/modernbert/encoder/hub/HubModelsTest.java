package dev.modernbert.encoder.hub;

import static dev.modernbert.encoder.testing.Assertions.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modernbert.encoder.EncoderOptions;
import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.hub.HubException.Kind;
import dev.modernbert.encoder.pool.Pooling;
import dev.modernbert.encoder.source.ModelSource;
import dev.modernbert.encoder.testing.FakeHub;
import dev.modernbert.encoder.testing.FakeHub.Request;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Hub protocol and cache layout, against a loopback {@link FakeHub}. */
class HubModelsTest {
  private static final String REPO = "org/demo";

  @TempDir Path tmp;
  private FakeHub server;
  private Path demo;
  private Path cache;
  private String commit;

  @BeforeEach
  void start() throws Exception {
    server = new FakeHub();
    demo = tmp.resolve("demo");
    commit = server.serveDemo(REPO, "main", demo);
    cache = tmp.resolve("hf-cache");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HubModels hub(Map<String, String> extra) {
    Map<String, String> vars = new HashMap<>(extra);
    vars.put("HF_ENDPOINT", server.endpoint());
    vars.put("HF_HUB_CACHE", cache.toString());
    return new HubModels(HubEnvironment.from(vars::get, tmp.resolve("home")));
  }

  private HubModels hub() {
    return hub(Map.of());
  }

  private Path repoDir() {
    return cache.resolve("models--org--demo");
  }

  private static byte[] bytes(Path p) throws Exception {
    return Files.readAllBytes(p);
  }

  @Test
  void downloadsIntoTheSharedLayoutAndTheModelLoads() throws Exception {
    Path snap = hub().snapshot(HubId.parse(REPO).orElseThrow());

    assertEquals(repoDir().resolve("snapshots").resolve(commit), snap);
    assertEquals(commit, Files.readString(repoDir().resolve("refs/main")));
    // git files are named by git blob sha1, LFS files (weights) by sha256; relative symlinks
    byte[] config = bytes(demo.resolve("config.json"));
    assertEquals(
        Path.of("../../blobs/" + FakeHub.gitSha(config)),
        Files.readSymbolicLink(snap.resolve("config.json")));
    byte[] weights = bytes(demo.resolve("model.safetensors"));
    assertEquals(
        Path.of("../../blobs/" + FakeHub.sha256(weights)),
        Files.readSymbolicLink(snap.resolve("model.safetensors")));
    for (String f :
        List.of("config.json", "tokenizer.json", "tokenizer_config.json", "model.safetensors")) {
      assertTrue(Files.isSymbolicLink(snap.resolve(f)), f);
      assertEquals(-1L, Files.mismatch(demo.resolve(f), snap.resolve(f)), f);
    }
    // only the files a model needs: README.md is not fetched
    assertFalse(Files.exists(snap.resolve("README.md")));
    // optional files the repository lacks are marked as huggingface_hub marks them
    for (String f :
        List.of("modules.json", "special_tokens_map.json", "sentence_bert_config.json")) {
      assertTrue(Files.isRegularFile(repoDir().resolve(".no_exist").resolve(commit).resolve(f)), f);
    }
    // and no half-written file is left
    try (var blobs = Files.list(repoDir().resolve("blobs"))) {
      assertTrue(blobs.noneMatch(p -> p.toString().endsWith(".incomplete")));
    }

    List<int[]> ids;
    List<float[]> expected;
    try (ModernBertEncoder ref = ModernBertEncoder.load(demo, EncoderOptions.defaults())) {
      ids = List.of(ref.tokenize("hello hub").ids(), ref.tokenize("a second text").ids());
      expected = ref.embed(ids, Pooling.MEAN, true);
    }
    try (ModernBertEncoder fromHub = ModernBertEncoder.load(snap, EncoderOptions.defaults())) {
      List<float[]> got = fromHub.embed(ids, Pooling.MEAN, true);
      for (int i = 0; i < ids.size(); i++) {
        assertClose(expected.get(i), got.get(i), 0, "row " + i);
      }
    }
  }

  @Test
  void aCachedCommitMakesNoRequestAtAll() {
    HubModels hub = hub();
    Path first = hub.snapshot(new HubId(REPO, commit));
    assertFalse(server.requests().isEmpty());
    server.clearRequests();

    assertEquals(first, hub.snapshot(new HubId(REPO, commit)));
    assertEquals(List.of(), server.requests());
    // a commit revision records no ref
    assertFalse(Files.exists(repoDir().resolve("refs")));
  }

  @Test
  void aBranchIsPinnedOnceByXRepoCommitThenEveryFileIsFetchedAtTheCommit() {
    HubModels hub = hub();
    assertEquals(new HubId(REPO, commit), hub.pin(new HubId(REPO, "main")));
    server.clearRequests();
    hub.snapshot(new HubId(REPO, "main"));
    List<Request> atMain =
        server.requests().stream().filter(r -> r.path().contains("/resolve/main/")).toList();
    assertEquals(1, atMain.size(), "one HEAD resolves the branch: " + atMain);
    assertEquals("HEAD", atMain.get(0).method());
    assertTrue(atMain.get(0).path().endsWith("/config.json"));
    assertTrue(
        server.requests().stream()
            .filter(r -> r.server().equals("hub") && !r.path().contains("/resolve/main/"))
            .allMatch(r -> r.path().contains("/resolve/" + commit + "/")),
        "every file at the commit");

    // the branch moves: the next pin sees it, and refs/main follows
    String next = server.commit(REPO, Map.of("config.json", "{}".getBytes(StandardCharsets.UTF_8)));
    server.ref(REPO, "main", next);
    assertEquals(new HubId(REPO, next), hub.pin(new HubId(REPO, "main")));
    assertEquals(next, readRef("main"));

    // refs/pr/N is quoted in the URL and recorded under refs/refs/pr/N
    server.ref(REPO, "refs/pr/7", commit);
    server.clearRequests();
    assertEquals(new HubId(REPO, commit), hub.pin(new HubId(REPO, "refs/pr/7")));
    assertTrue(server.requests().get(0).path().contains("/resolve/refs%2Fpr%2F7/"));
    assertEquals(commit, readRef("refs/pr/7"));
  }

  private String readRef(String revision) {
    try {
      return Files.readString(repoDir().resolve("refs").resolve(revision));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void lfsRedirectToAnotherHostGetsNoAuthorizationHeader() {
    hub(Map.of("HF_TOKEN", "hf_secret")).snapshot(new HubId(REPO, "main"));
    List<Request> hubSide =
        server.requests().stream().filter(r -> r.server().equals("hub")).toList();
    List<Request> cdnSide =
        server.requests().stream().filter(r -> r.server().equals("cdn")).toList();
    assertFalse(hubSide.isEmpty());
    assertTrue(
        hubSide.stream().allMatch(r -> "Bearer hf_secret".equals(r.authorization())), "" + hubSide);
    assertEquals(1, cdnSide.size(), "the weights, from the CDN: " + cdnSide);
    assertEquals("GET", cdnSide.get(0).method());
    assertEquals(null, cdnSide.get(0).authorization());
  }

  @Test
  void optionalFilesThatAre404AreMarkedAndNotAskedAgain() {
    HubModels hub = hub();
    hub.snapshot(new HubId(REPO, commit));
    long modulesAsked = asked("modules.json");
    assertEquals(1, modulesAsked);
    // a fresh process with the same cache: the marker answers, no request
    hub().snapshot(new HubId(REPO, commit));
    assertEquals(1, asked("modules.json"));
  }

  private long asked(String file) {
    return server.requests().stream().filter(r -> r.path().endsWith("/" + file)).count();
  }

  @Test
  void aMissingRequiredFileNamesRepoRevisionAndFile() {
    server.commit("org/noweights", Map.of("config.json", bytesOf("{}")));
    String c = server.commit("org/noweights", Map.of("config.json", bytesOf("{}")));
    server.ref("org/noweights", "main", c);
    HubException e =
        assertThrows(HubException.class, () -> hub().snapshot(new HubId("org/noweights", "main")));
    assertEquals(Kind.ENTRY_NOT_FOUND, e.kind());
    assertTrue(e.getMessage().contains("org/noweights@main"), e.getMessage());
    assertTrue(e.getMessage().contains("model.safetensors"), e.getMessage());
    assertTrue(e.getMessage().contains(c), e.getMessage());

    // a repository without config.json: the 404 still names the commit, marked .no_exist
    String bare = server.commit("org/bare", Map.of("README.md", bytesOf("hi")));
    server.ref("org/bare", "main", bare);
    HubException noConfig =
        assertThrows(HubException.class, () -> hub().snapshot(new HubId("org/bare", "main")));
    assertEquals(Kind.ENTRY_NOT_FOUND, noConfig.kind());
    assertTrue(noConfig.getMessage().contains("org/bare@main"), noConfig.getMessage());
    assertTrue(noConfig.getMessage().contains("config.json"), noConfig.getMessage());
    assertTrue(
        Files.isRegularFile(
            cache.resolve("models--org--bare/.no_exist").resolve(bare).resolve("config.json")));
  }

  private static byte[] bytesOf(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void repoRevisionAndGateErrorsAreTold() {
    HubException missing =
        assertThrows(HubException.class, () -> hub().snapshot(new HubId("org/nothing", "main")));
    assertEquals(Kind.REPO_NOT_FOUND, missing.kind());
    assertTrue(missing.getMessage().contains("org/nothing@main"), missing.getMessage());
    assertTrue(missing.getMessage().contains("config.json"), missing.getMessage());
    assertTrue(missing.getMessage().contains("RepoNotFound"), missing.getMessage());

    HubException rev =
        assertThrows(HubException.class, () -> hub().snapshot(new HubId(REPO, "v9")));
    assertEquals(Kind.REVISION_NOT_FOUND, rev.kind());
    assertTrue(rev.getMessage().contains("org/demo@v9"), rev.getMessage());

    server.gate(REPO);
    HubException gated =
        assertThrows(HubException.class, () -> hub().snapshot(new HubId(REPO, "main")));
    assertEquals(Kind.GATED, gated.kind());
    assertTrue(gated.getMessage().contains("HF_TOKEN"), gated.getMessage());
    assertTrue(gated.getMessage().contains("is restricted"), gated.getMessage());
    assertTrue(gated.getMessage().contains(server.endpoint() + "/org/demo"), gated.getMessage());
  }

  @Test
  void offlineReadsTheCacheAndNeverTheNetwork() {
    Path online = hub().snapshot(new HubId(REPO, "main"));
    server.clearRequests();
    HubModels offline = hub(Map.of("HF_HUB_OFFLINE", "1"));
    assertEquals(online, offline.snapshot(new HubId(REPO, "main"))); // via refs/main
    assertEquals(online, offline.snapshot(new HubId(REPO, commit)));

    HubException notCached =
        assertThrows(HubException.class, () -> offline.snapshot(new HubId("org/other", "main")));
    assertEquals(Kind.OFFLINE_NOT_CACHED, notCached.kind());
    assertTrue(notCached.getMessage().contains("org/other@main"), notCached.getMessage());
    assertTrue(notCached.getMessage().contains("HF_HUB_OFFLINE"), notCached.getMessage());
    assertTrue(notCached.getMessage().contains(cache.toString()), notCached.getMessage());
    assertEquals(List.of(), server.requests());
  }

  @Test
  void aHalfDownloadedBlobIsNeverUsed() throws Exception {
    byte[] weights = bytes(demo.resolve("model.safetensors"));
    Path blob = repoDir().resolve("blobs").resolve(FakeHub.sha256(weights));
    Files.createDirectories(blob.getParent());
    Path part = blob.resolveSibling(blob.getFileName() + ".incomplete");
    Files.write(part, new byte[] {1, 2, 3});
    // and a snapshot pointer left pointing at it
    Path pointer = repoDir().resolve("snapshots").resolve(commit).resolve("model.safetensors");
    Files.createDirectories(pointer.getParent());
    Files.createSymbolicLink(pointer, pointer.getParent().relativize(part));

    Path snap = hub().snapshot(new HubId(REPO, commit));
    assertEquals(
        -1L, Files.mismatch(demo.resolve("model.safetensors"), snap.resolve("model.safetensors")));
    assertFalse(Files.exists(part));
  }

  @Test
  void sentenceTransformersModulesAndShardsAreFetchedAndNothingElse() {
    Map<String, byte[]> files = new HashMap<>();
    files.put("config.json", bytesOf("{}"));
    files.put("tokenizer.json", bytesOf("{}"));
    files.put(
        "modules.json",
        bytesOf(
            "[{\"idx\":0,\"name\":\"0\",\"path\":\"\",\"type\":\"sentence_transformers.models.Transformer\"},"
                + "{\"idx\":1,\"name\":\"1\",\"path\":\"1_Pooling\",\"type\":\"sentence_transformers.models.Pooling\"},"
                + "{\"idx\":2,\"name\":\"2\",\"path\":\"2_Dense\",\"type\":\"sentence_transformers.models.Dense\"},"
                + "{\"idx\":3,\"name\":\"3\",\"path\":\"3_Normalize\",\"type\":\"sentence_transformers.models.Normalize\"}]"));
    files.put("config_sentence_transformers.json", bytesOf("{\"prompts\":{}}"));
    files.put("1_Pooling/config.json", bytesOf("{\"pooling_mode_mean_tokens\":true}"));
    files.put("2_Dense/config.json", bytesOf("{\"in_features\":4}"));
    files.put("2_Dense/pytorch_model.bin", bytesOf("dense"));
    files.put(
        "model.safetensors.index.json",
        bytesOf(
            "{\"weight_map\":{\"a\":\"model-00001-of-00002.safetensors\",\"b\":\"model-00002-of-00002.safetensors\",\"c\":\"model-00001-of-00002.safetensors\"}}"));
    files.put("model-00001-of-00002.safetensors", bytesOf("shard1"));
    files.put("model-00002-of-00002.safetensors", bytesOf("shard2"));
    files.put("unrelated/big.bin", bytesOf("never"));
    String c = server.commit("org/st", files);
    server.ref("org/st", "main", c);

    Path snap = hub().snapshot(new HubId("org/st", "main"));
    for (String f : files.keySet()) {
      assertEquals(!f.startsWith("unrelated/"), Files.isRegularFile(snap.resolve(f)), f);
    }
    Set<String> asked = server.requests().stream().map(Request::path).collect(Collectors.toSet());
    assertTrue(asked.stream().noneMatch(p -> p.contains("1_Pooling/model")), "" + asked);
    assertTrue(asked.stream().noneMatch(p -> p.contains("3_Normalize/model")), "" + asked);
  }

  @Test
  void aShardNameOutsideTheRepositoryIsRefused() {
    String c =
        server.commit(
            "org/evil",
            Map.of(
                "config.json", bytesOf("{}"),
                "model.safetensors.index.json",
                    bytesOf("{\"weight_map\":{\"a\":\"../../../x\"}}")));
    server.ref("org/evil", "main", c);
    HubException e =
        assertThrows(HubException.class, () -> hub().snapshot(new HubId("org/evil", "main")));
    assertTrue(e.getMessage().contains("../../../x"), e.getMessage());
  }

  @Test
  void aBareIdThatIsNeitherAFolderNorOnTheHubSaysBoth() {
    HubException e =
        assertThrows(
            HubException.class,
            () -> ((ModelSource.Hub) ModelSource.parse("org/not-here")).snapshot(hub()));
    assertTrue(e.getMessage().startsWith("no local folder org/not-here"), e.getMessage());
    assertTrue(e.getMessage().contains("repository not found"), e.getMessage());
    assertEquals(
        "hf://" + REPO + "@" + commit,
        ((ModelSource.Hub) ModelSource.parse(REPO)).pinned(hub()).spec());
  }
}
