package dev.modernbert.jobs;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * {@code --input}: its files and format, its JSON lines checked ({@link JsonInput}, {@code
 * --bad-input}), and its rows as the stage reads them. Text input's line is the text column and,
 * without an id column, the id is {@code monotonically_increasing_id()} (unique, but not
 * reproducible between runs).
 *
 * @param badLines JSON lines that are not an object with a string text (skipped, else the job
 *     failed); 0 for other formats
 * @param blankLines blank JSON lines (the stream's text source reads them, then drops them)
 */
record JobInput(
    String path,
    String format,
    List<Path> files,
    String idCol,
    String textCol,
    String badInput,
    long badLines,
    long blankLines) {

  /** The files and format of {@code path}, before the JSON lines are checked. */
  static JobInput resolve(
      String path,
      String formatOption,
      String idCol,
      String textCol,
      String badInput,
      Configuration conf) {
    List<Path> files = InputFiles.resolve(path, conf);
    String format = InputFiles.format(formatOption, path, files);
    return new JobInput(path, format, files, idCol, textCol, badInput, 0, 0);
  }

  boolean isJson() {
    return format.equals("json");
  }

  /** {@code --bad-input skip} on JSON lines: bad lines are dropped and counted, not fatal. */
  boolean skipsBadJson() {
    return isJson() && badInput.equals("skip");
  }

  /** Lines a skipping line reader drops: the bad and the blank ones; 0 when nothing is skipped. */
  long droppedLines() {
    return skipsBadJson() ? badLines + blankLines : 0;
  }

  /**
   * JSON lines: every line of {@code files} checked before the schema is inferred; a bad line fails
   * the job unless {@code --bad-input skip}. Other formats are returned as they are.
   */
  JobInput checkJson(SparkSession spark, String[] files, String logPrefix, PrintStream out) {
    if (!isJson()) {
      return this;
    }
    JsonInput.Report bad = JsonInput.check(spark, textCol, files);
    if (bad.bad() > 0) {
      if (!skipsBadJson()) {
        throw JsonInput.failure(path, bad);
      }
      out.println(logPrefix + "--bad-input skip: skipping " + bad.describe());
    }
    return new JobInput(path, format, this.files, idCol, textCol, badInput, bad.bad(), bad.blank());
  }

  /** The reader options of a format ({@code csv}: a header line). */
  static Map<String, String> readOptions(String format) {
    return format.equals("csv") ? Map.of("header", "true") : Map.of();
  }

  /** The rows as read, without the bad JSON lines when they are skipped. */
  Dataset<Row> read(SparkSession spark) {
    Dataset<Row> raw;
    try {
      raw =
          switch (format) {
            case "parquet" -> spark.read().parquet(path);
            case "json" -> spark.read().json(path);
            case "csv" -> spark.read().options(readOptions(format)).csv(path);
            case "text" -> spark.read().text(path);
            default -> throw JobException.usage("unknown input format " + format);
          };
    } catch (JobException e) {
      throw e;
    } catch (Exception e) { // SparkException is checked but thrown undeclared from Scala
      throw readFailure(e);
    }
    return skipsBadJson()
        ? JsonInput.goodRows(spark.read().text(path), raw.schema(), textCol)
        : raw;
  }

  /** The failure of reading the input, naming it and its format. */
  JobException readFailure(Exception e) {
    return new JobException(
        JobException.FAILURE,
        "cannot read the input " + path + " as " + format + ": " + JobException.describe(e),
        e);
  }

  /** Text input: the line as the text column, and an id when it has none. */
  Dataset<Row> withId(Dataset<Row> df) {
    if (!format.equals("text")) {
      return df;
    }
    Dataset<Row> t = df.withColumnRenamed("value", textCol);
    return List.of(t.columns()).contains(idCol)
        ? t
        : t.withColumn(idCol, functions.monotonically_increasing_id());
  }

  /**
   * The id column, then {@code --keep-cols}, without repeats: each must be a column of {@code df}.
   */
  List<String> carriedColumns(Dataset<Row> df, List<String> keepCols) {
    List<String> columns = List.of(df.columns());
    LinkedHashSet<String> carried = new LinkedHashSet<>();
    carried.add(idCol);
    carried.addAll(keepCols);
    for (String c : carried) {
      if (!columns.contains(c)) {
        throw JobException.usage(
            "column \""
                + c
                + "\" ("
                + (c.equals(idCol) ? "--id-col" : "--keep-cols")
                + ") does not exist in "
                + path
                + "; the columns are "
                + columns);
      }
    }
    return new ArrayList<>(carried);
  }
}
