package dev.modernbert.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.modernbert.encoder.EncoderOptions;
import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.pool.Pooling;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code EmbedJob --checkpoint} through spark-submit on a real standalone cluster (a Master and two
 * 1-core Workers): the driver killed (SIGKILL of the spark-submit JVM, the driver in client mode)
 * in the middle of a micro-batch and the same command run again, an executor killed mid-run, files
 * added and the job run again, and checkpoints refused for another run. Outputs are read with Spark
 * (a local session here, which follows the file sink's {@code _spark_metadata} log) and compared
 * with an undisturbed run row by row, ids and vectors, and with the encoder in this JVM.
 */
class CheckpointClusterTest {
  static final int FILES = 12;
  static final int ROWS_PER_FILE = 60;
  static final int ROWS = FILES * ROWS_PER_FILE;
  static final int FILES_PER_TRIGGER = 2;
  static final int BATCHES = FILES / FILES_PER_TRIGGER;
  static final Duration SUBMIT_TIMEOUT = Duration.ofMinutes(4);

  static SparkCluster cluster;
  static SparkSession reader;
  static Path work;
  static Path input;

  /**
   * The undisturbed run's input: the same files as {@link #input}, then two more (growing test).
   */
  static Path growingInput;

  static List<String> texts;
  static List<float[]> reference;

  private static Map<Long, float[]> undisturbed;
  private static double undisturbedSeconds;

  static Path fileOf(Path dir, int f) {
    return dir.resolve(String.format("part-%02d.jsonl", f));
  }

  /** Files {@code from..to-1} of the texts, {@value #ROWS_PER_FILE} rows each, into {@code dir}. */
  static void writeFiles(Path dir, int from, int to) throws Exception {
    Files.createDirectories(dir);
    for (int f = from; f < to; f++) {
      StringBuilder sb = new StringBuilder();
      for (int i = f * ROWS_PER_FILE; i < (f + 1) * ROWS_PER_FILE; i++) {
        JsonObject o = new JsonObject();
        o.addProperty("id", (long) i);
        o.addProperty("text", texts.get(i));
        sb.append(o).append('\n');
      }
      // written aside and moved in, as a producer should, so the source never sees half a file
      Path tmp = dir.resolveSibling("." + dir.getFileName() + "-" + f + ".tmp");
      Files.writeString(tmp, sb);
      Files.move(tmp, fileOf(dir, f));
    }
  }

  static List<String> jobArgs(Path in, Path output, Path checkpoint, String... more) {
    List<String> a =
        new ArrayList<>(
            List.of(
                "--input",
                in.toString(),
                "--output",
                output.toString(),
                "--checkpoint",
                checkpoint.toString(),
                "--max-files-per-trigger",
                String.valueOf(FILES_PER_TRIGGER),
                "--output-format",
                "json",
                "--model",
                "demo",
                "--pooling",
                "mean",
                "--normalize",
                "--sort-window-rows",
                "64",
                "--progress-interval",
                "5"));
    a.addAll(List.of(more));
    return a;
  }

  @BeforeAll
  static void startCluster() throws Exception {
    work = SparkCluster.WORK.resolve("checkpoint-test");
    Data.deleteTree(work);
    Files.createDirectories(work);
    texts = Data.texts(ROWS + 2 * ROWS_PER_FILE, 40, 19L);
    input = work.resolve("input");
    writeFiles(input, 0, FILES);
    growingInput = work.resolve("input-growing");
    writeFiles(growingInput, 0, FILES);
    cluster = SparkCluster.start(work.resolve("cluster"), 2);
    try (ModernBertEncoder enc =
        ModernBertEncoder.load("demo", EncoderOptions.defaults().withNumThreads(1))) {
      List<int[]> ids = new ArrayList<>();
      for (String t : texts) {
        ids.add(enc.tokenize(t).ids());
      }
      reference = enc.embed(ids, Pooling.MEAN, true);
    }
    reader =
        SparkSession.builder()
            .master("local[1]")
            .appName("checkpoint-test-reader")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .getOrCreate();
    reader.sparkContext().setLogLevel("ERROR");
  }

  @AfterAll
  static void stop() {
    if (reader != null) {
      reader.stop();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  /** The output as Spark reads it (through the sink's log): vectors by id; fails on duplicates. */
  static Map<Long, float[]> readWithSpark(Path out) {
    Map<Long, float[]> m = new HashMap<>();
    for (Row r : reader.read().json(out.toString()).select("id", "embedding").collectAsList()) {
      List<Object> a = r.getList(1);
      float[] v = new float[a.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = ((Number) a.get(i)).floatValue();
      }
      if (m.put(r.getLong(0), v) != null) {
        throw new AssertionError("id " + r.getLong(0) + " twice in " + out);
      }
    }
    return m;
  }

  static void assertMatchesReference(Map<Long, float[]> got, int rows, String what) {
    assertEquals(rows, got.size(), what + ": rows");
    for (int i = 0; i < rows; i++) {
      float[] v = got.get((long) i);
      assertTrue(v != null, what + ": id " + i + " missing");
      float[] e = reference.get(i);
      for (int j = 0; j < e.length; j++) {
        if (Math.abs(e[j] - v[j]) > 1e-5) {
          throw new AssertionError(what + ": id " + i + " element " + j + " differs");
        }
      }
    }
  }

  /** The same ids with the same vectors, exactly (the job is deterministic). */
  static void assertSameRows(Map<Long, float[]> expected, Map<Long, float[]> got, String what) {
    assertEquals(expected.keySet(), got.keySet(), what + ": ids");
    for (Map.Entry<Long, float[]> e : expected.entrySet()) {
      assertArrayEquals(e.getValue(), got.get(e.getKey()), what + ": id " + e.getKey());
    }
  }

  static SparkCluster.Submitted submit(String name, List<String> args) throws Exception {
    return cluster.submit(name, args, SUBMIT_TIMEOUT, null);
  }

  static void assertOk(SparkCluster.Submitted r, String what) throws Exception {
    assertEquals(0, r.exitCode(), what + ": exit code; output:\n" + SparkCluster.tail(r.log()));
  }

  static List<String> undisturbedArgs() {
    return jobArgs(growingInput, work.resolve("out-undisturbed"), work.resolve("ckpt-undisturbed"));
  }

  /**
   * The undisturbed run over the first {@value #FILES} files, once for the class (whichever test
   * asks first); the growing test then adds files and runs the same command again.
   */
  static synchronized Map<Long, float[]> undisturbed() throws Exception {
    if (undisturbed == null) {
      Path out = work.resolve("out-undisturbed");
      long t = System.nanoTime();
      SparkCluster.Submitted r = submit("ckpt-undisturbed", undisturbedArgs());
      undisturbedSeconds = (System.nanoTime() - t) / 1e9;
      assertOk(r, "undisturbed run");
      JsonObject s = Data.summary(out);
      assertEquals(BATCHES, s.get("micro_batches").getAsLong());
      assertEquals(FILES, s.get("files_processed").getAsInt());
      assertEquals(ROWS, s.get("rows_in").getAsLong());
      assertEquals(ROWS, s.get("rows_out").getAsLong());
      assertTrue(
          r.output().contains("modernbert-embed: progress: "), "no progress line:\n" + r.output());
      Map<Long, float[]> got = readWithSpark(out);
      assertMatchesReference(got, ROWS, "undisturbed run");
      undisturbed = got;
    }
    return undisturbed;
  }

  /** Committed micro-batches of a checkpoint (its commits/N files). */
  static int committed(Path checkpoint) {
    Path commits = checkpoint.resolve("commits");
    if (!Files.isDirectory(commits)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(commits)) {
      return (int) s.filter(p -> p.getFileName().toString().matches("\\d+")).count();
    } catch (java.io.IOException e) {
      return 0;
    }
  }

  static boolean planned(Path checkpoint, int batch) {
    return Files.exists(checkpoint.resolve("offsets").resolve(String.valueOf(batch)));
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void driverKilledMidRunThenResumed() throws Exception {
    Map<Long, float[]> expected = undisturbed();
    Path out = work.resolve("out-driver-kill");
    Path ckpt = work.resolve("ckpt-driver-kill");
    List<String> args = jobArgs(input, out, ckpt);
    int half = BATCHES / 2;
    AtomicReference<String> killedAt = new AtomicReference<>();
    long t = System.nanoTime();
    SparkCluster.Submitted killed =
        cluster.submit(
            "ckpt-driver-kill",
            args,
            SUBMIT_TIMEOUT,
            // Half the micro-batches committed and the next one planned (running): SIGKILL.
            once(
                () -> committed(ckpt) >= half && planned(ckpt, half),
                submit -> {
                  killedAt.set(committed(ckpt) + " of " + BATCHES + " micro-batches committed");
                  submit.destroyForcibly();
                  return true;
                }));
    double killedSeconds = (System.nanoTime() - t) / 1e9;
    assertTrue(
        killedAt.get() != null,
        "the driver was not killed mid-run:\n" + SparkCluster.tail(killed.log()));
    assertEquals(128 + 9, killed.exitCode(), "the killed run's exit code: 128 + SIGKILL");
    int before = committed(ckpt);
    assertTrue(before < BATCHES, "all micro-batches were committed before the kill");

    t = System.nanoTime();
    SparkCluster.Submitted resumed = submit("ckpt-driver-resume", args);
    double resumedSeconds = (System.nanoTime() - t) / 1e9;
    assertOk(resumed, "resumed run");
    JsonObject s = Data.summary(out);
    assertEquals(ROWS - before * FILES_PER_TRIGGER * ROWS_PER_FILE, s.get("rows_out").getAsLong());
    assertEquals(FILES - before * FILES_PER_TRIGGER, s.get("files_processed").getAsInt());
    assertEquals(BATCHES - before, s.get("micro_batches").getAsLong());
    assertEquals(ROWS, s.get("rows_out_total").getAsLong());
    assertSameRows(expected, readWithSpark(out), "killed at " + killedAt.get() + ", resumed");
    System.out.printf(
        "driverKilledMidRunThenResumed: killed when %s after %.1f s, resumed run %.1f s (%d"
            + " micro-batches), total %.1f s; undisturbed run %.1f s; %d rows, identical%n",
        killedAt.get(),
        killedSeconds,
        resumedSeconds,
        s.get("micro_batches").getAsLong(),
        killedSeconds + resumedSeconds,
        undisturbedSeconds,
        ROWS);
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void executorKilledMidRun() throws Exception {
    Map<Long, float[]> expected = undisturbed();
    Path out = work.resolve("out-executor-kill");
    Path ckpt = work.resolve("ckpt-executor-kill");
    AtomicReference<String> killedAt = new AtomicReference<>();
    SparkCluster.Submitted r =
        cluster.submit(
            "ckpt-executor-kill",
            jobArgs(input, out, ckpt),
            SUBMIT_TIMEOUT,
            // Some micro-batches committed, more to come: SIGKILL of an executor.
            once(
                () -> committed(ckpt) >= 1 && committed(ckpt) < BATCHES - 1,
                submit -> {
                  Optional<ProcessHandle> victim = cluster.executors().stream().findFirst();
                  victim.ifPresent(
                      v -> {
                        killedAt.set(
                            "executor pid " + v.pid() + " at " + committed(ckpt) + " committed");
                        v.destroyForcibly();
                      });
                  return victim.isPresent();
                }));
    assertTrue(
        killedAt.get() != null, "no executor was killed mid-run:\n" + SparkCluster.tail(r.log()));
    assertOk(r, "run with an executor killed (" + killedAt.get() + ")");
    assertEquals(ROWS, Data.summary(out).get("rows_out").getAsLong());
    assertSameRows(expected, readWithSpark(out), "executor killed: " + killedAt.get());
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void addedFilesOnlyAreProcessedByTheNextRun() throws Exception {
    Map<Long, float[]> expected = undisturbed(); // its first run
    Path out = work.resolve("out-undisturbed");
    writeFiles(growingInput, FILES, FILES + 2);
    SparkCluster.Submitted second = submit("ckpt-growing", undisturbedArgs());
    assertOk(second, "second run");
    JsonObject s = Data.summary(out);
    assertEquals(2, s.get("files_processed").getAsInt());
    assertEquals(1, s.get("micro_batches").getAsLong());
    assertEquals(2 * ROWS_PER_FILE, s.get("rows_in").getAsLong());
    assertEquals(2 * ROWS_PER_FILE, s.get("rows_out").getAsLong());
    assertEquals(ROWS + 2 * ROWS_PER_FILE, s.get("rows_out_total").getAsLong());
    Map<Long, float[]> got = readWithSpark(out);
    assertMatchesReference(got, ROWS + 2 * ROWS_PER_FILE, "after the added files");
    for (Map.Entry<Long, float[]> e : expected.entrySet()) {
      assertArrayEquals(e.getValue(), got.get(e.getKey()), "id " + e.getKey() + " rewritten");
    }

    // The checkpoint with other output options (another pooling) is refused, naming the option,
    // before anything runs.
    List<String> otherPooling = new ArrayList<>(undisturbedArgs());
    otherPooling.addAll(List.of("--pooling", "cls"));
    SparkCluster.Submitted other = submit("ckpt-mismatch", otherPooling);
    assertEquals(2, other.exitCode(), SparkCluster.tail(other.log()));
    assertTrue(
        other.output().contains("was made for another run: --pooling was mean, now cls"),
        SparkCluster.tail(other.log()));
    assertEquals(ROWS + 2 * ROWS_PER_FILE, readWithSpark(out).size(), "the output changed");
  }

  /**
   * While spark-submit runs: polls {@code ready} every 20 ms and, when it holds, calls {@code act}
   * until that reports it acted.
   */
  static Consumer<Process> once(BooleanSupplier ready, Predicate<Process> act) {
    return submit -> {
      try {
        while (submit.isAlive()) {
          if (ready.getAsBoolean() && act.test(submit)) {
            return;
          }
          Thread.sleep(20);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
  }
}
