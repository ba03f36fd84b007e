package dev.modernbert.jobs;

import dev.modernbert.encoder.options.Option;
import dev.modernbert.encoder.task.Output;
import java.util.List;

/**
 * The job's own options, which set no stage Param: what to read, where to write, how to run on
 * Spark. Declared like the stages' options ({@link Option}); {@link JobOptions} lists them with the
 * stage options the job passes on.
 */
final class JobFlags {
  private JobFlags() {}

  static final Option<String> TASK =
      Option.choice(
          "task",
          "what to compute: " + String.join(" | ", Output.ids()),
          Output.EMBED.id(),
          List.copyOf(JobTask.all().keySet()));

  static final Option<String> INPUT =
      Option.text("input", "input path or glob (local path or Hadoop URI)", null);

  static final Option<String> INPUT_FORMAT =
      Option.choice(
          "inputFormat",
          "auto | parquet | json | jsonl | csv | text; auto = from the file extension",
          "auto",
          List.of("auto", "parquet", "json", "jsonl", "csv", "text"));

  static final Option<String> BAD_INPUT =
      Option.choice(
          "badInput",
          "json input: fail (a bad line stops the job before any compute) | skip (drop and"
              + " count bad lines); bad: not valid JSON, not one object per line, or a text that"
              + " is not a string",
          "fail",
          JsonInput.POLICIES);

  static final Option<String> ID_COL =
      Option.text("idCol", "input column copied to the output as the row id", "id");

  static final Option<String> KEEP_COLS =
      Option.text("keepCols", "more input columns to copy to the output, a,b,c", "");

  static final Option<String> OUTPUT =
      Option.text("output", "output folder (local path or Hadoop URI)", null);

  static final Option<String> OUTPUT_FORMAT =
      Option.choice("outputFormat", "parquet | json", "parquet", List.of("parquet", "json"));

  static final Option<String> MODE =
      Option.choice(
          "mode",
          "error | overwrite | append (when the output exists)",
          "error",
          List.of("error", "overwrite", "append"));

  static final Option<Integer> PARTITIONS =
      Option.integer("partitions", "repartition the input to N partitions; 0 = as read", 0, 0);

  static final Option<String> CHECKPOINT =
      Option.text(
          "checkpoint",
          "checkpoint folder: run as a resumable, incremental streaming query (new files only)",
          "");

  static final Option<Integer> MAX_FILES_PER_TRIGGER =
      Option.integer(
          "maxFilesPerTrigger",
          "with --checkpoint: most input files per micro-batch; 0 = all in one",
          0,
          0);

  static final Option<String> MASTER =
      Option.text("master", "Spark master when not set by spark-submit", "");

  static final Option<String> APP_NAME =
      Option.text("appName", "Spark application name; empty: modernbert-<task>", "");

  static final Option<Integer> PROGRESS_INTERVAL =
      Option.integer("progressInterval", "seconds between progress lines; 0 = none", 30, 0);

  static final Option<String> CONF_FILE =
      Option.text("confFile", "properties file with these options", "");
}
