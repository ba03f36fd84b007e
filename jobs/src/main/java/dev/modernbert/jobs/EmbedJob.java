package dev.modernbert.jobs;

import com.google.gson.GsonBuilder;
import dev.modernbert.encoder.progress.ProgressTicker;
import dev.modernbert.encoder.source.ModelSource;
import dev.modernbert.spark.executor.ModelFiles;
import dev.modernbert.spark.executor.StageMetrics;
import dev.modernbert.spark.ml.ModernBertEmbedder;
import dev.modernbert.spark.ml.ModernBertStage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;

/**
 * The spark-submit job: reads {@code --input}, runs the {@code --task} stage (default {@code
 * embed}: {@code ModernBertEmbedder}) on {@code --text-col}, writes {@code --output} with the id,
 * {@code --keep-cols} and the task's columns, then {@code _SUMMARY.json} beside {@code _SUCCESS}.
 *
 * <p>Everything is checked before any Spark job runs: options, model path, input files and format,
 * columns and types (the stage's {@code transformSchema}), the output location. The output is
 * written only through Spark's writer (its committer leaves no {@code _SUCCESS} on failure).
 *
 * <p>Exit codes: 0 rows out == rows in; 1 failure while running; 2 bad options, input or output
 * location (nothing written); 3 rows out != rows in.
 */
public final class EmbedJob {
  public static final String SUMMARY_FILE = "_SUMMARY.json";

  private EmbedJob() {}

  public static void main(String[] args) {
    int code = runMain(args, System.out, System.err);
    System.out.flush();
    System.err.flush();
    System.exit(code);
  }

  static final String USAGE_HEAD =
      "Usage: spark-submit --class dev.modernbert.jobs.EmbedJob modernbert-spark-jobs.jar \\\n"
          + "         --input PATH|GLOB --output DIR --model DIR|URI|HUB_ID|demo [options]\n"
          + "Options (also as keys of --conf-file FILE; command-line flags win):\n";

  static String usage() {
    StringBuilder sb = new StringBuilder(USAGE_HEAD);
    for (JobOptions.Spec s : JobOptions.SPECS) {
      sb.append(String.format(Locale.ROOT, "  --%-18s %s", s.name(), s.help()));
      if (s.defaultValue() != null && !s.defaultValue().isEmpty()) {
        sb.append(" [").append(s.defaultValue()).append(']');
      }
      sb.append('\n');
    }
    sb.append(
        "Exit codes: 0 ok (rows out == rows in), 1 failure, 2 bad usage/input, 3 rows lost\n");
    return sb.toString();
  }

  /** Parses, starts (or reuses) the Spark session, runs, stops the session; the exit code. */
  public static int runMain(String[] args, PrintStream out, PrintStream err) {
    if (JobOptions.wantsHelp(args)) { // -h/--help as a flag; a flag's value is never help
      out.print(usage());
      return 0;
    }
    JobOptions o;
    try {
      o = JobOptions.parse(args);
    } catch (JobException e) {
      err.println("EmbedJob: ERROR: " + e.getMessage());
      return e.exitCode();
    }
    SparkSession spark = null;
    try {
      String appName = o.get("app-name");
      SparkSession.Builder b =
          SparkSession.builder()
              .appName(appName.isBlank() ? "modernbert-" + o.get("task") : appName);
      for (Map.Entry<String, String> e :
          sessionSettings(o.get("master"), new SparkConf(), System.getenv()).entrySet()) {
        if (e.getKey().equals("spark.master")) {
          b.master(e.getValue());
        } else {
          b.config(e.getKey(), e.getValue());
        }
      }
      spark = b.getOrCreate();
      return run(spark, o, out).exitCode();
    } catch (JobException e) {
      err.println("EmbedJob: ERROR: " + e.getMessage());
      return e.exitCode();
    } catch (Throwable t) {
      err.println("EmbedJob: FAILED: " + describe(t));
      return JobException.FAILURE;
    } finally {
      if (spark != null) {
        spark.stop();
      }
    }
  }

