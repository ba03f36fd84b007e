package dev.modernbert.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
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
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * EmbedJob submitted through spark-submit to a real standalone cluster (a Master and two 1-core
 * Workers on 127.0.0.1, started once for the class), with the shaded jobs jar. The tests run in any
 * order and each alone: the undisturbed run that the executor-loss test compares with is a shared
 * fixture, run by whichever test needs it first.
 */
class EmbedJobClusterTest {
  static final int ROWS = 2400;
  static final int PARTITIONS = 16;
  static final Duration SUBMIT_TIMEOUT = Duration.ofMinutes(4);

  static SparkCluster cluster;
  static Path work;
  static Path input;
  static List<String> texts;
  static List<float[]> reference;
  static List<Integer> tokenCounts;

  /** The undisturbed run (the happy path's), once for the class: its result or its failure. */
  private static SparkCluster.Submitted undisturbedRun;

  private static Throwable undisturbedFailure;

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
        String.valueOf(PARTITIONS),
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

  static Path undisturbedOutput() {
    return work.resolve("out-happy");
  }

  /**
   * The undisturbed run of {@link #jobArgs}: submitted by the first test that asks, then the same
   * result for every test of the class (a failed or interrupted submission is not retried: every
   * test that needs it fails with its cause).
   */
  static synchronized SparkCluster.Submitted undisturbedRun() {
    if (undisturbedRun == null && undisturbedFailure == null) {
      try {
        undisturbedRun =
            cluster.submit("happy", jobArgs(undisturbedOutput()), SUBMIT_TIMEOUT, null);
      } catch (Throwable t) {
        undisturbedFailure = t;
      }
    }
    if (undisturbedFailure != null) {
      throw new AssertionError(
          "the undisturbed run (spark-submit happy) failed: " + undisturbedFailure,
          undisturbedFailure);
    }
    return undisturbedRun;
  }

