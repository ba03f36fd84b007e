package dev.modernbert.spark.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modernbert.encoder.pool.Pooling;
import dev.modernbert.encoder.task.Embed;
import dev.modernbert.encoder.task.TextTask;
import dev.modernbert.spark.ml.ModernBertEmbedder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The embed UDF options reach the task: prompts as given (spaces kept), truncateDim, modes. */
class UdfEmbedOptionsTest {
  @Test
  void sentenceTransformersOptionsBecomeTheTask() {
    TextTask<?> task =
        ModernBertUdfs.configure(
                new ModernBertEmbedder(),
                Map.of(
                    "modelPath", "demo",
                    "prompt", "query: ",
                    "promptName", " document ",
                    "truncateDim", "8",
                    "pooling", "lasttoken"))
            .task();
    assertEquals(new Embed(Pooling.LASTTOKEN, false, "query: ", "document", 8), task);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ModernBertUdfs.configure(new ModernBertEmbedder(), Map.of("truncateDim", "-1")));
    assertTrue(e.getMessage().contains("truncateDim"), e.getMessage());
  }
}
