package dev.modernbert.jobs;

import dev.modernbert.spark.ml.ModernBertStage;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The spark-submit job: reads {@code --input} ({@link JobInput}), runs the {@code --task} stage
 * (default {@code embed}: {@code ModernBertEmbedder}) on {@code --text-col} as a {@link BatchRun}
 * or, with {@code --checkpoint}, a streaming {@link CheckpointRun}, writes {@code --output} with
 * the id, {@code --keep-cols} and the stage's columns, then the {@link JobSummary} ({@code
 * _SUMMARY.json}) beside {@code _SUCCESS}. The class keeps its name for spark-submit; its app name
 * and log lines name the task ({@code modernbert-embed: ERROR: ...}).
 *
 * <p>Everything is checked before any Spark job runs: options, model path, input files and format,
 * columns and types (the stage's {@code transformSchema}), the output location. The output is
 * written only through Spark's writer (its committer leaves no {@code _SUCCESS} on failure).
 *
 * <p>Exit codes: 0 rows out == rows in; 1 failure while running; 2 bad options, input or output
 * location (nothing written); 3 rows out != rows in.
 */
public final class EmbedJob {
  public static final String SUMMARY_FILE = JobSummary.FILE;

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
      err.println(JobTask.logPrefix("job") + "ERROR: " + e.getMessage());
      return e.exitCode();
    }
    String prefix = JobTask.logPrefix(o.get("task"));
    SparkSession spark = null;
    try {
      String appName = o.get("app-name");
      SparkSession.Builder b =
          SparkSession.builder()
              .appName(appName.isBlank() ? JobTask.appName(o.get("task")) : appName);
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
      err.println(prefix + "ERROR: " + e.getMessage());
      return e.exitCode();
    } catch (Throwable t) {
      err.println(prefix + "FAILED: " + JobException.describe(t));
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

  /**
   * Runs the job in an existing session (does not stop it). Everything is checked first, in this
   * order, then a batch or a streaming run runs the stage. Throws JobException.
   */
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
    o.choice("output-format", List.of("parquet", "json")); // checked now, read by the runs
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
    JobProgress.logUi(spark, task.name(), out);

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
    JobModel.checkModel(model, hconf);
    // 2. The input files and format.
    JobInput in = JobInput.resolve(input, o.get("input-format"), idCol, textCol, badInput, hconf);
    // 3. The output location (and, for --checkpoint, that checkpoint and output belong together).
    if (streaming) {
      CheckpointRun.check(o, task.name(), input, output, mode, hconf);
    } else {
      JobOutput.checkNew(output, mode, hconf);
    }
    // 4. The model's checkpoint on the driver: readable, the task's head, the prompt name.
    try {
      stage.checkModelHead();
    } catch (IllegalArgumentException e) {
      throw JobException.usage(e.getMessage());
    }
    // 5. JSON lines: every line checked (--bad-input), before the schema is inferred.
    in =
        in.checkJson(
            spark,
            streaming ? CheckpointRun.pendingFiles(spark, input, checkpoint) : new String[] {input},
            JobTask.logPrefix(task.name()),
            out);
    // 6. The schema: the carried columns exist, the stage accepts the input and names its columns.
    Dataset<Row> raw = in.read(spark);
    Dataset<Row> rows = in.withId(raw);
    JobStage run =
        JobStage.of(stage, in, rows.schema(), in.carriedColumns(rows, keepCols), partitions);
    // 7. Run and write the summary.
    JobSummary summary =
        streaming
            ? CheckpointRun.run(spark, o, in, raw.schema(), run, t0, out)
            : BatchRun.run(spark, o, in, rows, run, t0, out);
    summary.requireRowsMatch();
    return new Result(summary.fields(), summary.exitCode());
  }
}
