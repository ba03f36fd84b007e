package dev.modernbert.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** EmbedJob in a local[1] session: validation errors, and a small run with its summary. */
class EmbedJobTest {
  static SparkSession spark;
  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    spark = LocalSpark.start("embed-job-test");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private Path jsonl(String name, String... lines) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve(name));
    Files.writeString(dir.resolve("part-0.jsonl"), String.join("\n", lines) + "\n");
    return dir;
  }

  private JobException fails(String... args) {
    return assertThrows(JobException.class, () -> JobRuns.run(spark, args));
  }

  @Test
  void smallRunWritesOutputAndSummary() throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      lines.add(
          "{\"id\": " + i + ", \"text\": \"row number " + i + " of the test\", \"k\": " + i + "}");
    }
    lines.add("{\"id\": 40, \"text\": null, \"k\": 40}");
    Path in = jsonl("small", lines.toArray(new String[0]));
    Path out = tmp.resolve("out");
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    EmbedJob.Result r =
        JobRuns.run(
            spark,
            new PrintStream(buf, true, StandardCharsets.UTF_8),
            JobRuns.demoJson(
                in, out, "--keep-cols", "k", "--pooling", "mean", "--partitions", "3"));
    assertEquals(0, r.exitCode());
    assertTrue(Files.exists(out.resolve("_SUCCESS")));
    JsonObject s =
        JsonParser.parseString(Files.readString(out.resolve(EmbedJob.SUMMARY_FILE)))
            .getAsJsonObject();
    assertEquals(41, s.get("rows_in").getAsLong());
    assertEquals(41, s.get("rows_out").getAsLong());
    assertEquals(1, s.get("null_rows").getAsLong());
    assertEquals(0, s.get("error_rows").getAsLong());
    assertTrue(s.get("tokens").getAsLong() > 40);
    assertTrue(s.get("tokens_per_s").getAsDouble() > 0);
    assertTrue(buf.toString(StandardCharsets.UTF_8).contains("rows_out         41"));
    // Output rows: id, k, embedding; no text.
    JsonObject row = JobRuns.partRows(out).get(0);
    assertTrue(row.has("id") && row.has("k") && row.has("embedding"), row.toString());
    assertFalse(row.has("text"));

    // --mode error on the existing output: refused before anything runs.
    JobException e = fails(JobRuns.flags(in, out, "demo"));
    assertTrue(e.getMessage().contains("already exists"), e.getMessage());
    assertEquals(JobException.USAGE, e.exitCode());
  }

  @Test
  void longTextChunksBecomeRowsAndTheRowCheckCountsInputRows() throws Exception {
    List<String> lines = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 12; i++) {
      text.append("row ").append(i).append(" of a long test text with many words in it. ");
      lines.add("{\"id\": " + i + ", \"text\": \"" + text + "\"}");
    }
    lines.add("{\"id\": 12, \"text\": null}");
    Path in = jsonl("long", lines.toArray(new String[0]));
    Path out = tmp.resolve("long-out");
    EmbedJob.Result r =
        JobRuns.run(
            spark,
            JobRuns.demoJson(
                in, out, "--long-text", "chunk", "--window-tokens", "24", "--window-overlap", "4"));
    assertEquals(0, r.exitCode(), "every input row has its first chunk (or its null row)");
    JsonObject s =
        JsonParser.parseString(Files.readString(out.resolve(EmbedJob.SUMMARY_FILE)))
            .getAsJsonObject();
    assertEquals(13, s.get("rows_in").getAsLong());
    assertEquals(13, s.get("rows_out").getAsLong());
    assertEquals(12, s.get("chunked_rows").getAsLong());
    long chunks = s.get("chunks").getAsLong();
    assertTrue(chunks > 12, "long texts give several chunks: " + chunks);
    List<JsonObject> rows = JobRuns.partRows(out);
    assertEquals(chunks + 1, rows.size(), "one row per chunk, plus the null text's row");
    JsonObject first = rows.stream().filter(o -> o.has("chunk_index")).findFirst().get();
    assertTrue(
        first.has("id")
            && first.has("char_start")
            && first.has("char_end")
            && first.has("embedding"),
        first.toString());
  }

  @Test
  void missingInput() {
    JobException e = fails(JobRuns.flags(tmp.resolve("nope"), tmp.resolve("o"), "demo"));
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    e =
        fails(
            "--input",
            tmp + "/*.jsonl",
            "--output",
            tmp.resolve("o").toString(),
            "--model",
            "demo");
    assertTrue(e.getMessage().contains("no files match"), e.getMessage());
    assertFalse(Files.exists(tmp.resolve("o")));
  }

  @Test
  void missingAndWrongTypedTextColumn() throws Exception {
    Path body = jsonl("body", "{\"id\": 1, \"body\": \"hello\"}");
    JobException e = fails(JobRuns.flags(body, tmp.resolve("o1"), "demo"));
    assertTrue(e.getMessage().contains("input column \"text\" does not exist"), e.getMessage());
    Path num = jsonl("num", "{\"id\": 1, \"text\": 42}");
    e = fails(JobRuns.flags(num, tmp.resolve("o2"), "demo"));
    // A number in the text column is a bad line (JSON input is checked line by line), exit 2.
    assertTrue(e.getMessage().contains("\"text\" is a number, not a string"), e.getMessage());
    assertEquals(JobException.USAGE, e.exitCode());
    e = fails(JobRuns.flags(body, tmp.resolve("o3"), "demo", "--id-col", "key"));
    assertTrue(e.getMessage().contains("column \"key\" (--id-col) does not exist"), e.getMessage());
    assertFalse(Files.exists(tmp.resolve("o1")));
    assertFalse(Files.exists(tmp.resolve("o2")));
  }

  @Test
  void badModelPathAndTask() throws Exception {
    Path in = jsonl("in", "{\"id\": 1, \"text\": \"hello\"}");
    JobException e = fails(JobRuns.flags(in, tmp.resolve("o"), tmp.resolve("no-model").toString()));
    assertTrue(e.getMessage().contains("the model path does not exist"), e.getMessage());
    e = fails(JobRuns.flags(in, tmp.resolve("o"), "file://" + tmp.resolve("no-model")));
    assertTrue(e.getMessage().contains("the model path does not exist"), e.getMessage());
    e = fails(JobRuns.flags(in, tmp.resolve("o"), in.toString()));
    assertTrue(e.getMessage().contains("no config.json"), e.getMessage());
    e = fails(JobRuns.flags(in, tmp.resolve("o"), "demo", "--task", "translate"));
    assertTrue(e.getMessage().contains("--task translate is not known"), e.getMessage());
    e = fails(JobRuns.flags(in, tmp.resolve("o"), "demo", "--pooling", "median"));
    assertTrue(e.getMessage().contains("bad option value"), e.getMessage());
    assertFalse(Files.exists(tmp.resolve("o")));
  }

  @Test
  void usageListsEveryOption() {
    String u = EmbedJob.usage();
    for (JobOptions.Spec s : JobOptions.SPECS) {
      assertTrue(u.contains("--" + s.name()), s.name());
    }
  }

  @Test
  void aHubIdThatIsNotCachedOfflineIsAUsageErrorBeforeAnythingRuns() throws Exception {
    Path in = jsonl("hub-in", "{\"id\": 1, \"text\": \"hello\"}");
    System.setProperty("HF_HUB_OFFLINE", "1");
    System.setProperty("HF_HUB_CACHE", tmp.resolve("empty-hf-cache").toString());
    try {
      String out = tmp.resolve("o-hub").toString();
      JobException e =
          fails("--model", "org/not-cached", "--input", in.toString(), "--output", out);
      assertEquals(JobException.USAGE, e.exitCode());
      assertTrue(e.getMessage().contains("no local folder org/not-cached"), e.getMessage());
      assertTrue(e.getMessage().contains("org/not-cached@main"), e.getMessage());
      assertTrue(e.getMessage().contains("HF_HUB_OFFLINE"), e.getMessage());
      assertFalse(Files.exists(tmp.resolve("o-hub")));
    } finally {
      System.clearProperty("HF_HUB_OFFLINE");
      System.clearProperty("HF_HUB_CACHE");
    }
  }

  @Test
  void anOutputThatIsTheInputIsRefusedBeforeAnythingIsDeleted() throws Exception {
    Path in = jsonl("same", "{\"id\": 1, \"text\": \"hello\"}");
    JobException e =
        fails(JobRuns.flags(in, in, "demo", "--output-format", "json", "--mode", "overwrite"));
    assertEquals(JobException.USAGE, e.exitCode());
    assertTrue(
        e.getMessage().contains("--output " + in + " is also --input " + in), e.getMessage());
    assertTrue(Files.exists(in.resolve("part-0.jsonl")), "the input is still there");
    // A folder above the input, in overwrite mode, too.
    e = fails(JobRuns.flags(in, tmp, "demo", "--mode", "overwrite"));
    assertTrue(e.getMessage().contains("contains --input"), e.getMessage());
    assertTrue(Files.exists(in.resolve("part-0.jsonl")), "the input is still there");
    // --checkpoint: the same folder as the output.
    String out = tmp.resolve("ck-out").toString();
    e = fails("--input", in.toString(), "--output", out, "--model", "demo", "--checkpoint", out);
    assertTrue(
        e.getMessage().contains("--checkpoint " + out + " is also --output"), e.getMessage());
  }

  @Test
  void promptOptionsAreCheckedOnTheDriverBeforeAnythingRuns() throws Exception {
    // --prompt with --prompt-name: refused before even the input is looked at.
    JobException e =
        fails(
            JobRuns.flags(
                tmp.resolve("none"),
                tmp.resolve("o"),
                "demo",
                "--prompt",
                "q: ",
                "--prompt-name",
                "query"));
    assertEquals(JobException.USAGE, e.exitCode());
    assertTrue(e.getMessage().contains("exclude each other"), e.getMessage());
    // An unknown prompt name of a local folder: exit 2 on the driver, listing the names.
    Path in = jsonl("prompt-in", "{\"id\": 1, \"text\": \"hello\"}");
    String model =
        dev.modernbert.encoder.testing.Golden.resource("golden/st-mean-normalize").toString();
    e = fails(JobRuns.flags(in, tmp.resolve("o"), model, "--prompt-name", "nope"));
    assertEquals(JobException.USAGE, e.exitCode());
    assertTrue(e.getMessage().contains("unknown prompt name \"nope\""), e.getMessage());
    assertTrue(e.getMessage().contains("query, document"), e.getMessage());
    assertFalse(Files.exists(tmp.resolve("o")));
  }

  @Test
  void aCheckpointTheLoaderRefusesIsBadInputFoundOnTheDriver() throws Exception {
    Path in = jsonl("pickle-in", "{\"id\": 1, \"text\": \"hello\"}");
    Path model = Files.createDirectories(tmp.resolve("malicious-model"));
    Files.copy(
        dev.modernbert.encoder.testing.Golden.resource("golden/pytorch-bin/config.json"),
        model.resolve("config.json"));
    Files.copy(
        dev.modernbert.encoder.testing.Golden.resource("golden/malicious/pytorch_model.bin"),
        model.resolve("pytorch_model.bin"));
    for (String task : List.of("embed", "fill-mask")) {
      JobException e =
          fails(JobRuns.flags(in, tmp.resolve("o-" + task), model.toString(), "--task", task));
      assertEquals(JobException.USAGE, e.exitCode(), e.getMessage());
      assertTrue(e.getMessage().contains("names the global os.system"), e.getMessage());
      assertFalse(Files.exists(tmp.resolve("o-" + task)));
    }
  }

  @Test
  void badJsonLinesFailTheJobByDefaultAndAreSkippedAndCountedOnRequest() throws Exception {
    Path in =
        jsonl(
            "bad-lines",
            "{\"id\": 1, \"text\": \"good\"}",
            "{\"id\": 2, \"text\": \"unterminated",
            "[1,2]",
            "{\"id\": 3, \"text\": 5}",
            "{\"id\": 4, \"text\": \"also good\"}");
    Path out = tmp.resolve("bad-out");
    JobException e = fails(JobRuns.flags(in, out, "demo"));
    assertEquals(JobException.USAGE, e.exitCode());
    String m = e.getMessage();
    assertTrue(m.contains("3 bad JSON lines; the first: "), m);
    assertTrue(m.contains("part-0.jsonl: {\"id\": 2, \"text\": \"unterminated: not valid JSON"), m);
    assertTrue(m.contains("[1,2]: a JSON list, not an object"), m);
    assertTrue(m.contains("\"text\" is a number, not a string"), m);
    assertTrue(m.contains("--bad-input skip"), m);
    assertFalse(Files.exists(out));
    // The same policy with --checkpoint, before the query starts.
    e = fails(JobRuns.flags(in, out, "demo", "--checkpoint", tmp.resolve("bad-ckpt").toString()));
    assertEquals(JobException.USAGE, e.exitCode());
    assertTrue(e.getMessage().contains("3 bad JSON lines"), e.getMessage());
    assertFalse(Files.exists(out));

    // --bad-input skip: the good rows only, the bad ones counted.
    EmbedJob.Result r = JobRuns.run(spark, JobRuns.demoJson(in, out, "--bad-input", "skip"));
    assertEquals(0, r.exitCode());
    assertEquals(3L, r.summary().get("bad_input_rows"));
    assertEquals(2L, r.summary().get("rows_in"));
    assertEquals(2L, r.summary().get("rows_out"));
    assertEquals(0L, r.summary().get("null_rows"));
    List<String> ids = new ArrayList<>();
    JobRuns.partRows(out).forEach(row -> ids.add(row.get("id").toString()));
    java.util.Collections.sort(ids);
    assertEquals(List.of("1", "4"), ids);

    // --bad-input skip with --checkpoint: the stream reads the good lines only.
    Path streamOut = tmp.resolve("bad-stream-out");
    r =
        JobRuns.run(
            spark,
            JobRuns.demoJson(
                in,
                streamOut,
                "--bad-input",
                "skip",
                "--checkpoint",
                tmp.resolve("bad-stream-ckpt").toString(),
                "--progress-interval",
                "0"));
    assertEquals(0, r.exitCode());
    assertEquals(3L, r.summary().get("bad_input_rows"));
    assertEquals(2L, r.summary().get("rows_in"));
    assertEquals(2L, r.summary().get("rows_out"));
  }

  /** The demo model with every value of {@code tensor} set to NaN (an F32 safetensors entry). */
  private Path nanModel(String tensor) throws Exception {
    Path dir = tmp.resolve("nan-model");
    dev.modernbert.encoder.demo.DemoModel.write(dir);
    Path st = dir.resolve("model.safetensors");
    byte[] b = Files.readAllBytes(st);
    java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    int headerLen = (int) buf.getLong(0);
    JsonObject header =
        JsonParser.parseString(new String(b, 8, headerLen, StandardCharsets.UTF_8))
            .getAsJsonObject();
    JsonObject entry = header.getAsJsonObject(tensor);
    assertEquals("F32", entry.get("dtype").getAsString());
    long start = entry.getAsJsonArray("data_offsets").get(0).getAsLong();
    long end = entry.getAsJsonArray("data_offsets").get(1).getAsLong();
    for (long at = 8 + headerLen + start; at < 8 + headerLen + end; at += 4) {
      buf.putFloat((int) at, Float.NaN);
    }
    Files.write(st, b);
    return dir;
  }

  @Test
  void nanOutputsAreWrittenAsValuesInParquetAndJson() throws Exception {
    Path in = jsonl("nan-in", "{\"id\": 1, \"text\": \"hello\"}");
    String model = nanModel("model.embeddings.norm.weight").toString();
    for (String format : List.of("parquet", "json")) {
      Path out = tmp.resolve("nan-out-" + format);
      EmbedJob.Result r =
          JobRuns.run(
              spark,
              JobRuns.flags(in, out, model, "--output-format", format, "--progress-interval", "0"));
      assertEquals(0, r.exitCode(), format);
      // Parquet stores NaN floats; JSON, which has no NaN, carries them as the string "NaN"
      // (Spark's JSON writer), which Spark reads back as NaN given the float schema.
      org.apache.spark.sql.types.StructType schema =
          new org.apache.spark.sql.types.StructType()
              .add(
                  "embedding",
                  org.apache.spark.sql.types.DataTypes.createArrayType(
                      org.apache.spark.sql.types.DataTypes.FloatType));
      List<org.apache.spark.sql.Row> rows =
          spark.read().schema(schema).format(format).load(out.toString()).collectAsList();
      assertEquals(1, rows.size());
      List<Object> v = rows.get(0).getList(0);
      assertTrue(Float.isNaN((Float) v.get(0)), format + ": " + v);
      if (format.equals("json")) {
        StringBuilder parts = new StringBuilder();
        for (Path part : JobRuns.partFiles(out)) {
          parts.append(Files.readString(part));
        }
        assertTrue(parts.toString().contains("\"embedding\":[\"NaN\""), parts.toString());
      }
    }
  }
}
