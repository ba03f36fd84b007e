package dev.modernbert.spark.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modernbert.encoder.pool.Pooling;
import dev.modernbert.encoder.task.Embed;
import dev.modernbert.encoder.task.TextTask;
import dev.modernbert.spark.ml.ModernBertEmbedder;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The embed UDF options reach the task: prompts as given (spaces kept), truncateDim, modes. */
class UdfEmbedOptionsTest {
  @Test
  void sentenceTransformersOptionsBecomeTheTask() {
    assertEquals(
        new Embed(Pooling.LASTTOKEN, false, "query: ", "", 8),
        task(Map.of("prompt", "query: ", "truncateDim", "8", "pooling", "lasttoken")));
    assertEquals(
        new Embed(Pooling.AUTO, false, null, "document", 0),
        task(Map.of("promptName", " document ")));
    IllegalArgumentException both =
        assertThrows(
            IllegalArgumentException.class,
            () -> task(Map.of("prompt", "query: ", "promptName", "document")));
    assertTrue(both.getMessage().contains("exclude each other"), both.getMessage());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ModernBertUdfs.configure(new ModernBertEmbedder(), Map.of("truncateDim", "-1")));
    assertTrue(e.getMessage().contains("truncateDim"), e.getMessage());
  }

  private static TextTask<?> task(Map<String, String> options) {
    Map<String, String> all = new HashMap<>(options);
    all.put("modelPath", "demo");
    return ModernBertUdfs.configure(new ModernBertEmbedder(), all).task();
  }
}
