package dev.modernbert.encoder.hub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 */
public record HubEnvironment(Path cacheDir, URI endpoint, boolean offline, String token) {
  public static final String DEFAULT_ENDPOINT = "https://huggingface.co";
  private static final Set<String> TRUE = Set.of("1", "ON", "YES", "TRUE");

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
    return new HubEnvironment(cacheDir.toAbsolutePath(), uri, isOffline, token);
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
