package dev.modernbert.encoder.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HubEnvironmentTest {
  @TempDir Path home;

  private HubEnvironment env(Map<String, String> vars) {
    return HubEnvironment.from(vars::get, home);
  }

  @Test
  void cacheFolderFollowsHuggingfaceHubsPrecedence() {
    assertEquals(home.resolve(".cache/huggingface/hub"), env(Map.of()).cacheDir());
    assertEquals(Path.of("/xdg/huggingface/hub"), env(Map.of("XDG_CACHE_HOME", "/xdg")).cacheDir());
    assertEquals(
        Path.of("/hf/hub"), env(Map.of("HF_HOME", "/hf", "XDG_CACHE_HOME", "/xdg")).cacheDir());
    assertEquals(
        Path.of("/legacy"),
        env(Map.of("HF_HOME", "/hf", "HUGGINGFACE_HUB_CACHE", "/legacy")).cacheDir());
    assertEquals(
        Path.of("/c"),
        env(Map.of("HF_HUB_CACHE", "/c", "HUGGINGFACE_HUB_CACHE", "/legacy", "HF_HOME", "/hf"))
            .cacheDir());
    assertEquals(home.resolve("hfc"), env(Map.of("HF_HUB_CACHE", "~/hfc")).cacheDir());
  }

  @Test
  void endpointOfflineAndToken() throws Exception {
    HubEnvironment d = env(Map.of());
    assertEquals(URI.create("https://huggingface.co"), d.endpoint());
    assertFalse(d.offline());
    assertNull(d.token());
    assertEquals(
        URI.create("http://127.0.0.1:9"),
        env(Map.of("HF_ENDPOINT", "http://127.0.0.1:9/")).endpoint());
    for (String on : new String[] {"1", "true", "YES", "on"}) {
      assertTrue(env(Map.of("HF_HUB_OFFLINE", on)).offline(), on);
    }
    assertFalse(env(Map.of("HF_HUB_OFFLINE", "0")).offline());
    assertTrue(env(Map.of("TRANSFORMERS_OFFLINE", "1")).offline());

    assertEquals("hf_env", env(Map.of("HF_TOKEN", "hf_env")).token());
    Files.createDirectories(home.resolve(".cache/huggingface"));
    Files.writeString(home.resolve(".cache/huggingface/token"), "hf_file\n");
    assertEquals("hf_file", env(Map.of()).token());
    assertEquals("hf_env", env(Map.of("HF_TOKEN", "hf_env")).token());
    assertFalse(env(Map.of("HF_TOKEN", "hf_secret")).toString().contains("hf_secret"));
  }

  @Test
  void timeoutsAreHuggingfaceHubsVariablesWithItsDefaults() {
    HubEnvironment d = env(Map.of());
    assertEquals(Duration.ofSeconds(10), d.etagTimeout());
    assertEquals(Duration.ofSeconds(10), d.downloadTimeout());
    HubEnvironment set = env(Map.of("HF_HUB_ETAG_TIMEOUT", "3", "HF_HUB_DOWNLOAD_TIMEOUT", "0.25"));
    assertEquals(Duration.ofSeconds(3), set.etagTimeout());
    assertEquals(Duration.ofMillis(250), set.downloadTimeout());
    // 0 is the default, as huggingface_hub's `_as_int(...) or DEFAULT` reads it
    assertEquals(Duration.ofSeconds(10), env(Map.of("HF_HUB_ETAG_TIMEOUT", "0")).etagTimeout());
    for (String bad : new String[] {"ten", "-1", "1e9"}) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> env(Map.of("HF_HUB_DOWNLOAD_TIMEOUT", bad)));
      assertTrue(e.getMessage().startsWith("HF_HUB_DOWNLOAD_TIMEOUT=" + bad + " is not"), bad);
    }
    // like every HF_* setting, a system property of the same name wins (for Spark executors)
    System.setProperty("HF_HUB_DOWNLOAD_TIMEOUT", "42");
    try {
      assertEquals(Duration.ofSeconds(42), HubEnvironment.system().downloadTimeout());
    } finally {
      System.clearProperty("HF_HUB_DOWNLOAD_TIMEOUT");
    }
  }
}