  /** The undisturbed run's output by id, after checking that it succeeded. */
  static Map<Long, float[]> undisturbed() throws Exception {
    SparkCluster.Submitted r = undisturbedRun();
    Path out = undisturbedOutput();
    assertEquals(
        0, r.exitCode(), "undisturbed run: exit code; output:\n" + SparkCluster.tail(r.log()));
    assertTrue(Files.exists(out.resolve("_SUCCESS")), "undisturbed run: no _SUCCESS");
    return Data.byId(Data.readOutput(out)); // fails on duplicate ids
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
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void happyPath() throws Exception {
    Path out = undisturbedOutput();
    SparkCluster.Submitted r = undisturbedRun();
    assertEquals(0, r.exitCode(), "exit code; output:\n" + SparkCluster.tail(r.log()));
    assertTrue(Files.exists(out.resolve("_SUCCESS")));
    Map<Long, float[]> got = undisturbed(); // fails on duplicate ids
    assertMatchesReference(got, "happy path");

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

  /**
   * Kills one executor JVM (SIGKILL) in the middle of the write stage: the job must still succeed
   * with exactly the undisturbed run's rows and vectors. The moment is taken from the driver's REST
   * API, not from timing: the write stage (the {@value #PARTITIONS}-task stage of the save job) is
   * running, at least {@value #MIN_DONE} of its tasks have committed, at least {@value #MIN_LEFT}
   * have not started, and the victim runs one of its tasks. The test fails (it is not skipped) when
   * that moment never came or the driver did not see the executor lost.
   */
  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void executorLossMidJob() throws Exception {
    Map<Long, float[]> undisturbed = undisturbed(); // the comparison is never skipped
    Path out = work.resolve("out-executor-loss");
    int uiPort = SparkCluster.freePort();
    KillMidStage killer = new KillMidStage(new SparkCluster.DriverApi(uiPort));
    SparkCluster.Submitted r =
        cluster.submit(
            "executor-loss", jobArgs(out), SUBMIT_TIMEOUT, SparkCluster.uiConf(uiPort), killer);
    System.out.println("executorLossMidJob: " + killer.report());
    assertTrue(
        killer.killed.get(),
        "no executor was killed in the middle of the write stage while the job ran; "
            + killer.report()
            + "\nspark-submit output:\n"
            + SparkCluster.tail(r.log()));
    assertTrue(
        Pattern.compile("Lost (an )?executor " + Pattern.quote(killer.executorId) + "\\b")
            .matcher(r.output())
            .find(),
        "the driver did not report executor "
            + killer.executorId
            + " lost; "
            + killer.report()
            + "\nspark-submit output:\n"
            + SparkCluster.tail(r.log()));
    assertEquals(0, r.exitCode(), "exit code; output:\n" + SparkCluster.tail(r.log()));
    assertTrue(Files.exists(out.resolve("_SUCCESS")));
    Map<Long, float[]> got = Data.byId(Data.readOutput(out)); // no duplicates
    assertMatchesReference(got, "after killing executor " + killer.describe());
    assertEquals(undisturbed.keySet(), got.keySet());
    for (Map.Entry<Long, float[]> e : undisturbed.entrySet()) {
      float[] a = e.getValue();
      float[] b = got.get(e.getKey());
      for (int j = 0; j < a.length; j++) {
        assertTrue(Math.abs(a[j] - b[j]) <= 1e-5, "id " + e.getKey() + " differs");
      }
    }
    JsonObject s = Data.summary(out);
    assertEquals(ROWS, s.get("rows_in").getAsLong());
    assertEquals(ROWS, s.get("rows_out").getAsLong());
  }

  /** Tasks of the write stage that must have finished before the kill. */
  static final int MIN_DONE = 2;

  /** Tasks of the write stage that must not have started yet at the kill. */
  static final int MIN_LEFT = 2;

  /**
   * Watches the driver's REST API while spark-submit runs and kills an executor that runs a task of
   * the write stage once that stage is well under way and far from done (see {@link
   * #executorLossMidJob}).
   */
  static final class KillMidStage implements Consumer<Process> {
    final SparkCluster.DriverApi api;
    final AtomicBoolean killed = new AtomicBoolean();
    volatile String appId;
    volatile String executorId = "?";
    volatile long pid = -1;
    volatile String atKill = "";
    volatile String lastSeen = "the driver's REST API never answered";

    KillMidStage(SparkCluster.DriverApi api) {
      this.api = api;
    }

    String describe() {
      return executorId + " (pid " + pid + ")";
    }

    String report() {
      return killed.get()
          ? "killed executor " + describe() + " when " + atKill
          : "last seen: " + lastSeen;
    }

    @Override
    public void accept(Process submit) {
      try {
        while (submit.isAlive()) {
          if (poll(submit)) {
            return;
          }
          Thread.sleep(50);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    /** One look at the driver; true once it killed (or cannot kill any more). */
    private boolean poll(Process submit) throws InterruptedException {
      if (appId == null) {
        Optional<JsonElement> apps = api.get("applications");
        if (apps.isEmpty() || apps.get().getAsJsonArray().isEmpty()) {
          return false;
        }
        appId = apps.get().getAsJsonArray().get(0).getAsJsonObject().get("id").getAsString();
      }
      Optional<JsonElement> stages = api.get("applications/" + appId + "/stages");
      if (stages.isEmpty()) {
        return false;
      }
      JsonObject write = null;
      List<String> seen = new ArrayList<>();
      for (JsonElement e : stages.get().getAsJsonArray()) {
        JsonObject st = e.getAsJsonObject();
        String name = st.has("name") ? st.get("name").getAsString() : "";
        seen.add(
            st.get("stageId").getAsInt()
                + "."
                + st.get("attemptId").getAsInt()
                + " \""
                + name
                + "\" "
                + st.get("status").getAsString()
                + " "
                + st.get("numCompleteTasks").getAsInt()
                + "+"
                + st.get("numActiveTasks").getAsInt()
                + "/"
                + st.get("numTasks").getAsInt());
        if (st.get("status").getAsString().equals("ACTIVE")
            && name.startsWith("save at ")
            && st.get("numTasks").getAsInt() == PARTITIONS) {
          write = st;
        }
      }
      lastSeen = "stages (done+running/tasks) " + seen;
      if (write == null) {
        return false;
      }
      int done = write.get("numCompleteTasks").getAsInt();
      int running = write.get("numActiveTasks").getAsInt();
      int left = write.get("numTasks").getAsInt() - done - running;
      if (done < MIN_DONE || left < MIN_LEFT) {
        return false;
      }
      Optional<JsonElement> executors = api.get("applications/" + appId + "/executors");
      if (executors.isEmpty()) {
        return false;
      }
      for (JsonElement e : executors.get().getAsJsonArray()) {
        JsonObject ex = e.getAsJsonObject();
        String id = ex.get("id").getAsString();
        if (id.equals("driver")
            || !ex.get("isActive").getAsBoolean()
            || ex.get("activeTasks").getAsInt() < 1) {
          continue;
        }
        Optional<ProcessHandle> victim = cluster.executor(appId, id);
        if (victim.isEmpty()) {
          continue;
        }
        executorId = id;
        pid = victim.get().pid();
        atKill =
            "stage "
                + write.get("stageId").getAsInt()
                + " ("
                + write.get("name").getAsString()
                + ") had "
                + done
                + " of "
                + write.get("numTasks").getAsInt()
                + " tasks done, "
                + running
                + " running, "
                + left
                + " not started, and executor "
                + id
                + " ran "
                + ex.get("activeTasks").getAsInt();
        victim.get().destroyForcibly(); // SIGKILL
        killed.set(submit.isAlive());
        if (!killed.get()) {
          lastSeen = "spark-submit had exited when executor " + describe() + " was killed";
        }
        return true;
      }
      return false;
    }
  }

  /**
   * Runs the job on {@code in}: it must exit with {@code exitCode}, name each of {@code expected}.
   */
  private static void assertFailsNaming(
      String name, int exitCode, Path in, Path out, String... expected) throws Exception {
    SparkCluster.Submitted r =
        cluster.submit(
            name,
            List.of("--input", in.toString(), "--output", out.toString(), "--model", "demo"),
            SUBMIT_TIMEOUT,
            null);
    assertEquals(
        exitCode, r.exitCode(), name + ": exit code; output:\n" + SparkCluster.tail(r.log()));
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
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void corruptParquet() throws Exception {
    Path in = Files.createDirectories(work.resolve("corrupt-parquet"));
    Files.write(
        in.resolve("part-00000.parquet"),
        "this is not a parquet file at all".getBytes(StandardCharsets.UTF_8));
    assertFailsNaming(
        "corrupt-parquet",
        1, // read failure while running (EmbedJob.read)
        in,
        work.resolve("out-corrupt"),
        "modernbert-embed: ERROR: cannot read the input",
        "part-00000.parquet");
  }

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void missingTextColumn() throws Exception {
    Path in = Files.createDirectories(work.resolve("missing-column"));
    Files.writeString(in.resolve("a.jsonl"), "{\"id\": 1, \"body\": \"hello\"}\n");
    assertFailsNaming(
        "missing-column",
        2, // bad input: transformSchema refuses it before anything runs
        in,
        work.resolve("out-missing-column"),
        "input column \"text\" does not exist; the columns are [body, id]");
  }

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void wrongTextColumnType() throws Exception {
    Path in = Files.createDirectories(work.resolve("wrong-type"));
    Files.writeString(in.resolve("a.jsonl"), "{\"id\": 1, \"text\": [1, 2]}\n");
    assertFailsNaming(
        "wrong-type",
        2, // bad input: the JSON line check (--bad-input fail)
        in,
        work.resolve("out-wrong-type"),
        "1 bad JSON line",
        "\"text\" is a list, not a string"); // JSON input is checked line by line (--bad-input)
  }
}
