package dev.modernbert.encoder.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
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
}
