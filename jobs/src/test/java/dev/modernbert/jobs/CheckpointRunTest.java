package dev.modernbert.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --checkpoint} in a local session: incremental runs, the summary, and mismatch checks. */
class CheckpointRunTest {
  static SparkSession spark;
  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    spark = LocalSpark.start("checkpoint-run-test");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static void writeFile(Path dir, String name, int from, int to) throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = from; i < to; i++) {
      lines.add("{\"id\": " + i + ", \"text\": \"row " + i + " of file " + name + "\"}");
    }
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(name), String.join("\n", lines) + "\n");
  }

  private List<String> args(Path in, Path out, Path ckpt, String... more) {
    List<String> a =
        new ArrayList<>(
            List.of(
                JobRuns.demoJson(
                    in,
                    out,
                    "--checkpoint",
                    ckpt.toString(),
                    "--max-files-per-trigger",
                    "1",
                    "--progress-interval",
                    "0")));
    a.addAll(List.of(more));
    return a;
  }

  private static EmbedJob.Result run(List<String> args) {
    return JobRuns.run(spark, args.toArray(String[]::new));
  }

  private static Map<Long, List<Float>> read(Path out) {
    Map<Long, List<Float>> m = new HashMap<>();
    for (Row r : spark.read().json(out.toString()).select("id", "embedding").collectAsList()) {
      List<Float> v = new ArrayList<>();
      for (Object x : r.getList(1)) {
        v.add(((Number) x).floatValue());
      }
      if (m.put(r.getLong(0), v) != null) {
        throw new AssertionError("id " + r.getLong(0) + " twice in " + out);
      }
    }
    return m;
  }

  @Test
  void incrementalRunsProcessNewFilesOnlyAndEqualTheBatchJob() throws Exception {
    Path in = tmp.resolve("in");
    writeFile(in, "a.jsonl", 0, 10);
    writeFile(in, "b.jsonl", 10, 25);
    writeFile(in, "c.jsonl", 25, 30);
    Path out = tmp.resolve("out");
    Path ckpt = tmp.resolve("ckpt");

    EmbedJob.Result first = run(args(in, out, ckpt));
    assertEquals(0, first.exitCode());
    assertEquals(3L, first.summary().get("micro_batches"));
    assertEquals(3, first.summary().get("files_processed"));
    assertEquals(30L, first.summary().get("rows_in"));
    assertEquals(30L, first.summary().get("rows_out"));
    assertTrue(Files.exists(out.resolve(EmbedJob.SUMMARY_FILE)));

    // Nothing new: nothing runs, nothing is written.
    EmbedJob.Result again = run(args(in, out, ckpt));
    assertEquals(0L, again.summary().get("micro_batches"));
    assertEquals(0L, again.summary().get("rows_out"));
    assertEquals(30L, again.summary().get("rows_out_total"));

    // A new file: only it.
    writeFile(in, "d.jsonl", 30, 42);
    EmbedJob.Result more = run(args(in, out, ckpt));
    assertEquals(1L, more.summary().get("micro_batches"));
    assertEquals(1, more.summary().get("files_processed"));
    assertEquals(12L, more.summary().get("rows_out"));
    assertEquals(42L, more.summary().get("rows_out_total"));

    // The same rows and vectors as the batch job.
    Path batch = tmp.resolve("batch");
    JobRuns.run(spark, JobRuns.demoJson(in, batch, "--progress-interval", "0"));
    Map<Long, List<Float>> expected = read(batch);
    Map<Long, List<Float>> got = read(out);
    assertEquals(expected.keySet(), got.keySet());
    for (Map.Entry<Long, List<Float>> e : expected.entrySet()) {
      assertArrayEquals(e.getValue().toArray(), got.get(e.getKey()).toArray(), "id " + e.getKey());
    }
  }

  @Test
  void aCheckpointMadeForAnotherRunIsRefused() throws Exception {
    Path in = tmp.resolve("in");
    writeFile(in, "a.jsonl", 0, 5);
    Path out = tmp.resolve("out");
    Path ckpt = tmp.resolve("ckpt");
    assertEquals(0, run(args(in, out, ckpt)).exitCode());

    JobException pooling =
        assertThrows(JobException.class, () -> run(args(in, out, ckpt, "--pooling", "mean")));
    assertEquals(JobException.USAGE, pooling.exitCode());
    assertTrue(
        pooling.getMessage().contains("was made for another run: --pooling was auto, now mean"),
        pooling.getMessage());

    Path otherOut = tmp.resolve("other-out");
    JobException output = assertThrows(JobException.class, () -> run(args(in, otherOut, ckpt)));
    assertTrue(output.getMessage().contains("--output was file:"), output.getMessage());

    Path otherIn = tmp.resolve("other-in");
    writeFile(otherIn, "x.jsonl", 0, 3);
    JobException input = assertThrows(JobException.class, () -> run(args(otherIn, out, ckpt)));
    assertTrue(input.getMessage().contains("--input was file:"), input.getMessage());

    JobException task =
        assertThrows(JobException.class, () -> run(args(in, out, ckpt, "--task", "fill-mask")));
    assertTrue(task.getMessage().contains("--task was embed, now fill-mask"), task.getMessage());

    // A new checkpoint over an output another checkpoint wrote, or over a batch output.
    JobException newCkpt =
        assertThrows(JobException.class, () -> run(args(in, out, tmp.resolve("ckpt2"))));
    assertTrue(
        newCkpt.getMessage().contains("holds the output of another --checkpoint run"),
        newCkpt.getMessage());
    Path batchOut = Files.createDirectories(tmp.resolve("batch-out"));
    JobException batch =
        assertThrows(JobException.class, () -> run(args(in, batchOut, tmp.resolve("ckpt3"))));
    assertTrue(
        batch.getMessage().contains("was not written with --checkpoint"), batch.getMessage());
    JobException mode =
        assertThrows(JobException.class, () -> run(args(in, out, ckpt, "--mode", "overwrite")));
    assertTrue(mode.getMessage().contains("does not apply with --checkpoint"), mode.getMessage());
  }

  @Test
  void progressLinesNameTheFractionDone() throws Exception {
    Path in = tmp.resolve("in");
    // enough work (4 micro-batches of 1,000 rows: one file each) to outlast the 1 s interval
    for (int f = 0; f < 4; f++) {
      writeFile(in, "part-" + f + ".jsonl", f * 1000, (f + 1) * 1000);
    }
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    List<String> a = args(in, tmp.resolve("out"), tmp.resolve("ckpt"));
    a.set(a.indexOf("--progress-interval") + 1, "1");
    JobRuns.run(
        spark, new PrintStream(buf, true, StandardCharsets.UTF_8), a.toArray(String[]::new));
    String s = buf.toString(StandardCharsets.UTF_8);
    assertTrue(s.contains("modernbert-embed: Spark UI disabled"), s);
    assertTrue(s.contains("modernbert-embed: progress: ") && s.contains("/4000 rows ("), s);
  }
}
