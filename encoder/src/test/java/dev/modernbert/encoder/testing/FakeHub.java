package dev.modernbert.encoder.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * A Hugging Face Hub on the loopback interface, speaking the protocol huggingface_hub expects of
 * {@code /{repo}/resolve/{revision}/{file}}: {@code X-Repo-Commit}, {@code ETag} (git blob sha1),
 * LFS files (weights) as a 302 to a second server (the "CDN", another port, so another host:port)
 * with {@code X-Linked-Etag} (sha256) and {@code X-Linked-Size}, and errors with {@code
 * X-Error-Code} / {@code X-Error-Message} (RepoNotFound 401, RevisionNotFound, EntryNotFound with
 * the commit, GatedRepo 403). Every request is recorded.
 */
public final class FakeHub implements AutoCloseable {
  /** One request: which server got it, method, raw path, and its Authorization header or null. */
  public record Request(String server, String method, String path, String authorization) {}

  private record Blob(byte[] bytes, String gitSha, String sha256) {}

  private final HttpServer hub;
  private final HttpServer cdn;
  private final Map<String, Map<String, Map<String, Blob>>> commits = new ConcurrentHashMap<>();
  private final Map<String, Map<String, String>> refs = new ConcurrentHashMap<>();
  private final Map<String, Blob> lfsBlobs = new ConcurrentHashMap<>();
  private final Set<String> gated = ConcurrentHashMap.newKeySet();
  private final List<Request> requests = new CopyOnWriteArrayList<>();

