package dev.modernbert.jobs;

import dev.modernbert.encoder.progress.ProgressTicker;
import dev.modernbert.spark.executor.StageMetrics;
import java.io.PrintStream;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamReader;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.StructType;

/**
 * {@code --checkpoint DIR}: the job as a Structured Streaming query. Spark's file source reads the
 * input files that the checkpoint has not seen ({@code Trigger.AvailableNow}, at most {@code
 * --max-files-per-trigger} per micro-batch), the stage runs unchanged, and Spark's file sink
 * appends each micro-batch to {@code --output} exactly once (its {@code _spark_metadata} log names
 * the committed files; every Spark reader follows it). The query stops once all available files are
 * done. Killed at any moment, the same command resumes from the last committed micro-batch; files
 * added later are the next run's, and only they.
 */
final class CheckpointRun {
  /** Files older than this are still new to the source (its default, 7 days, would skip them). */
  static final String MAX_FILE_AGE = "36500d";

  private CheckpointRun() {}

  /**
   * Before anything runs: the checkpoint was made for this input, output, task, model and output
   * options (or is new), and the output belongs to it (or does not exist yet).
   */
  static void check(
      JobOptions o, String task, String input, String output, String mode, Configuration conf) {
    if (!mode.equals("error")) {
      throw JobException.usage(
          "--mode "
              + mode
              + " does not apply with --checkpoint: each micro-batch is appended to --output"
              + " exactly once; drop --mode");
    }
    if (o.getInt("max-files-per-trigger") < 0) {
      throw JobException.usage(
          "--max-files-per-trigger must be >= 0 (0 = all), got " + o.get("max-files-per-trigger"));
    }
    String dir = o.get("checkpoint");
    Path ckpt = new Path(dir);
    CheckpointManifest now = CheckpointManifest.of(o, task, input, output, conf);
    CheckpointManifest made = CheckpointManifest.read(ckpt, conf);
    boolean sinkLog = StreamingLogs.hasSinkLog(output, conf);
    if (made != null) {
      List<String> diff = now.differencesFrom(made);
      if (!diff.isEmpty()) {
        throw JobException.usage(
            "--checkpoint "
                + dir
                + " was made for another run: "
                + String.join("; ", diff)
                + ". Resume with the options it was made with, or give a new --checkpoint"
                + " (and a new --output) for this run");
      }
      if (!sinkLog && StreamingLogs.lastCommittedBatch(ckpt, conf) >= 0) {
        throw JobException.usage(
            "--output "
                + output
                + " has no "
                + StreamingLogs.SINK_LOG
                + " although --checkpoint "
                + dir
                + " has committed micro-batches: the output was deleted or moved. Restore it, or"
                + " start over with a new --checkpoint and --output");
      }
    } else {
      if (StreamingLogs.hasQuery(ckpt, conf)) {
        throw JobException.usage(
            "--checkpoint "
                + dir
                + " holds a streaming query that this job did not make (no "
                + CheckpointManifest.FILE
                + "); give a new or empty folder");
      }
      if (JobOutput.exists(output, conf)) {
        throw JobException.usage(
            sinkLog
                ? "--output "
                    + output
                    + " holds the output of another --checkpoint run, and --checkpoint "
                    + dir
                    + " is new: give the checkpoint that wrote it, or a new --output"
                : "--output "
                    + output
                    + " already exists and was not written with --checkpoint; choose a new path");
      }
    }
  }

  /**
   * Runs the stage over the input files the checkpoint has not seen, until every available file is
   * done; writes and prints the summary.
   *
   * @param schema the input's schema, read from it now (a stream's source needs one)
   */
  static JobSummary run(
      SparkSession spark,
      JobOptions o,
      JobInput input,
      StructType schema,
      JobStage stage,
      long t0,
      PrintStream out) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    String task = o.get("task");
    String output = o.get("output");
    String outputFormat = o.get("output-format");
    String dir = o.get("checkpoint");
    Path ckpt = new Path(dir);
    StageMetrics metrics = StageMetrics.register(spark.sparkContext());
    Dataset<Row> result =
        stage.transform(stage.input(input.withId(readStream(spark, o, input, schema))), metrics);
    long committedBefore = StreamingLogs.lastCommittedBatch(ckpt, conf);
    long rowsBefore =
        StreamingLogs.hasSinkLog(output, conf)
            ? JobOutput.countRows(spark, output, outputFormat, result.schema())
            : 0;
    if (CheckpointManifest.read(ckpt, conf) == null) {
      CheckpointManifest.of(o, task, input.path(), output, conf).write(ckpt, conf);
    }
    long pending =
        JobProgress.interval(o).isZero()
            ? 0
            : pendingRows(spark, input.format(), schema, input.path(), ckpt);