  static final String LOOPBACK = "127.0.0.1";

  /**
   * The settings the job adds to its session: the master ({@code --master}, else {@code local[*]}
   * when spark-submit set none) and, when the job itself starts a local master, loopback only: the
   * driver binds and advertises 127.0.0.1, and the Spark UI (which binds to {@code SPARK_LOCAL_IP},
   * else every interface) is disabled unless {@code SPARK_LOCAL_IP} is set ({@code
   * bin/modernbert-spark embed} sets it to 127.0.0.1). Settings the user gave (spark.* system
   * properties, spark-submit) are kept; a cluster master keeps Spark's own settings.
   */
  static Map<String, String> sessionSettings(
      String masterOption, SparkConf conf, Map<String, String> env) {
    Map<String, String> s = new LinkedHashMap<>();
    String master = null;
    if (masterOption != null && !masterOption.isBlank()) {
      master = masterOption.trim();
    } else if (!conf.contains("spark.master")) {
      master = "local[*]";
    }
    if (master == null) {
      return s;
    }
    s.put("spark.master", master);
    if (!master.startsWith("local")) {
      return s;
    }
    for (String key : List.of("spark.driver.bindAddress", "spark.driver.host")) {
      if (!conf.contains(key)) {
        s.put(key, LOOPBACK);
      }
    }
    if (env.get("SPARK_LOCAL_IP") == null && !conf.contains("spark.ui.enabled")) {
      s.put("spark.ui.enabled", "false");
    }
    return s;
  }

  /** The job's result: the summary written and printed, and the exit code. */
  public record Result(Map<String, Object> summary, int exitCode) {}

