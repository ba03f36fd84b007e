package dev.modernbert.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.modernbert.encoder.EncoderOptions;
import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.pool.Pooling;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * EmbedJob submitted through spark-submit to a real standalone cluster (a Master and two 1-core
 * Workers on 127.0.0.1, started once for the class), with the shaded jobs jar.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EmbedJobClusterTest {
  static final int ROWS = 2400;
  static final Duration SUBMIT_TIMEOUT = Duration.ofMinutes(4);

  static SparkCluster cluster;
  static Path work;
  static Path input;
  static List<String> texts;
  static List<float[]> reference;
  static List<Integer> tokenCounts;
  static Map<Long, float[]> undisturbed;

  /** The job's options shared by the happy-path and executor-loss runs. */
  static List<String> jobArgs(Path output) {
    return List.of(
        "--input",
        input.toString(),
        "--output",
        output.toString(),
        "--output-format",
        "json",
        "--model",
        "demo",
        "--pooling",
        "mean",
        "--normalize",
        "--partitions",
        "16",
        "--sort-window-rows",
        "64");
  }

  @BeforeAll
  static void startCluster() throws Exception {
    work = SparkCluster.WORK.resolve("cluster-test");
    Data.deleteTree(work);
    Files.createDirectories(work);
    texts = Data.texts(ROWS, 40, 7L);
    input = work.resolve("input");
    Data.writeJsonl(input, texts, 4);
    cluster = SparkCluster.start(work.resolve("cluster"), 2);
    try (ModernBertEncoder enc =
        ModernBertEncoder.load("demo", EncoderOptions.defaults().withNumThreads(1))) {
      List<int[]> ids = new ArrayList<>();
      tokenCounts = new ArrayList<>();
      for (String t : texts) {
        int[] s = enc.tokenize(t).ids();
        ids.add(s);
        tokenCounts.add(s.length);
      }
      reference = enc.embed(ids, Pooling.MEAN, true);
    }
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  static void assertMatchesReference(Map<Long, float[]> got, String what) {
    assertEquals(ROWS, got.size(), what + ": rows");
    for (int i = 0; i < ROWS; i++) {
      float[] v = got.get((long) i);
      assertTrue(v != null, what + ": id " + i + " missing");
      float[] e = reference.get(i);
      assertEquals(e.length, v.length, what + ": dimension");
      for (int j = 0; j < e.length; j++) {
        if (Math.abs(e[j] - v[j]) > 1e-5) {
          throw new AssertionError(
              what + ": id " + i + " element " + j + " is " + v[j] + ", expected " + e[j]);
        }
      }
    }
  }

  @Test
  @Order(1)
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void happyPath() throws Exception {
    Path out = work.resolve("out-happy");
    SparkCluster.Submitted r = cluster.submit("happy", jobArgs(out), SUBMIT_TIMEOUT, null);
    assertEquals(0, r.exitCode(), "exit code; output:\n" + SparkCluster.tail(r.log()));
    assertTrue(Files.exists(out.resolve("_SUCCESS")));
    Map<Long, float[]> got = Data.byId(Data.readOutput(out)); // fails on duplicate ids
    assertMatchesReference(got, "happy path");
    undisturbed = got;

    JsonObject s = Data.summary(out);
    assertEquals("ok", s.get("status").getAsString());
    assertEquals(ROWS, s.get("rows_in").getAsLong());
    assertEquals(ROWS, s.get("rows_out").getAsLong());
    assertEquals(0, s.get("null_rows").getAsLong());
    assertEquals(0, s.get("truncated_rows").getAsLong());
    assertEquals(0, s.get("error_rows").getAsLong());
    long tokens = tokenCounts.stream().mapToLong(Integer::longValue).sum();
    assertEquals(tokens, s.get("tokens").getAsLong());
    assertTrue(s.get("padded_tokens").getAsLong() >= tokens);
    double ratio = s.get("padding_ratio").getAsDouble();
    assertTrue(ratio >= 0 && ratio < 1, "padding_ratio " + ratio);
    assertTrue(s.get("tokens_per_s").getAsDouble() > 0);
    assertTrue(s.get("wall_s").getAsDouble() > 0);
    assertEquals("json", s.get("input_format").getAsString());
    assertEquals(4, s.get("input_files").getAsInt());
    assertTrue(s.get("spark_master").getAsString().startsWith("spark://127.0.0.1:"));
    assertTrue(r.output().contains("==== modernbert embed summary ===="), r.output());

    // No --num-threads and no spark.executor.cores: each executor of a 1-core Worker must still
    // drive libtorch with 1 thread, not one per machine core (two such executors would
    // oversubscribe this machine's cores and run about ten times slower).
    List<String> loads = cluster.executorLogLines("libtorch intra-op threads:");
    assertFalse(loads.isEmpty(), "no executor logged its model load");
    for (String line : loads) {
      assertTrue(line.endsWith("libtorch intra-op threads: 1"), line);
    }
  }

  @Test
  @Order(2)
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void executorLossMidJob() throws Exception {
    Path out = work.resolve("out-executor-loss");
    AtomicBoolean killed = new AtomicBoolean();
    AtomicLong killedPid = new AtomicLong(-1);
    SparkCluster.Submitted r =
        cluster.submit(
            "executor-loss",
            jobArgs(out),
            SUBMIT_TIMEOUT,
            submit -> {
              // Wait until the write stage has task attempts under _temporary, then kill -9 one
              // executor JVM while the job runs.
              Path tmp = out.resolve("_temporary");
              long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
              while (submit.isAlive() && System.nanoTime() < deadline) {
                if (hasAttempts(tmp)) {
                  List<ProcessHandle> ex = cluster.executors();
                  if (!ex.isEmpty()) {
                    ProcessHandle victim = ex.get(0);
                    killedPid.set(victim.pid());
                    victim.destroyForcibly(); // SIGKILL
                    killed.set(submit.isAlive());
                    return;
                  }
                }
                try {
                  Thread.sleep(50);
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
    assertTrue(killed.get(), "no executor was killed while the job ran");
    assertEquals(0, r.exitCode(), "exit code; output:\n" + SparkCluster.tail(r.log()));
    assertTrue(Files.exists(out.resolve("_SUCCESS")));
    Map<Long, float[]> got = Data.byId(Data.readOutput(out)); // no duplicates
    assertMatchesReference(got, "after killing executor " + killedPid.get());
    if (undisturbed != null) {
      assertEquals(undisturbed.keySet(), got.keySet());
      for (Map.Entry<Long, float[]> e : undisturbed.entrySet()) {
        float[] a = e.getValue();
        float[] b = got.get(e.getKey());
        for (int j = 0; j < a.length; j++) {
          assertTrue(Math.abs(a[j] - b[j]) <= 1e-5, "id " + e.getKey() + " differs");
        }
      }
    }
    JsonObject s = Data.summary(out);
    assertEquals(ROWS, s.get("rows_in").getAsLong());
    assertEquals(ROWS, s.get("rows_out").getAsLong());
  }

  private static boolean hasAttempts(Path tmp) {
    if (!Files.isDirectory(tmp)) {
      return false;
    }
    try (Stream<Path> s = Files.walk(tmp, 4)) {
      return s.anyMatch(p -> p.getFileName().toString().startsWith("attempt_"));
    } catch (Exception e) {
      return false; // the committer moves things while we look
    }
  }

  private static void assertFailsNaming(String name, Path in, Path out, String... expected)
      throws Exception {
    SparkCluster.Submitted r =
        cluster.submit(
            name,
            List.of("--input", in.toString(), "--output", out.toString(), "--model", "demo"),
            SUBMIT_TIMEOUT,
            null);
    assertNotEquals(0, r.exitCode(), name + " should fail:\n" + SparkCluster.tail(r.log()));
    for (String e : expected) {
      assertTrue(
          r.output().contains(e),
          name
              + ": the output does not name the problem ("
              + e
              + "):\n"
              + SparkCluster.tail(r.log()));
    }
    assertFalse(Files.exists(out.resolve("_SUCCESS")), name + ": _SUCCESS left behind");
  }

  @Test
  @Order(3)
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void corruptParquet() throws Exception {
    Path in = Files.createDirectories(work.resolve("corrupt-parquet"));
    Files.write(
        in.resolve("part-00000.parquet"),
        "this is not a parquet file at all".getBytes(StandardCharsets.UTF_8));
    assertFailsNaming(
        "corrupt-parquet",
        in,
        work.resolve("out-corrupt"),
        "EmbedJob: ERROR: cannot read the input",
        "part-00000.parquet");
  }

  @Test
  @Order(4)
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void missingTextColumn() throws Exception {
    Path in = Files.createDirectories(work.resolve("missing-column"));
    Files.writeString(in.resolve("a.jsonl"), "{\"id\": 1, \"body\": \"hello\"}\n");
    assertFailsNaming(
        "missing-column",
        in,
        work.resolve("out-missing-column"),
        "input column \"text\" does not exist; the columns are [body, id]");
  }

  @Test
  @Order(5)
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void wrongTextColumnType() throws Exception {
    Path in = Files.createDirectories(work.resolve("wrong-type"));
    Files.writeString(in.resolve("a.jsonl"), "{\"id\": 1, \"text\": [1, 2]}\n");
    assertFailsNaming(
        "wrong-type",
        in,
        work.resolve("out-wrong-type"),
        "input column \"text\" must be of type string, but it is array<bigint>");
  }
}
