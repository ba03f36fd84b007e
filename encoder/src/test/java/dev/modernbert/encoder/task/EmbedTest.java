package dev.modernbert.encoder.task;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.modernbert.encoder.pool.Pooling;
import org.junit.jupiter.api.Test;

class EmbedTest {
  @Test
  void promptAndPromptNameExcludeEachOther() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new Embed(Pooling.AUTO, false, "q: ", "nope", 0));
    assertEquals(
        "prompt (--prompt) and promptName (--prompt-name) exclude each other: give one, got"
            + " prompt \"q: \" and promptName \"nope\"",
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Embed(Pooling.AUTO, false, "", "x", 0));
    assertDoesNotThrow(() -> new Embed(Pooling.AUTO, false, "q: ", "", 0));
    assertDoesNotThrow(() -> new Embed(Pooling.AUTO, false, null, "query", 0));
  }
}