  /** Runs the job in an existing session (does not stop it). Throws JobException. */
  public static Result run(SparkSession spark, JobOptions o, PrintStream out) {
    long t0 = System.nanoTime();
    JobTask task = JobTask.all().get(o.get("task"));
    if (task == null) {
      throw JobException.usage(
          "--task " + o.get("task") + " is not known; tasks: " + JobTask.all().keySet());
    }
    String input = o.require("input");
    String output = o.require("output");
    String model = o.require("model");
    String mode = o.choice("mode", List.of("error", "overwrite", "append"));
    String outputFormat = o.choice("output-format", List.of("parquet", "json"));
    String textCol = o.require("text-col");
    String idCol = o.require("id-col");
    List<String> keepCols = o.getList("keep-cols");
    String badInput = o.choice(JsonInput.POLICY, JsonInput.POLICIES);
    int partitions = o.getInt("partitions");
    if (partitions < 0) {
      throw JobException.usage("--partitions must be >= 0, got " + partitions);
    }
    Configuration hconf = spark.sparkContext().hadoopConfiguration();
    String checkpoint = o.get("checkpoint");
    boolean streaming = checkpoint != null && !checkpoint.isBlank();
    JobProgress.interval(o); // checked now, used once the job runs
    JobProgress.logUi(spark, out);

    // The stage's options together (e.g. --prompt with --prompt-name), before anything is read.
    ModernBertStage<?> stage = task.stage(o, textCol);
    try {
      stage.task();
    } catch (IllegalArgumentException e) {
      throw JobException.usage("bad option value: " + e.getMessage());
    }
    // 0. Output and checkpoint apart from the input and each other, before anything is deleted.
    PathOverlap.check(input, output, streaming ? checkpoint : null, hconf);
    // 1. The model path, before anything runs.
    checkModel(model, hconf);
    // 2. The input files and format.
    List<Path> files = InputFiles.resolve(input, hconf);
    String format = InputFiles.format(o.get("input-format"), input, files);
    // 3. The output location (and, for --checkpoint, that checkpoint and output belong together).
    if (streaming) {
      CheckpointRun.check(o, task.name(), input, output, mode, hconf);
    } else {
      checkOutput(output, mode, hconf);
    }
    // 4. The model's checkpoint on the driver: readable, the task's head, the prompt name.
    try {
      stage.checkModelHead();
    } catch (IllegalArgumentException e) {
      throw JobException.usage(e.getMessage());
    }
    // 5. JSON lines: every line checked (--bad-input), before the schema is inferred.
    long badRows = 0;
    long droppedLines = 0; // bad and blank lines: read by the stream's text source, then dropped
    boolean skipBad = format.equals("json") && badInput.equals("skip");
    if (format.equals("json")) {
      JsonInput.Report bad =
          streaming
              ? JsonInput.check(
                  spark, textCol, CheckpointRun.pendingFiles(spark, input, checkpoint))
              : JsonInput.check(spark, textCol, input);
      droppedLines = bad.bad() + bad.blank();
      if (bad.bad() > 0) {
        if (!skipBad) {
          throw JsonInput.failure(input, bad);
        }
        badRows = bad.bad();
        out.println("EmbedJob: --bad-input skip: skipping " + bad.describe());
      }
    }
    // 6. The schema.
    Dataset<Row> raw = read(spark, format, input);
    if (skipBad) {
      raw = JsonInput.goodRows(spark.read().text(input), raw.schema(), textCol);
    }
    Dataset<Row> df = withId(raw, format, idCol, textCol);
    List<String> columns = List.of(df.columns());
    List<String> carried = new ArrayList<>();
    carried.add(idCol);
    carried.addAll(keepCols);
    for (String c : new LinkedHashSet<>(carried)) {
      if (!columns.contains(c)) {
        throw JobException.usage(
            "column \""
                + c
                + "\" ("
                + (c.equals(idCol) ? "--id-col" : "--keep-cols")
                + ") does not exist in "
                + input
                + "; the columns are "
                + columns);
      }
    }
    List<String> selected = new ArrayList<>(new LinkedHashSet<>(carried));
    if (!selected.contains(textCol)) {
      selected.add(textCol);
    }
    StructType inSchema = df.schema();
    try {
      stage.transformSchema(inSchema);
    } catch (IllegalArgumentException e) {
      throw JobException.usage(e.getMessage() + " (in " + input + ", read as " + format + ")");
    }
    for (String c : task.outputColumns(o)) {
      if (new LinkedHashSet<>(carried).contains(c)) {
        throw JobException.usage(
            "output column \"" + c + "\" is also an --id-col/--keep-cols column; rename it");
      }
    }
    List<String> outCols = new ArrayList<>(new LinkedHashSet<>(carried));
    outCols.addAll(task.outputColumns(o));
    if (streaming) {
      Dataset<Row> stream =
          withId(
              CheckpointRun.readStream(spark, o, format, input, raw.schema(), skipBad, textCol),
              format,
              idCol,
              textCol);
      Dataset<Row> in = stream.select(cols(selected));
      if (partitions > 0) {
        in = in.repartition(partitions);
      }
      StageMetrics metrics = StageMetrics.register(spark.sparkContext());
      Dataset<Row> result = stage.transform(in, metrics).select(cols(outCols));
      return CheckpointRun.run(
          spark,
          o,
          task.name(),
          format,
          raw.schema(),
          result,
          metrics,
          badRows,
          skipBad ? droppedLines : 0,
          t0,
          out);
    }
    Dataset<Row> in = df.select(cols(selected));
    if (partitions > 0) {
      in = in.repartition(partitions);
    }

    // 7. Run: count the input, transform, write (only through Spark's writer).
    long rowsIn;
    try {
      rowsIn = in.count();
    } catch (Exception e) { // SparkException is checked but thrown undeclared from Scala
      throw new JobException(
          JobException.FAILURE,
          "cannot read the input " + input + " as " + format + ": " + describe(e),
          e);
    }
    long before = 0;
    if (mode.equals("append") && exists(output, hconf)) {
      before = countOutput(spark, output, outputFormat, null);
    }
    StageMetrics metrics = StageMetrics.register(spark.sparkContext());
    Dataset<Row> result = stage.transform(in, metrics).select(cols(outCols));
    try (ProgressTicker ticker = JobProgress.start(o, metrics, rowsIn, out)) {
      result.write().mode(mode).format(outputFormat).save(output);
    } catch (Exception e) { // SparkException is checked but thrown undeclared from Scala
      throw new JobException(
          JobException.FAILURE, "the job failed; no output committed: " + describe(e), e);
    }
    long rowsOut = countOutput(spark, output, outputFormat, result.schema()) - before;
    double wallS = (System.nanoTime() - t0) / 1e9;

    // 8. The summary.
    int code = rowsOut == rowsIn ? 0 : JobException.ROW_MISMATCH;
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("status", code == 0 ? "ok" : "rows_out_differs_from_rows_in");
    s.put("task", task.name());
    s.put("input", input);
    s.put("input_format", format);
    s.put("input_files", files.size());
    s.put("output", output);
    s.put("output_format", outputFormat);
    s.put("mode", mode);
    s.put("model", model);
    s.put("rows_in", rowsIn);
    s.put("rows_out", rowsOut);
    if (format.equals("json")) {
      s.put("bad_input_rows", badRows);
    }
    s.putAll(figures(metrics.totals(), rowsOut, wallS));
    s.put("spark_master", spark.sparkContext().master());
    s.put("app_id", spark.sparkContext().applicationId());
    s.put("options", new LinkedHashMap<>(o.given()));
    String json = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(s);
    writeSummary(output, json, hconf);
    out.print(block(s));
    out.flush();
    if (code != 0) {
      throw new JobException(
          code,
          "rows out ("
              + rowsOut
              + ") != rows in ("
              + rowsIn
              + "); see "
              + output
              + "/"
              + SUMMARY_FILE);
    }
    return new Result(s, code);
  }

