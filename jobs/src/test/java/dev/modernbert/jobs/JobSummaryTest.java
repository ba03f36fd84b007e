package dev.modernbert.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modernbert.spark.executor.StageMetrics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code _SUMMARY.json}'s keys are a public contract (scripts read them): the exact keys, in order,
 * of a batch and of a streaming run, and the rows check.
 */
class JobSummaryTest {
  private static final List<String> FIGURES =
      List.of(
          "null_rows",
          "truncated_rows",
          "error_rows",
          "tokens",
          "padded_tokens",
          "padding_ratio",
          "wall_s",
          "rows_per_s",
          "tokens_per_s");
  private static final List<String> AFTER =
      List.of("task_metrics", "spark_master", "app_id", "options");

  static StageMetrics.Totals totals(long chunkedRows) {
    return new StageMetrics.Totals(
        10, 1, 2, 0, 100, 120, 3, 1, 5.0, 7.0, chunkedRows, 2 * chunkedRows);
  }

  static JobSummary summary(JobSummary.Run run, long rowsOut, Long bad, long chunkedRows) {
    return new JobSummary(
        "embed",
        "/in",
        "json",
        "/out",
        "parquet",
        "demo",
        run,
        10,
        rowsOut,
        bad,
        totals(chunkedRows),
        2.0,
        "local[2]",
        "app-1",
        Map.of("model", "demo"));
  }

  static List<String> keys(String... parts) {
    return new ArrayList<>(List.of(parts));
  }

  @Test
  void aBatchRunsKeys() {
    List<String> want =
        keys(
            "status",
            "task",
            "input",
            "input_format",
            "input_files",
            "output",
            "output_format",
            "mode",
            "model",
            "rows_in",
            "rows_out",
            "bad_input_rows");
    want.addAll(FIGURES);
    want.addAll(AFTER);
    JobSummary s = summary(new JobSummary.Batch("error", 3), 10, 0L, 0);
    assertEquals(want, new ArrayList<>(s.fields().keySet()));
    assertEquals("ok", s.fields().get("status"));
    assertEquals(3, s.fields().get("input_files"));
    assertEquals(
        List.of("rows", "batches", "model_loads", "model_load_ms", "inference_ms"),
        new ArrayList<>(((Map<?, ?>) s.fields().get("task_metrics")).keySet()));
  }

  @Test
  void aStreamingRunsKeysWithChunksAndWithoutJson() {
    List<String> want =
        keys(
            "status",
            "task",
            "input",
            "input_format",
            "output",
            "output_format",
            "mode",
            "checkpoint",
            "model",
            "micro_batches",
            "files_processed",
            "rows_in",
            "rows_out",
            "rows_out_total");
    want.addAll(FIGURES);
    want.addAll(List.of("chunked_rows", "chunks"));
    want.addAll(AFTER);
    JobSummary s = summary(new JobSummary.Streaming("/ckpt", 2, 4, 30), 10, null, 1);
    Map<String, Object> f = s.fields();
    assertEquals(want, new ArrayList<>(f.keySet()));
    assertEquals("checkpoint", f.get("mode"));
    assertEquals(2L, f.get("micro_batches"));
    assertEquals(4, f.get("files_processed"));
    assertEquals(30L, f.get("rows_out_total"));
  }

  @Test
  void rowsLostExitThreeNamingTheSummary() {
    JobSummary batch = summary(new JobSummary.Batch("error", 1), 9, null, 0);
    assertEquals(JobException.ROW_MISMATCH, batch.exitCode());
    assertEquals("rows_out_differs_from_rows_in", batch.fields().get("status"));
    JobException e = assertThrows(JobException.class, batch::requireRowsMatch);
    assertEquals(JobException.ROW_MISMATCH, e.exitCode());
    assertEquals("rows out (9) != rows in (10); see /out/_SUMMARY.json", e.getMessage());
    JobException streaming =
        assertThrows(
            JobException.class,
            summary(new JobSummary.Streaming("/c", 1, 1, 9), 9, null, 0)::requireRowsMatch);
    assertEquals(
        "rows written in this run (9) != rows read in this run (10); see /out/_SUMMARY.json",
        streaming.getMessage());
  }

  @Test
  void theBlockNamesTheTaskAndLeavesTheOptionsOut() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    summary(new JobSummary.Batch("error", 1), 10, null, 0)
        .print(new PrintStream(b, true, StandardCharsets.UTF_8));
    String block = b.toString(StandardCharsets.UTF_8);
    assertTrue(block.startsWith("==== modernbert embed summary ====\n"), block);
    assertTrue(block.contains("rows_out         10"), block);
    assertTrue(!block.contains("options"), block);
  }
}
