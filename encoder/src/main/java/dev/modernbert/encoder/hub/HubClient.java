package dev.modernbert.encoder.hub;

import dev.modernbert.encoder.hub.HubException.Kind;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The Hub's file protocol as huggingface_hub speaks it ({@code file_download.py}): a {@code HEAD}
 * of {@code {endpoint}/{repo}/resolve/{revision}/{file}} that follows only relative redirects (a
 * renamed repository) and reads {@code X-Repo-Commit}, {@code X-Linked-Etag} or {@code ETag},
 * {@code X-Linked-Size} or {@code Content-Length}, and where a redirect to another host (an LFS
 * blob on a CDN) points; then a {@code GET} of that location. Redirects are followed by hand so
 * that the {@code Authorization} header goes only to the endpoint's own host and port.
 *
 * <p>Nothing a server sends can hold or fill the client: a {@code HEAD} must answer within {@code
 * HF_HUB_ETAG_TIMEOUT}, a download must start within and never pause longer than {@code
 * HF_HUB_DOWNLOAD_TIMEOUT}, redirects are bounded, error bodies are never read, and a download
 * never writes more bytes than its {@code HEAD} announced.
 */
final class HubClient {
  /** What a {@code HEAD} tells of a file: its commit, blob name, where to get it, its size. */
  record FileMetadata(String commit, String etag, URI location, long size) {}

  static final String ETAG_TIMEOUT = "HF_HUB_ETAG_TIMEOUT";
  static final String DOWNLOAD_TIMEOUT = "HF_HUB_DOWNLOAD_TIMEOUT";
  private static final int MAX_REDIRECTS = 10;
  private static final int RETRIES = 5;
  private static final String USER_AGENT = "modernbert-spark (huggingface_hub protocol)";

  private final HubEnvironment env;
  private final HttpClient http;

  HubClient(HubEnvironment env) {
    this.env = env;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            // each request has its own timeout too, which covers the connection
            .connectTimeout(max(env.etagTimeout(), env.downloadTimeout()))
            .build();
  }

  private static final ScheduledThreadPoolExecutor WATCHDOG = watchdog();

