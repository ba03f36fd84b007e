package dev.modernbert.encoder.hub;

import dev.modernbert.encoder.hub.HubException.Kind;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscribers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * The Hub's file protocol as huggingface_hub speaks it ({@code file_download.py}): a {@code HEAD}
 * of {@code {endpoint}/{repo}/resolve/{revision}/{file}} that follows only relative redirects (a
 * renamed repository) and reads {@code X-Repo-Commit}, {@code X-Linked-Etag} or {@code ETag},
 * {@code X-Linked-Size} or {@code Content-Length}, and where a redirect to another host (an LFS
 * blob on a CDN) points; then a {@code GET} of that location. Redirects are followed by hand so
 * that the {@code Authorization} header goes only to the endpoint's own host and port.
 */
final class HubClient {
  /** What a {@code HEAD} tells of a file: its commit, blob name, where to get it, its size. */
  record FileMetadata(String commit, String etag, URI location, long size) {}

  private static final Duration TIMEOUT = Duration.ofSeconds(10); // huggingface_hub's etag timeout
  private static final int MAX_REDIRECTS = 10;
  private static final String USER_AGENT = "modernbert-spark (huggingface_hub protocol)";

  private final HubEnvironment env;
  private final HttpClient http;

  HubClient(HubEnvironment env) {
    this.env = env;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(TIMEOUT)
            .build();
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
              .method("HEAD", HttpRequest.BodyPublishers.noBody())
              // the size of the file itself, not of a compressed answer
              .header("Accept-Encoding", "identity")
              .build();
      HttpResponse<Void> r = send(request, HttpResponse.BodyHandlers.discarding(), what, file);
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

  /** Downloads {@code m.location()} into {@code target}, following redirects by hand. */
  void download(FileMetadata m, Path target, HubId id, String what, String file) {
    URI current = m.location();
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      HttpRequest request = request(current).GET().build();
      HttpResponse<Path> r =
          send(
              request,
              info ->
                  info.statusCode() == 200
                      ? BodySubscribers.ofFile(
                          target,
                          StandardOpenOption.CREATE,
                          StandardOpenOption.TRUNCATE_EXISTING,
                          StandardOpenOption.WRITE)
                      : BodySubscribers.replacing(null),
              what,
              file);
      int status = r.statusCode();
      if (status >= 300 && status < 400) {
        current = location(r, current, what, file);
        continue;
      }
      if (status != 200) {
        throw error(r, id, what, file);
      }
      return;
    }
    throw new HubException(
        Kind.PROTOCOL, what + ": more than " + MAX_REDIRECTS + " redirects for " + file);
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
      HttpRequest request, HttpResponse.BodyHandler<T> handler, String what, String file) {
    try {
      return http.send(request, handler);
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
