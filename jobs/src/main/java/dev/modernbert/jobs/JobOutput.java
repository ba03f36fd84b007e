package dev.modernbert.jobs;

import dev.modernbert.spark.ml.ModernBertEmbedder;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;

/** {@code --output}: whether it exists, and its rows counted as input rows. */
final class JobOutput {
  private JobOutput() {}

  static boolean exists(String output, Configuration conf) {
    try {
      Path p = new Path(output);
      return p.getFileSystem(conf).exists(p);
    } catch (IOException e) {
      throw JobException.usage("--output " + output + ": cannot check it: " + e.getMessage());
    }
  }

  /** {@code --mode error}: the output must not exist yet. */
  static void checkNew(String output, String mode, Configuration conf) {
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
  static long countRows(SparkSession spark, String output, String format, StructType schema) {
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
}
