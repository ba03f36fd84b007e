package dev.modernbert.jobs;

import com.google.gson.GsonBuilder;
import dev.modernbert.spark.executor.StageMetrics;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * What a run did: written to {@code --output}/{@value #FILE} beside {@code _SUCCESS} and printed as
 * one block. {@link #fields} is the one place that names the file's keys and their order.
 *
 * @param run what only a batch or a streaming run reports
 * @param badInputRows JSON lines skipped by {@code --bad-input skip}; null for other formats
 * @param options the options as given (flags and {@code --conf-file} keys)
 */
record JobSummary(
    String task,
    String input,
    String inputFormat,
    String output,
    String outputFormat,
    String model,
    Run run,
    long rowsIn,
    long rowsOut,
    Long badInputRows,
    StageMetrics.Totals metrics,
    double wallS,
    String sparkMaster,
    String appId,
    Map<String, String> options) {

  static final String FILE = "_SUMMARY.json";

  /** What only one kind of run reports. */
  sealed interface Run permits Batch, Streaming {}

  /** A batch run: its {@code --mode} and the input files it read. */
  record Batch(String mode, int inputFiles) implements Run {}

  /**
   * A {@code --checkpoint} run: the checkpoint, the micro-batches and files of this run, and the
   * output's rows over all runs.
   */
  record Streaming(String checkpoint, long microBatches, int filesProcessed, long rowsOutTotal)
      implements Run {}

  /**
   * The summary of a run of {@code o} over {@code input} that started at {@code t0} ({@link
   * System#nanoTime}) and ends now.
   */
  static JobSummary of(
      SparkSession spark,
      JobOptions o,
      JobInput input,
      Run run,
      long rowsIn,
      long rowsOut,
      StageMetrics.Totals metrics,
      long t0) {
    return new JobSummary(
        o.get("task"),
        input.path(),
        input.format(),
        o.get("output"),
        o.get("output-format"),
        o.get("model"),
        run,
        rowsIn,
        rowsOut,
        input.isJson() ? input.badLines() : null,
        metrics,
        (System.nanoTime() - t0) / 1e9,
        spark.sparkContext().master(),
        spark.sparkContext().applicationId(),
        o.given());
  }

  /** 0 when rows out == rows in, else {@link JobException#ROW_MISMATCH}. */
  int exitCode() {
    return rowsOut == rowsIn ? 0 : JobException.ROW_MISMATCH;
  }

  /** The summary's keys and values, in the file's order. */
  Map<String, Object> fields() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("status", exitCode() == 0 ? "ok" : "rows_out_differs_from_rows_in");
    s.put("task", task);
    s.put("input", input);
    s.put("input_format", inputFormat);
    if (run instanceof Batch b) {
      s.put("input_files", b.inputFiles());
    }
    s.put("output", output);
    s.put("output_format", outputFormat);
    if (run instanceof Batch b) {
      s.put("mode", b.mode());
    } else if (run instanceof Streaming st) {
      s.put("mode", "checkpoint");
      s.put("checkpoint", st.checkpoint());
    }
    s.put("model", model);
    if (run instanceof Streaming st) {
      s.put("micro_batches", st.microBatches());
      s.put("files_processed", st.filesProcessed());
    }
    s.put("rows_in", rowsIn);
    s.put("rows_out", rowsOut);
    if (run instanceof Streaming st) {
      s.put("rows_out_total", st.rowsOutTotal());
    }
    if (badInputRows != null) {
      s.put("bad_input_rows", badInputRows);
    }
    s.putAll(figures());
    s.put("spark_master", sparkMaster);
    s.put("app_id", appId);
    s.put("options", new LinkedHashMap<>(options));
    return s;
  }

  /** The stage's figures, after the rows. */
  private Map<String, Object> figures() {
    StageMetrics.Totals m = metrics;
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

  /** Writes {@value #FILE} into the output folder, replacing an older one. */
  void write(Configuration conf) {
    String json =
        new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(fields());
    Path p = new Path(new Path(output), FILE);
    try (OutputStream os = p.getFileSystem(conf).create(p, true)) {
      os.write((json + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new JobException(JobException.FAILURE, "cannot write " + p + ": " + e, e);
    }
  }

  /** Prints the summary as one readable block (without the options). */
  void print(PrintStream out) {
    StringBuilder sb = new StringBuilder();
    sb.append("==== modernbert ").append(task).append(" summary ====\n");
    for (Map.Entry<String, Object> e : fields().entrySet()) {
      if (e.getKey().equals("options")) {
        continue;
      }
      sb.append(String.format(Locale.ROOT, "%-16s %s%n", e.getKey(), e.getValue()));
    }
    sb.append("====\n");
    out.print(sb);
    out.flush();
  }

  /**
   * Throws a {@link JobException} with {@link JobException#ROW_MISMATCH} when rows out != rows in
   * (after the summary is written: it names the file).
   */
  void requireRowsMatch() {
    if (exitCode() == 0) {
      return;
    }
    boolean streaming = run instanceof Streaming;
    throw new JobException(
        exitCode(),
        (streaming ? "rows written in this run (" : "rows out (")
            + rowsOut
            + (streaming ? ") != rows read in this run (" : ") != rows in (")
            + rowsIn
            + "); see "
            + output
            + "/"
            + FILE);
  }
}
