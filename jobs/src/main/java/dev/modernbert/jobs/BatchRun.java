package dev.modernbert.jobs;

import dev.modernbert.encoder.progress.ProgressTicker;
import dev.modernbert.spark.executor.StageMetrics;
import java.io.PrintStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The job over all of {@code --input} at once: counts the input, runs the stage, writes {@code
 * --output} only through Spark's writer (its committer leaves no {@code _SUCCESS} on failure), then
 * counts the rows written and writes the summary.
 */
final class BatchRun {
  private BatchRun() {}

  /** Runs the job; the summary, written and printed. */
  static JobSummary run(
      SparkSession spark,
      JobOptions o,
      JobInput input,
      Dataset<Row> rows,
      JobStage stage,
      long t0,
      PrintStream out) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    String output = o.get("output");
    String mode = o.get("mode");
    String outputFormat = o.get("output-format");
    Dataset<Row> in = stage.input(rows);
    long rowsIn;
    try {
      rowsIn = in.count();
    } catch (Exception e) { // SparkException is checked but thrown undeclared from Scala
      throw input.readFailure(e);
    }
    long before = 0;
    if (mode.equals("append") && JobOutput.exists(output, conf)) {
      before = JobOutput.countRows(spark, output, outputFormat, null);
    }
    StageMetrics metrics = StageMetrics.register(spark.sparkContext());
    Dataset<Row> result = stage.transform(in, metrics);
    try (ProgressTicker ticker = JobProgress.start(o, metrics, rowsIn, out)) {
      result.write().mode(mode).format(outputFormat).save(output);
    } catch (Exception e) { // SparkException is checked but thrown undeclared from Scala
      throw new JobException(
          JobException.FAILURE,
          "the job failed; no output committed: " + JobException.describe(e),
          e);
    }
    long rowsOut = JobOutput.countRows(spark, output, outputFormat, result.schema()) - before;
    JobSummary s =
        JobSummary.of(
            spark,
            o,
            input,
            new JobSummary.Batch(mode, input.files().size()),
            rowsIn,
            rowsOut,
            metrics.totals(),
            t0);
    s.write(conf);
    s.print(out);
    return s;
  }
}