  private static ScheduledThreadPoolExecutor watchdog() {
    ScheduledThreadPoolExecutor e =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "hub-download-watchdog");
              t.setDaemon(true);
              return t;
            });
    e.setRemoveOnCancelPolicy(true);
    return e;
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  /** {@code 10 s}, {@code 0.5 s}. */
  static String seconds(Duration d) {
    return BigDecimal.valueOf(d.toMillis()).movePointLeft(3).stripTrailingZeros().toPlainString()
        + " s";
  }

  /** The resolve URL of {@code file} at {@code id}'s revision (quoted as huggingface_hub does). */
  URI url(HubId id, String file) {
    return URI.create(
        env.endpoint()
            + "/"
            + id.repo()
            + "/resolve/"
            + quote(id.revision(), false)
            + "/"
            + quote(file, true));
  }

  /**
   * The metadata of {@code file} at {@code id}'s revision; {@code what} names the model in errors.
   *
   * @throws HubException on an error status (with the response's {@code X-Repo-Commit}), a response
   *     without commit or ETag, or a network failure
   */
  FileMetadata head(HubId id, String file, String what) {
    URI current = url(id, file);
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      HttpRequest request =
          request(current)
              .timeout(env.etagTimeout())
              .method("HEAD", HttpRequest.BodyPublishers.noBody())
              // the size of the file itself, not of a compressed answer
              .header("Accept-Encoding", "identity")
              .build();
      HttpResponse<Void> r =
          send(request, HttpResponse.BodyHandlers.discarding(), what, file, ETAG_TIMEOUT);
      int status = r.statusCode();
      if (status >= 300 && status < 400) {
        URI target = location(r, current, what, file);
        if (URI.create(r.headers().firstValue("Location").orElseThrow()).getAuthority() == null) {
          current = target; // relative: the repository was renamed; ask again there
          continue;
        }
        return metadata(r, target, what, file);
      }
      if (status >= 400) {
        throw error(r, id, what, file);
      }
      return metadata(r, current, what, file);
    }
    throw new HubException(
        Kind.PROTOCOL, what + ": more than " + MAX_REDIRECTS + " redirects for " + file);
  }

  /**
   * Downloads {@code m.location()} into {@code part} (the blob's {@code .incomplete} file),
   * following redirects by hand, and returns when {@code part} holds exactly {@code m.size()}
   * bytes. As huggingface_hub does, a partial file left by an earlier run is resumed with {@code
   * Range: bytes=N-} (a {@code 206} is appended, a {@code 200} starts again); bytes kept from an
   * earlier run are checked against the ETag where it is the file's sha256 (LFS) or git blob sha1,
   * and the file is downloaded whole again when they do not match. No more bytes than announced are
   * ever written: a longer body is refused and the partial file removed. A transfer that stalls for
   * {@code HF_HUB_DOWNLOAD_TIMEOUT} or breaks keeps its partial file, for the next run to resume.
   *
   * @throws HubException on an error status, a longer body (PROTOCOL), a stall or a broken or short
   *     transfer (NETWORK)
   * @throws IOException when {@code part} cannot be written
   */
  void download(FileMetadata m, Path part, HubId id, String what, String file) throws IOException {
    long have = Files.isRegularFile(part) ? Files.size(part) : 0;
    if (have > m.size()) {
      Files.delete(part); // not a prefix of this file: never resumed
      have = 0;
    }
    boolean kept = have > 0;
    if (have < m.size() || !Files.isRegularFile(part)) {
      kept = fetchResuming(m, part, have, id, what, file);
    }
    if (kept && !matchesEtag(part, m.etag())) {
      Files.delete(part); // the kept bytes were not this file's: once more, from the start
      if (fetchResuming(m, part, 0, id, what, file) && !matchesEtag(part, m.etag())) {
        Files.delete(part);
        throw new HubException(
            Kind.NETWORK,
            what
                + ": "
                + file
                + " arrived twice with bytes that do not match its ETag "
                + m.etag());
      }
    }
  }

  /**
   * {@link #fetch}, resumed in this run after a transfer that broke or stalled once it had made
   * progress (huggingface_hub's five retries); true when the result appended to earlier bytes.
   */
  private boolean fetchResuming(
      FileMetadata m, Path part, long from, HubId id, String what, String file) throws IOException {
    long start = from;
    for (int retry = 0; ; retry++) {
      try {
        return fetch(m, part, start, id, what, file);
      } catch (Broken e) {
        long now = Files.isRegularFile(part) ? Files.size(part) : 0;
        if (retry >= RETRIES || now <= start) {
          throw e.error;
        }
        start = now;
      }
    }
  }

  /** A transfer that broke or stalled with its partial file kept: it may be resumed. */
  private static final class Broken extends RuntimeException {
    final HubException error;

    Broken(HubException error) {
      super(error.getMessage(), null, false, false);
      this.error = error;
    }
  }

  /** One download into {@code part} from byte {@code from}; true when it appended to it. */
  private boolean fetch(FileMetadata m, Path part, long from, HubId id, String what, String file)
      throws IOException {
    URI current = m.location();
    long start = from;
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      HttpRequest.Builder b = request(current).timeout(env.downloadTimeout()).GET();
      if (start > 0) {
        b.header("Range", "bytes=" + start + "-");
      }
      HttpResponse<InputStream> r =
          send(b.build(), HttpResponse.BodyHandlers.ofInputStream(), what, file, DOWNLOAD_TIMEOUT);
      // the body is read only into the file; an error or redirect body is closed unread
      try (InputStream body = r.body()) {
        int status = r.statusCode();
        if (status >= 300 && status < 400) {
          current = location(r, current, what, file);
          continue;
        }
        if (start > 0 && (status == 416 || (status == 206 && !resumesAt(r, start)))) {
          start = 0; // the server cannot resume here: ask for the whole file
          continue;
        }
        if (status == 200 || (status == 206 && start > 0)) {
          boolean append = status == 206;
          copy(body, part, append ? start : 0, m.size(), r.uri(), what, file);
          return append;
        }
        throw error(r, id, what, file);
      }
    }
    throw new HubException(
        Kind.PROTOCOL, what + ": more than " + MAX_REDIRECTS + " redirects for " + file);
  }

  /** A {@code Content-Range: bytes start-...} answer. */
  private static boolean resumesAt(HttpResponse<?> r, long start) {
    return r.headers()
        .firstValue("Content-Range")
        .map(v -> v.trim().startsWith("bytes " + start + "-"))
        .orElse(false);
  }

  /**
   * Writes {@code body} to {@code part} after its first {@code have} bytes, never past {@code
   * size}; a stall of {@code HF_HUB_DOWNLOAD_TIMEOUT} closes the body.
   */
  private void copy(
      InputStream body, Path part, long have, long size, URI from, String what, String file)
      throws IOException {
    long total = have;
    OpenOption mode = have > 0 ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING;
    try (OutputStream out =
            Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE, mode);
        Stall stall = new Stall(body, env.downloadTimeout())) {
      byte[] buf = new byte[64 * 1024];
      while (true) {
        int n;
        try {
          n = body.read(buf);
        } catch (IOException e) {
          throw new Broken(broken(e, stall.fired(), from, what, file, total, size, part));
        }
        if (n < 0) {
          break;
        }
        stall.progress();
        if (n > size - total) {
          out.close();
          Files.deleteIfExists(part);
          throw new HubException(
              Kind.PROTOCOL,
              what
                  + ": "
                  + from.getHost()
                  + " sent more of "
                  + file
                  + " than the "
                  + size
                  + " bytes its HEAD announced; refused, and the partial download removed");
        }
        out.write(buf, 0, n);
        total += n;
      }
    }
    if (total < size) {
      throw new Broken(
          new HubException(
              Kind.NETWORK,
              what
                  + ": the download of "
                  + file
                  + " from "
                  + from.getHost()
                  + " ended after "
                  + total
                  + " of "
                  + size
                  + " bytes; "
                  + kept(part)));
    }
  }

  private HubException broken(
      IOException e,
      boolean stalled,
      URI from,
      String what,
      String file,
      long total,
      long size,
      Path part) {
    String text =
        stalled
            ? "the download of "
                + file
                + " from "
                + from.getHost()
                + " stalled: no bytes for "
                + seconds(env.downloadTimeout())
                + " ("
                + DOWNLOAD_TIMEOUT
                + "; raise it on a slow network)"
            : "the download of " + file + " from " + from.getHost() + " broke (" + e + ")";
    return new HubException(
        Kind.NETWORK,
        what + ": " + text + " after " + total + " of " + size + " bytes; " + kept(part),
        null,
        e);
  }

  private static String kept(Path part) {
    return "they are kept in " + part + " and the next run resumes from there";
  }

  /**
   * True unless {@code etag} is a content hash the file does not have: the sha256 of an LFS file,
   * or the git blob sha1 of a file kept in git; any other ETag cannot be checked.
   */
  static boolean matchesEtag(Path file, String etag) throws IOException {
    MessageDigest md;
    if (etag.matches("[0-9a-f]{64}")) {
      md = digest("SHA-256");
    } else if (etag.matches("[0-9a-f]{40}")) {
      md = digest("SHA-1");
      md.update(("blob " + Files.size(file) + "\0").getBytes(StandardCharsets.US_ASCII));
    } else {
      return true;
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[64 * 1024];
      for (int n; (n = in.read(buf)) >= 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest()).equals(etag);
  }

  private static MessageDigest digest(String name) {
    try {
      return MessageDigest.getInstance(name);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Closes a body that has delivered no bytes for {@code limit} (a blocked read then fails), so
   * that a server which stops sending cannot hold a download forever.
   */
  private static final class Stall implements AutoCloseable {
    private final Closeable body;
    private final long limit;
    private volatile long last = System.nanoTime();
    private volatile boolean fired;
    private boolean done;
    private ScheduledFuture<?> next;

    Stall(Closeable body, Duration limit) {
      this.body = body;
      this.limit = limit.toNanos();
      schedule(this.limit);
    }

    void progress() {
      last = System.nanoTime();
    }

    boolean fired() {
      return fired;
    }

    private synchronized void schedule(long delay) {
      if (!done) {
        next = WATCHDOG.schedule(this::check, delay, TimeUnit.NANOSECONDS);
      }
    }

    private void check() {
      long idle = System.nanoTime() - last;
      if (idle < limit) {
        schedule(limit - idle);
        return;
      }
      fired = true;
      try {
        body.close();
      } catch (IOException e) {
        // closing is all that is wanted; the blocked read fails either way
      }
    }

    @Override
    public synchronized void close() {
      done = true;
      if (next != null) {
        next.cancel(false);
      }
    }
  }

  private HttpRequest.Builder request(URI uri) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("User-Agent", USER_AGENT);
    if (env.token() != null && sameOrigin(uri, env.endpoint())) {
      b.header("Authorization", "Bearer " + env.token());
    }
    return b;
  }

  /** Same scheme, host and port: the token never leaves the endpoint (an LFS CDN gets none). */
  static boolean sameOrigin(URI a, URI b) {
    return a.getScheme() != null
        && a.getScheme().equalsIgnoreCase(b.getScheme())
        && a.getHost() != null
        && a.getHost().equalsIgnoreCase(b.getHost())
        && port(a) == port(b);
  }

  private static int port(URI u) {
    if (u.getPort() >= 0) {
      return u.getPort();
    }
    return "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
  }

  private <T> HttpResponse<T> send(
      HttpRequest request,
      HttpResponse.BodyHandler<T> handler,
      String what,
      String file,
      String timeoutVariable) {
    try {
      return http.send(request, handler);
    } catch (HttpTimeoutException e) {
      throw new HubException(
          Kind.NETWORK,
          what
              + ": no answer from "
              + request.uri().getHost()
              + " for "
              + file
              + " within "
              + seconds(request.timeout().orElseThrow())
              + " ("
              + timeoutVariable
              + "; raise it on a slow network)",
          null,
          e);
    } catch (IOException e) {
      throw new HubException(
          Kind.NETWORK,
          what + ": cannot fetch " + file + " from " + request.uri().getHost() + ": " + e,
          null,
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HubException(Kind.NETWORK, what + ": interrupted fetching " + file, null, e);
    }
  }

  private static URI location(HttpResponse<?> r, URI current, String what, String file) {
    Optional<String> loc = r.headers().firstValue("Location");
    if (loc.isEmpty()) {
      throw new HubException(
          Kind.PROTOCOL,
          what + ": HTTP " + r.statusCode() + " without a Location header for " + file);
    }
    return current.resolve(loc.get());
  }

  private FileMetadata metadata(HttpResponse<?> r, URI location, String what, String file) {
    String commit = r.headers().firstValue("X-Repo-Commit").orElse(null);
    if (!HubId.isCommit(commit)) {
      throw new HubException(
          Kind.PROTOCOL,
          what
              + ": the answer for "
              + file
              + " has no X-Repo-Commit header (is HF_ENDPOINT "
              + env.endpoint()
              + " a Hugging Face Hub?)");
    }
    String etag =
        normalizeEtag(
            r.headers()
                .firstValue("X-Linked-Etag")
                .or(() -> r.headers().firstValue("ETag"))
                .orElse(null));
    if (etag == null || !etag.matches("[A-Za-z0-9_.-]+") || etag.startsWith(".")) {
      throw new HubException(
          Kind.PROTOCOL,
          what + ": the answer for " + file + " has no usable ETag, so it cannot be cached");
    }
    long size =
        r.headers()
            .firstValue("X-Linked-Size")
            .or(() -> r.headers().firstValue("Content-Length"))
            .map(HubClient::parseLong)
            .orElse(-1L);
    if (size < 0) {
      throw new HubException(
          Kind.PROTOCOL,
          what
              + ": the answer for "
              + file
              + " has no X-Linked-Size or Content-Length, so its download cannot be bounded");
    }
    return new FileMetadata(commit, etag, location, size);
  }

  /** huggingface_hub's {@code _normalize_etag}: without {@code W/} and quotes. */
  static String normalizeEtag(String etag) {
    if (etag == null) {
      return null;
    }
    String e = etag.trim();
    if (e.startsWith("W/")) {
      e = e.substring(2);
    }
    return e.replace("\"", "");
  }

  private HubException error(HttpResponse<?> r, HubId id, String what, String file) {
    int status = r.statusCode();
    String code = r.headers().firstValue("X-Error-Code").orElse("");
    String message = r.headers().firstValue("X-Error-Message").orElse("");
    String detail = " (HTTP " + status + (code.isEmpty() ? "" : " " + code);
    detail += (message.isEmpty() ? "" : ": " + message) + ")";
    String commit = r.headers().firstValue("X-Repo-Commit").filter(HubId::isCommit).orElse(null);
    String repoUrl = env.endpoint() + "/" + id.repo();
    Kind kind;
    String text;
    switch (code) {
      case "RevisionNotFound" -> {
        kind = Kind.REVISION_NOT_FOUND;
        text = "revision not found on " + env.endpoint() + " (fetching " + file + ")";
      }
      case "EntryNotFound" -> {
        kind = Kind.ENTRY_NOT_FOUND;
        text = file + " is not in the repository";
      }
      case "GatedRepo" -> {
        kind = Kind.GATED;
        text =
            "gated repository: accept its terms at "
                + repoUrl
                + " and set HF_TOKEN to a token of that account (fetching "
                + file
                + ")";
      }
      case "RepoNotFound" -> {
        kind = Kind.REPO_NOT_FOUND;
        text = repoNotFound(file);
      }
      default -> {
        if (status == 401) {
          kind = Kind.REPO_NOT_FOUND;
          text = repoNotFound(file);
        } else if (status == 404) {
          kind = Kind.ENTRY_NOT_FOUND; // a mirror that sends no X-Error-Code
          text = file + " is not in the repository";
        } else if (status == 403) {
          kind = Kind.HTTP;
          text =
              "access to "
                  + file
                  + " is forbidden: check that HF_TOKEN has read access to "
                  + repoUrl;
        } else {
          kind = Kind.HTTP;
          text = "cannot fetch " + file + " from " + r.uri().getHost();
        }
      }
    }
    return new HubException(kind, what + ": " + text + detail, commit, null);
  }

  private String repoNotFound(String file) {
    return "repository not found on "
        + env.endpoint()
        + " (fetching "
        + file
        + "); check the id, and set HF_TOKEN if the repository is private";
  }

  private static Long parseLong(String s) {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      return -1L;
    }
  }

  /** Python's {@code urllib.parse.quote}: unreserved characters stay, {@code /} when asked. */
  static String quote(String s, boolean keepSlash) {
    StringBuilder out = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      boolean plain =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '_'
              || c == '.'
              || c == '-'
              || c == '~'
              || (keepSlash && c == '/');
      if (plain) {
        out.append((char) c);
      } else {
        out.append('%').append(String.format(Locale.ROOT, "%02X", c));
      }
    }
    return out.toString();
  }
}
