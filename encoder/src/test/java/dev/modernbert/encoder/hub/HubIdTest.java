package dev.modernbert.encoder.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class HubIdTest {
  private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

  @Test
  void parsesEveryFormOfId() {
    assertEquals(
        Optional.of(new HubId("answerdotai/ModernBERT-base", "main")),
        HubId.parse("answerdotai/ModernBERT-base"));
    assertEquals(Optional.of(new HubId("org/name", "v1.0")), HubId.parse("org/name@v1.0"));
    assertEquals(
        Optional.of(new HubId("org/name", "refs/pr/3")), HubId.parse("org/name@refs/pr/3"));
    HubId pinned = HubId.parse("org/name@" + COMMIT).orElseThrow();
    assertTrue(pinned.pinned());
    assertFalse(HubId.parse("org/name@main").orElseThrow().pinned());
    assertEquals(Optional.of(new HubId("org/name", "main")), HubId.parse("hf://org/name"));
    assertEquals(
        Optional.of(new HubId("org/my_model.v2", "dev")), HubId.parse("hf://org/my_model.v2@dev"));
    assertEquals("hf://org/name@" + COMMIT, pinned.spec());
    assertEquals(pinned, HubId.parse(pinned.spec()).orElseThrow());
    assertEquals("models--org--name", pinned.folderName());
  }

  @Test
  void pathsThatAreNotIdsAreNotIds() {
    for (String s :
        new String[] {
          "demo",
          "model",
          "/abs/org/name",
          "./org/name",
          "a/b/c",
          "org/",
          "/name",
          "org/name@",
          "../org",
          "org/na me",
          "org/--x",
          "C:\\models\\x",
          "org/name@../../etc",
          "org/name@a b"
        }) {
      assertEquals(Optional.empty(), HubId.parse(s), s);
    }
  }

  @Test
  void aMalformedHfUriIsAnErrorNotAPath() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> HubId.parse("hf://just-a-name"));
    assertTrue(e.getMessage().contains("hf://org/name"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> HubId.parse("hf://org/name@"));
  }
}