    MicroBatchCounter counter = new MicroBatchCounter();
    spark.streams().addListener(counter);
    try (ProgressTicker ticker = JobProgress.start(o, metrics, pending, out)) {
      StreamingQuery q =
          result
              .writeStream()
              .format(outputFormat)
              .queryName("modernbert_" + task.replace('-', '_'))
              .option("checkpointLocation", dir)
              .trigger(Trigger.AvailableNow())
              .start(output);
      counter.watch(q.id());
      q.awaitTermination();
      if (q.lastProgress() != null) {
        counter.awaitBatch(q.lastProgress().batchId(), 10_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new JobException(JobException.FAILURE, "interrupted", e);
    } catch (Exception e) { // StreamingQueryException, TimeoutException, SparkException
      throw new JobException(
          JobException.FAILURE,
          "the streaming query failed; the micro-batches it committed are kept, and the same"
              + " command resumes after them: "
              + JobException.describe(e),
          e);
    } finally {
      spark.streams().removeListener(counter);
    }

    long rowsTotal =
        StreamingLogs.hasSinkLog(output, conf)
            ? JobOutput.countRows(spark, output, outputFormat, result.schema())
            : 0;
    // With --bad-input skip the source reads lines, and the bad and blank ones (found in the
    // files pending when the run started: Trigger.AvailableNow reads just those) are dropped.
    long rowsIn = counter.inputRows() - input.droppedLines();
    Set<String> files = StreamingLogs.sourceFilesAfter(ckpt, committedBefore, conf);
    JobSummary s =
        JobSummary.of(
            spark,
            o,
            input,
            new JobSummary.Streaming(dir, counter.batches(), files.size(), rowsTotal),
            rowsIn,
            rowsTotal - rowsBefore,
            metrics.totals(),
            t0);
    if (JobOutput.exists(output, conf)) {
      s.write(conf);
    }
    s.print(out);
    return s;
  }

  /** The file source over the input, with the schema read from it now. */
  static Dataset<Row> readStream(
      SparkSession spark, JobOptions o, JobInput input, StructType schema) {
    DataStreamReader r = spark.readStream().option("maxFileAge", MAX_FILE_AGE);
    int maxFiles = o.getInt("max-files-per-trigger");
    if (maxFiles > 0) {
      r = r.option("maxFilesPerTrigger", maxFiles);
    }
    if (input.skipsBadJson()) { // the lines, checked one by one (JsonInput), then parsed
      return JsonInput.goodRows(r.format("text").load(input.path()), schema, input.textCol());
    }
    return r.format(input.format())
        .schema(schema)
        .options(JobInput.readOptions(input.format()))
        .load(input.path());
  }

  /** Rows of the input files the checkpoint has not seen (for the progress lines' fraction). */
  static long pendingRows(
      SparkSession spark, String format, StructType schema, String input, Path ckpt) {
    String[] pending = pendingFiles(spark, input, ckpt.toString());
    if (pending.length == 0) {
      return 0;
    }
    return spark
        .read()
        .format(format)
        .schema(schema)
        .options(JobInput.readOptions(format))
        .load(pending)
        .count();
  }

  /** The input files the checkpoint has not seen (all of them for a new checkpoint). */
  static String[] pendingFiles(SparkSession spark, String input, String checkpoint) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Set<String> seen = new HashSet<>();
    for (String f : StreamingLogs.sourceFilesAfter(new Path(checkpoint), -1, conf)) {
      seen.add(new Path(f).toUri().getPath());
    }
    return InputFiles.resolve(input, conf).stream()
        .filter(p -> !seen.contains(p.toUri().getPath()))
        .map(Path::toString)
        .toArray(String[]::new);
  }
}
