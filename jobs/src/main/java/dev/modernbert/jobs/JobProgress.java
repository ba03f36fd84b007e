package dev.modernbert.jobs;

import dev.modernbert.encoder.progress.ProgressCounts;
import dev.modernbert.encoder.progress.ProgressMeter;
import dev.modernbert.encoder.progress.ProgressTicker;
import dev.modernbert.spark.executor.StageMetrics;
import java.io.PrintStream;
import java.time.Duration;
import org.apache.spark.sql.SparkSession;

/**
 * The job's live progress: names the Spark UI (where the {@code modernbert.*} accumulators are) and
 * prints a progress line every {@code --progress-interval} seconds from the stage's accumulators,
 * which the driver updates as tasks finish.
 */
final class JobProgress {
  private JobProgress() {}

  /**
   * Starts the lines; {@code totalRows} is the rows this run will do, or {@code <= 0} when unknown.
   */
  static ProgressTicker start(JobOptions o, StageMetrics metrics, long totalRows, PrintStream out) {
    return ProgressTicker.start(
        JobTask.logPrefix(o.get("task")) + "progress: ",
        new ProgressMeter(totalRows, System.nanoTime()),
        () -> counts(metrics.totals()),
        interval(o),
        out);
  }

  /** Names the Spark UI, where the stage's accumulators are; the job's first line. */
  static void logUi(SparkSession spark, String task, PrintStream out) {
    scala.Option<String> ui = spark.sparkContext().uiWebUrl();
    out.println(
        JobTask.logPrefix(task)
            + "Spark UI "
            + (ui.isDefined()
                ? "at " + ui.get() + " (stage metrics: the modernbert.* accumulators)"
                : "disabled (spark.ui.enabled=false)"));
    out.flush();
  }

  /** {@code --progress-interval}, checked. */
  static Duration interval(JobOptions o) {
    int seconds = o.getInt("progress-interval");
    if (seconds < 0) {
      throw JobException.usage("--progress-interval must be >= 0 seconds, got " + seconds);
    }
    return Duration.ofSeconds(seconds);
  }

  static ProgressCounts counts(StageMetrics.Totals t) {
    return new ProgressCounts(t.rows(), t.realTokens(), t.errorRows());
  }
}
