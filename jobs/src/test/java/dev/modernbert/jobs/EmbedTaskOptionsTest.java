package dev.modernbert.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.modernbert.spark.ml.ModernBertEmbedder;
import org.junit.jupiter.api.Test;

/** The job passes the sentence-transformers flags through to the embedder's Params. */
class EmbedTaskOptionsTest {
  private static ModernBertEmbedder stage(String... args) {
    return JobOptions.parse(args).applyTo(new ModernBertEmbedder());
  }

  @Test
  void promptFlagsAndTruncateDimReachTheStage() {
    ModernBertEmbedder e =
        stage("--prompt-name", "query", "--truncate-dim", "40", "--pooling", "weightedmean");
    assertEquals("query", e.getPromptName());
    assertEquals(40, e.getTruncateDim());
    assertEquals("weightedmean", e.getPooling());
    assertNull(e.getPrompt(), "no --prompt: the prompt name or the model's default applies");
    assertEquals("", stage("--prompt", "").getPrompt(), "an empty --prompt turns the default off");
    assertEquals("query: ", stage("--prompt", "query: ").getPrompt());
    ModernBertEmbedder defaults = stage();
    assertEquals("", defaults.getPromptName());
    assertEquals(0, defaults.getTruncateDim());
  }
}
