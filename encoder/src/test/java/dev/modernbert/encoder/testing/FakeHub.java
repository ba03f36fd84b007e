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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * A Hugging Face Hub on the loopback interface, speaking the protocol huggingface_hub expects of
 * {@code /{repo}/resolve/{revision}/{file}}: {@code X-Repo-Commit}, {@code ETag} (git blob sha1),
 * LFS files (weights) as a 302 to a second server (the "CDN", another port, so another host:port)
 * with {@code X-Linked-Etag} (sha256) and {@code X-Linked-Size}, and errors with {@code
 * X-Error-Code} / {@code X-Error-Message} (RepoNotFound 401, RevisionNotFound, EntryNotFound with
 * the commit, GatedRepo 403). A {@code GET} with {@code Range: bytes=N-} gets the rest as a {@code
 * 206} (as the Hub and its CDN answer), unless {@link #ignoreRange}. {@link #fault} makes the CDN
 * (every LFS download) misbehave. Every request is recorded.
 */
public final class FakeHub implements AutoCloseable {
  /**
   * One request: which server got it, method, raw path, its Authorization and Range headers or
   * null.
   */
  public record Request(
      String server, String method, String path, String authorization, String range) {}

  /** How the CDN answers the {@code GET} of an LFS file (weights). */
  public enum Fault {
    /** As the Hub's CDN does. */
    NONE,
    /** Headers and the first half of the bytes, then nothing (the connection stays open). */
    STALL_BODY,
    /** Once: headers and the first half of the bytes, then the connection is closed. */
    BREAK_ONCE,
    /** A 200 with an endless chunked body. */
    ENDLESS_BODY,
    /** A 500 with an endless chunked body. */
    ENDLESS_ERROR,
    /** The {@code HEAD} (a 302) announces no size: no X-Linked-Size, no Content-Length. */
    NO_SIZE
  }

  /** An endless body stops here at the latest (so that a client that reads it all ends). */
  public static final long ENDLESS_CAP = 128L << 20;

  private record Blob(byte[] bytes, String gitSha, String sha256) {}

  private final HttpServer hub;
  private final HttpServer cdn;
  private final Map<String, Map<String, Map<String, Blob>>> commits = new ConcurrentHashMap<>();
  private final Map<String, Map<String, String>> refs = new ConcurrentHashMap<>();
  private final Map<String, Blob> lfsBlobs = new ConcurrentHashMap<>();
  private final Set<String> gated = ConcurrentHashMap.newKeySet();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final ExecutorService executor = Executors.newCachedThreadPool(FakeHub::daemon);
  private final CountDownLatch closed = new CountDownLatch(1);
  private final AtomicLong faultBytes = new AtomicLong();
  private volatile Fault fault = Fault.NONE;
  private volatile boolean ignoreRange;

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
    hub.setExecutor(executor); // a stalled answer holds one thread, not the server
    cdn.setExecutor(executor);
    hub.start();
    cdn.start();
  }

  /**
   * Makes this hub, with the cache folder {@code cache}, this JVM's Hub, online: the settings as
   * system properties ({@code HF_ENDPOINT}, {@code HF_HUB_CACHE}, {@code HF_HUB_OFFLINE=0}), which
   * Spark's local executors share. {@link #clearSystemHub} undoes it.
   */
  public void useAsSystemHub(Path cache) {
    System.setProperty("HF_ENDPOINT", endpoint());
    System.setProperty("HF_HUB_CACHE", cache.toString());
    System.setProperty("HF_HUB_OFFLINE", "0");
  }

  /** Clears what {@link #useAsSystemHub} set. */
  public static void clearSystemHub() {
    List.of("HF_ENDPOINT", "HF_HUB_CACHE", "HF_HUB_OFFLINE").forEach(System::clearProperty);
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

  /**
   * Writes the demo model ({@link dev.modernbert.encoder.demo.DemoModel}) to {@code folder},
   * commits it to {@code repo} and points {@code ref} at that commit: the set-up of most Hub tests.
   *
   * @return the commit
   */
  public String serveDemo(String repo, String ref, Path folder) throws IOException {
    dev.modernbert.encoder.demo.DemoModel.write(folder);
    String sha = commit(repo, folder);
    ref(repo, ref, sha);
    return sha;
  }

  /** Points branch or tag {@code name} of {@code repo} at {@code commit}. */
  public void ref(String repo, String name, String commit) {
    refs.computeIfAbsent(repo, k -> new ConcurrentHashMap<>()).put(name, commit);
  }

  /** Makes {@code repo} gated: every request is refused with 403 GatedRepo. */
  public void gate(String repo) {
    gated.add(repo);
  }

  /** Makes the CDN misbehave from now on ({@link Fault#NONE}: behave again). */
  public void fault(Fault f) {
    fault = f;
    faultBytes.set(0);
  }

  /** Bytes of endless or stalled bodies written so far (since the last {@link #fault}). */
  public long faultBytes() {
    return faultBytes.get();
  }

  /** True: a Range header is ignored and the whole file sent with a 200. */
  public void ignoreRange(boolean ignore) {
    ignoreRange = ignore;
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
            "hub",
            x.getRequestMethod(),
            raw,
            x.getRequestHeaders().getFirst("Authorization"),
            x.getRequestHeaders().getFirst("Range")));
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
      Map<String, String> headers = new TreeMap<>();
      headers.put("Location", cdnUri() + "/repos/" + b.sha256() + "?X-Amz-Signature=fake");
      headers.put("X-Repo-Commit", commit);
      headers.put("X-Linked-Etag", "\"" + b.sha256() + "\"");
      if (fault != Fault.NO_SIZE) {
        headers.put("X-Linked-Size", Long.toString(b.bytes().length));
      }
      headers.put("ETag", "W/\"" + b.gitSha() + "\"");
      send(x, 302, headers, null);
      return;
    }
    send(x, 200, Map.of("X-Repo-Commit", commit, "ETag", "\"" + b.gitSha() + "\""), b.bytes());
  }

  private void cdnRequest(HttpExchange x) throws IOException {
    String raw = x.getRequestURI().getRawPath();
    requests.add(
        new Request(
            "cdn",
            x.getRequestMethod(),
            raw,
            x.getRequestHeaders().getFirst("Authorization"),
            x.getRequestHeaders().getFirst("Range")));
    Blob b = raw.startsWith("/repos/") ? lfsBlobs.get(raw.substring("/repos/".length())) : null;
    if (b == null) {
      send(x, 404, Map.of(), null);
      return;
    }
    switch (fault) {
      case STALL_BODY -> {
        x.sendResponseHeaders(200, b.bytes().length);
        OutputStream out = x.getResponseBody();
        int half = b.bytes().length / 2;
        out.write(b.bytes(), 0, half);
        out.flush();
        faultBytes.addAndGet(half);
        try {
          closed.await(); // never another byte while the server runs
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        x.close();
      }
      case BREAK_ONCE -> {
        fault = Fault.NONE;
        x.sendResponseHeaders(200, b.bytes().length);
        OutputStream out = x.getResponseBody();
        out.write(b.bytes(), 0, b.bytes().length / 2);
        out.flush();
        x.close(); // short of the length it announced: the connection is dropped
      }
      case ENDLESS_BODY -> endless(x, 200);
      case ENDLESS_ERROR -> endless(x, 500);
      default -> send(x, 200, Map.of(), b.bytes());
    }
  }

  private void endless(HttpExchange x, int status) throws IOException {
    x.sendResponseHeaders(status, 0); // chunked
    byte[] chunk = new byte[64 * 1024];
    try (OutputStream out = x.getResponseBody()) {
      while (faultBytes.get() < ENDLESS_CAP && closed.getCount() > 0) {
        out.write(chunk);
        faultBytes.addAndGet(chunk.length);
      }
    } catch (IOException e) {
      // the client hung up: what it should do
    }
    x.close();
  }

  /** The N of a {@code Range: bytes=N-} inside the body that is honoured, else -1. */
  private long range(HttpExchange x, int length) {
    String range = x.getRequestHeaders().getFirst("Range");
    if (ignoreRange || range == null || !range.matches("bytes=\\d{1,9}-")) {
      return -1;
    }
    long from = Long.parseLong(range.substring(6, range.length() - 1));
    return from < length ? from : -1;
  }

  private void send(HttpExchange x, int status, Map<String, String> headers, byte[] body)
      throws IOException {
    headers.forEach((k, v) -> x.getResponseHeaders().set(k, v));
    boolean head = x.getRequestMethod().equals("HEAD");
    if (head && body != null) {
      x.getResponseHeaders().set("Content-Length", Long.toString(body.length));
    }
    if (head || body == null) {
      x.sendResponseHeaders(status, -1);
    } else if (status == 200 && range(x, body.length) >= 0) {
      long from = range(x, body.length);
      x.getResponseHeaders()
          .set("Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
      x.sendResponseHeaders(206, body.length - from);
      try (OutputStream out = x.getResponseBody()) {
        out.write(body, (int) from, (int) (body.length - from));
      }
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

  private static Thread daemon(Runnable r) {
    Thread t = new Thread(r, "fake-hub");
    t.setDaemon(true);
    return t;
  }

  @Override
  public void close() {
    closed.countDown();
    hub.stop(0);
    cdn.stop(0);
    executor.shutdownNow();
  }
}