  /** The stage's figures as summary fields, after the rows. */
  static Map<String, Object> figures(StageMetrics.Totals m, long rowsOut, double wallS) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("null_rows", m.nullRows());
    s.put("truncated_rows", m.truncatedRows());
    s.put("error_rows", m.errorRows());
    s.put("tokens", m.realTokens());
    s.put("padded_tokens", m.paddedTokens());
    s.put(
        "padding_ratio",
        m.paddedTokens() == 0 ? 0.0 : round4(1.0 - (double) m.realTokens() / m.paddedTokens()));
    s.put("wall_s", round4(wallS));
    s.put("rows_per_s", round4(rowsOut / wallS));
    s.put("tokens_per_s", round4(m.realTokens() / wallS));
    if (m.chunkedRows() > 0) {
      s.put("chunked_rows", m.chunkedRows());
      s.put("chunks", m.chunks());
    }
    Map<String, Object> task = new LinkedHashMap<>();
    task.put("rows", m.rows());
    task.put("batches", m.batches());
    task.put("model_loads", m.modelLoads());
    task.put("model_load_ms", Math.round(m.modelLoadMs()));
    task.put("inference_ms", Math.round(m.inferenceMs()));
    s.put("task_metrics", task);
    return s;
  }

  private static double round4(double v) {
    return Math.round(v * 10000.0) / 10000.0;
  }

  private static Column[] cols(List<String> names) {
    Column[] c = new Column[names.size()];
    for (int i = 0; i < c.length; i++) {
      c[i] = functions.col("`" + names.get(i).replace("`", "``") + "`");
    }
    return c;
  }

  /**
   * Text input: the line is the text column and, without an id column, the id is {@code
   * monotonically_increasing_id()} (unique, but not reproducible between runs).
   */
  static Dataset<Row> withId(Dataset<Row> df, String format, String idCol, String textCol) {
    if (!format.equals("text")) {
      return df;
    }
    Dataset<Row> t = df.withColumnRenamed("value", textCol);
    return List.of(t.columns()).contains(idCol)
        ? t
        : t.withColumn(idCol, functions.monotonically_increasing_id());
  }

  /** The reader options of a format ({@code csv}: a header line). */
  static Map<String, String> readOptions(String format) {
    return format.equals("csv") ? Map.of("header", "true") : Map.of();
  }

  static Dataset<Row> read(SparkSession spark, String format, String input) {
    try {
      return switch (format) {
        case "parquet" -> spark.read().parquet(input);
        case "json" -> spark.read().json(input);
        case "csv" -> spark.read().options(readOptions(format)).csv(input);
        case "text" -> spark.read().text(input);
        default -> throw JobException.usage("unknown input format " + format);
      };
    } catch (JobException e) {
      throw e;
    } catch (Exception e) { // SparkException is checked but thrown undeclared from Scala
      throw new JobException(
          JobException.FAILURE,
          "cannot read the input " + input + " as " + format + ": " + describe(e),
          e);
    }
  }

  static void checkModel(String model, Configuration conf) {
    try {
      ModelFiles.checkOnDriver(ModelSource.parse(model), conf);
    } catch (IllegalArgumentException e) {
      throw JobException.usage("--model " + model + ": " + e.getMessage());
    }
  }

  static boolean exists(String output, Configuration conf) {
    try {
      Path p = new Path(output);
      return p.getFileSystem(conf).exists(p);
    } catch (IOException e) {
      throw JobException.usage("--output " + output + ": cannot check it: " + e.getMessage());
    }
  }

  static void checkOutput(String output, String mode, Configuration conf) {
    if (mode.equals("error") && exists(output, conf)) {
      throw JobException.usage(
          "--output "
              + output
              + " already exists; choose a new path or set --mode overwrite (or append)");
    }
  }

  /**
   * The output's rows, one per input row: when each chunk of a long text is a row of its own, an
   * input row's rows are counted once, by its first chunk (or its null chunk when its text was null
   * or failed), so the rows-in check holds exactly whatever the chunk counts.
   */
  static long countOutput(SparkSession spark, String output, String format, StructType schema) {
    Dataset<Row> rows =
        format.equals("json") && schema != null
            ? spark.read().schema(schema).json(output)
            : spark.read().format(format).load(output);
    String first = ModernBertEmbedder.CHUNK_COLUMNS.get(0);
    if (List.of(rows.columns()).contains(first)) {
      rows = rows.where(functions.col(first).isNull().or(functions.col(first).equalTo(0)));
    }
    return rows.count();
  }

  static void writeSummary(String output, String json, Configuration conf) {
    Path p = new Path(new Path(output), SUMMARY_FILE);
    try (OutputStream os = p.getFileSystem(conf).create(p, true)) {
      os.write((json + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new JobException(JobException.FAILURE, "cannot write " + p + ": " + e, e);
    }
  }

  /** The summary as one readable block. */
  static String block(Map<String, Object> s) {
    StringBuilder sb = new StringBuilder();
    sb.append("==== modernbert ").append(s.get("task")).append(" summary ====\n");
    for (Map.Entry<String, Object> e : s.entrySet()) {
      if (e.getKey().equals("options")) {
        continue;
      }
      sb.append(String.format(Locale.ROOT, "%-16s %s%n", e.getKey(), e.getValue()));
    }
    sb.append("====\n");
    return sb.toString();
  }

  /** The messages of an exception and its causes, without repeats, shortened. */
  static String describe(Throwable t) {
    LinkedHashSet<String> parts = new LinkedHashSet<>();
    for (Throwable c = t; c != null && parts.size() < 6; c = c.getCause()) {
      String msg = c.getMessage();
      if (msg == null) {
        msg = c.getClass().getName();
      }
      msg = msg.strip();
      int nl = msg.indexOf("\n\tat ");
      if (nl > 0) {
        msg = msg.substring(0, nl);
      }
      if (msg.length() > 600) {
        msg = msg.substring(0, 600) + "...";
      }
      parts.add(c.getClass().getSimpleName() + ": " + msg);
      if (c.getCause() == c) {
        break;
      }
    }
    return String.join(" | caused by ", parts);
  }
}