  public FakeHub() {
    try {
      InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
      hub = HttpServer.create(loopback, 0);
      cdn = HttpServer.create(loopback, 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    hub.createContext("/", this::hubRequest);
    cdn.createContext("/", this::cdnRequest);
    hub.start();
    cdn.start();
  }

  /** The value for {@code HF_ENDPOINT}. */
  public String endpoint() {
    return "http://127.0.0.1:" + hub.getAddress().getPort();
  }

  public URI cdnUri() {
    return URI.create("http://127.0.0.1:" + cdn.getAddress().getPort());
  }

  /** Adds a commit of {@code repo} holding {@code files}; returns its (content-derived) sha. */
  public String commit(String repo, Map<String, byte[]> files) {
    Map<String, Blob> blobs = new TreeMap<>();
    MessageDigest commitSha = digest("SHA-1");
    commitSha.update(repo.getBytes(StandardCharsets.UTF_8));
    files.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e -> {
              Blob b = blob(e.getValue());
              blobs.put(e.getKey(), b);
              commitSha.update((e.getKey() + "\0" + b.gitSha()).getBytes(StandardCharsets.UTF_8));
              if (isLfs(e.getKey())) {
                lfsBlobs.put(b.sha256(), b);
              }
            });
    String sha = HexFormat.of().formatHex(commitSha.digest());
    commits.computeIfAbsent(repo, k -> new ConcurrentHashMap<>()).put(sha, blobs);
    return sha;
  }

  /** Adds a commit with every file under {@code folder} (names relative, with '/'). */
  public String commit(String repo, Path folder) {
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(folder)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        files.put(folder.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return commit(repo, files);
  }

  /** Points branch or tag {@code name} of {@code repo} at {@code commit}. */
  public void ref(String repo, String name, String commit) {
    refs.computeIfAbsent(repo, k -> new ConcurrentHashMap<>()).put(name, commit);
  }

  /** Makes {@code repo} gated: every request is refused with 403 GatedRepo. */
  public void gate(String repo) {
    gated.add(repo);
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  public void clearRequests() {
    requests.clear();
  }

  /** Weights go through LFS, as on the Hub. */
  static boolean isLfs(String file) {
    return file.endsWith(".safetensors") || file.endsWith(".bin");
  }

  private void hubRequest(HttpExchange x) throws IOException {
    String raw = x.getRequestURI().getRawPath();
    requests.add(
        new Request(
            "hub", x.getRequestMethod(), raw, x.getRequestHeaders().getFirst("Authorization")));
    String[] parts = raw.substring(1).split("/", 5);
    if (parts.length < 5 || !parts[2].equals("resolve")) {
      send(x, 404, Map.of("X-Error-Message", "Not found"), null);
      return;
    }
    String repo = parts[0] + "/" + parts[1];
    String revision = URLDecoder.decode(parts[3], StandardCharsets.UTF_8);
    String file = URLDecoder.decode(parts[4], StandardCharsets.UTF_8);
    Map<String, Map<String, Blob>> repoCommits = commits.get(repo);
    if (repoCommits == null) {
      send(
          x,
          401,
          Map.of("X-Error-Code", "RepoNotFound", "X-Error-Message", "Repository not found"),
          null);
      return;
    }
    if (gated.contains(repo)) {
      send(
          x,
          403,
          Map.of(
              "X-Error-Code",
              "GatedRepo",
              "X-Error-Message",
              "Access to model " + repo + " is restricted. You must have access to it."),
          null);
      return;
    }
    String commit = refs.getOrDefault(repo, Map.of()).getOrDefault(revision, revision);
    Map<String, Blob> files = repoCommits.get(commit);
    if (files == null) {
      send(
          x,
          404,
          Map.of(
              "X-Error-Code", "RevisionNotFound", "X-Error-Message", "Invalid rev id: " + revision),
          null);
      return;
    }
    Blob b = files.get(file);
    if (b == null) {
      send(
          x,
          404,
          Map.of(
              "X-Error-Code",
              "EntryNotFound",
              "X-Error-Message",
              "Entry not found",
              "X-Repo-Commit",
              commit),
          null);
      return;
    }
    if (isLfs(file)) {
      send(
          x,
          302,
          Map.of(
              "Location",
              cdnUri() + "/repos/" + b.sha256() + "?X-Amz-Signature=fake",
              "X-Repo-Commit",
              commit,
              "X-Linked-Etag",
              "\"" + b.sha256() + "\"",
              "X-Linked-Size",
              Long.toString(b.bytes().length),
              "ETag",
              "W/\"" + b.gitSha() + "\""),
          null);
      return;
    }
    send(x, 200, Map.of("X-Repo-Commit", commit, "ETag", "\"" + b.gitSha() + "\""), b.bytes());
  }

  private void cdnRequest(HttpExchange x) throws IOException {
    String raw = x.getRequestURI().getRawPath();
    requests.add(
        new Request(
            "cdn", x.getRequestMethod(), raw, x.getRequestHeaders().getFirst("Authorization")));
    Blob b = raw.startsWith("/repos/") ? lfsBlobs.get(raw.substring("/repos/".length())) : null;
    if (b == null) {
      send(x, 404, Map.of(), null);
      return;
    }
    send(x, 200, Map.of(), b.bytes());
  }

  private static void send(HttpExchange x, int status, Map<String, String> headers, byte[] body)
      throws IOException {
    headers.forEach((k, v) -> x.getResponseHeaders().set(k, v));
    boolean head = x.getRequestMethod().equals("HEAD");
    if (head && body != null) {
      x.getResponseHeaders().set("Content-Length", Long.toString(body.length));
    }
    if (head || body == null) {
      x.sendResponseHeaders(status, -1);
    } else {
      x.sendResponseHeaders(status, body.length);
      try (OutputStream out = x.getResponseBody()) {
        out.write(body);
      }
    }
    x.close();
  }

  private static Blob blob(byte[] bytes) {
    MessageDigest git = digest("SHA-1");
    git.update(("blob " + bytes.length + "\0").getBytes(StandardCharsets.UTF_8));
    git.update(bytes);
    MessageDigest sha256 = digest("SHA-256");
    sha256.update(bytes);
    return new Blob(
        bytes, HexFormat.of().formatHex(git.digest()), HexFormat.of().formatHex(sha256.digest()));
  }

  /** The git blob sha1 of {@code bytes}: the blob name of a file stored in git (not LFS). */
  public static String gitSha(byte[] bytes) {
    return blob(bytes).gitSha();
  }

  /** The sha256 of {@code bytes}: the blob name of an LFS file. */
  public static String sha256(byte[] bytes) {
    return blob(bytes).sha256();
  }

  private static MessageDigest digest(String name) {
    try {
      return MessageDigest.getInstance(name);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    hub.stop(0);
    cdn.stop(0);
  }
}
