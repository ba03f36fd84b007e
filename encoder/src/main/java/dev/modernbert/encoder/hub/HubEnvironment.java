package dev.modernbert.encoder.hub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The Hub settings, read as huggingface_hub reads them (its {@code constants.py}): the cache is
 * {@code HF_HUB_CACHE}, else {@code HUGGINGFACE_HUB_CACHE}, else {@code HF_HOME/hub}, else {@code
 * XDG_CACHE_HOME/huggingface/hub}, else {@code ~/.cache/huggingface/hub}; the endpoint {@code
 * HF_ENDPOINT} (default {@code https://huggingface.co}); offline when {@code HF_HUB_OFFLINE} (or
 * {@code TRANSFORMERS_OFFLINE}) is 1, ON, YES or TRUE; the token {@code HF_TOKEN}, else the file
 * {@code HF_TOKEN_PATH}, else {@code HF_HOME/token} (where {@code hf auth login} writes it).
 *
 * <p>{@link #system()} takes each name from the Java system property of that name when set (so a
 * Spark executor can be given one with {@code -DHF_HUB_OFFLINE=1}), else from the environment.
 *
 * @param cacheDir the hub cache folder (holds {@code models--org--name/})
 * @param endpoint the Hub's base URL, without a trailing slash
 * @param offline true: no request is made, only the cache is read
 * @param token the bearer token, or null
 * @param etagTimeout the longest a metadata request waits for its answer (connection included)
 * @param downloadTimeout the longest a download waits for its answer or for its next bytes
 */
public record HubEnvironment(
    Path cacheDir,
    URI endpoint,
    boolean offline,
    String token,
    Duration etagTimeout,
    Duration downloadTimeout) {
  public static final String DEFAULT_ENDPOINT = "https://huggingface.co";

  /** huggingface_hub's {@code DEFAULT_ETAG_TIMEOUT} and {@code DEFAULT_DOWNLOAD_TIMEOUT}. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private static final BigDecimal MAX_TIMEOUT_SECONDS = BigDecimal.valueOf(86_400);
  private static final Set<String> TRUE = Set.of("1", "ON", "YES", "TRUE");

  public HubEnvironment {
    if (etagTimeout == null || etagTimeout.isNegative() || etagTimeout.isZero()) {
      etagTimeout = DEFAULT_TIMEOUT;
    }
    if (downloadTimeout == null || downloadTimeout.isNegative() || downloadTimeout.isZero()) {
      downloadTimeout = DEFAULT_TIMEOUT;
    }
  }

  /** With huggingface_hub's default timeouts. */
  public HubEnvironment(Path cacheDir, URI endpoint, boolean offline, String token) {
    this(cacheDir, endpoint, offline, token, DEFAULT_TIMEOUT, DEFAULT_TIMEOUT);
  }

  /** The settings of this process (system properties, then environment variables). */
  public static HubEnvironment system() {
    return from(
        name -> {
          String v = System.getProperty(name);
          return v != null ? v : System.getenv(name);
        },
        Path.of(System.getProperty("user.home")));
  }

  /** The settings that {@code vars} (name to value, null when unset) give, {@code ~} = home. */
  public static HubEnvironment from(UnaryOperator<String> vars, Path home) {
    UnaryOperator<String> get = name -> blankToNull(vars.apply(name));
    String xdg = get.apply("XDG_CACHE_HOME");
    Path hfHome =
        get.apply("HF_HOME") != null
            ? expand(get.apply("HF_HOME"), home)
            : (xdg != null ? expand(xdg, home) : home.resolve(".cache")).resolve("huggingface");
    String cache = get.apply("HF_HUB_CACHE");
    if (cache == null) {
      cache = get.apply("HUGGINGFACE_HUB_CACHE");
    }
    Path cacheDir = cache != null ? expand(cache, home) : hfHome.resolve("hub");
    String endpoint = get.apply("HF_ENDPOINT");
    URI uri = URI.create(endpoint == null ? DEFAULT_ENDPOINT : endpoint.replaceAll("/+$", ""));
    if (uri.getScheme() == null || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "HF_ENDPOINT " + endpoint + " is not an http(s) URL such as " + DEFAULT_ENDPOINT);
    }
    String offline = get.apply("HF_HUB_OFFLINE");
    if (offline == null) {
      offline = get.apply("TRANSFORMERS_OFFLINE");
    }
    boolean isOffline = offline != null && TRUE.contains(offline.toUpperCase(Locale.ROOT));
    String token = get.apply("HF_TOKEN");
    if (token == null) {
      token = get.apply("HUGGING_FACE_HUB_TOKEN");
    }
    if (token == null) {
      String path = get.apply("HF_TOKEN_PATH");
      token = readToken(path != null ? expand(path, home) : hfHome.resolve("token"));
    }
    return new HubEnvironment(
        cacheDir.toAbsolutePath(),
        uri,
        isOffline,
        token,
        seconds(get, "HF_HUB_ETAG_TIMEOUT"),
        seconds(get, "HF_HUB_DOWNLOAD_TIMEOUT"));
  }

  /**
   * A timeout in seconds (a decimal is allowed); unset or 0: the default, as huggingface_hub's
   * {@code _as_int(...) or DEFAULT} reads it.
   */
  private static Duration seconds(UnaryOperator<String> get, String name) {
    String v = get.apply(name);
    if (v == null) {
      return DEFAULT_TIMEOUT;
    }
    try {
      BigDecimal s = new BigDecimal(v.trim());
      if (s.signum() < 0 || s.compareTo(MAX_TIMEOUT_SECONDS) > 0) {
        throw new NumberFormatException();
      }
      long millis = s.movePointRight(3).setScale(0, RoundingMode.CEILING).longValueExact();
      return millis == 0 ? DEFAULT_TIMEOUT : Duration.ofMillis(millis);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException(
          name
              + "="
              + v
              + " is not a number of seconds between 0 and "
              + MAX_TIMEOUT_SECONDS
              + " (0 or unset: the default, "
              + DEFAULT_TIMEOUT.toSeconds()
              + ")");
    }
  }

  @Override
  public String toString() { // never prints the token
    return "HubEnvironment[cacheDir="
        + cacheDir
        + ", endpoint="
        + endpoint
        + ", offline="
        + offline
        + ", token="
        + (token == null ? "none" : "set")
        + ", etagTimeout="
        + etagTimeout
        + ", downloadTimeout="
        + downloadTimeout
        + "]";
  }

  private static String readToken(Path file) {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try {
      return blankToNull(Files.readString(file, StandardCharsets.UTF_8).trim());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the Hugging Face token file " + file, e);
    }
  }

  private static Path expand(String path, Path home) {
    if (path.equals("~")) {
      return home;
    }
    return path.startsWith("~/") ? home.resolve(path.substring(2)) : Path.of(path);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
