package dev.modernbert.jobs;

import dev.modernbert.spark.executor.StageMetrics;
import dev.modernbert.spark.ml.ModernBertStage;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The task's stage as the job runs it, in a batch or a stream: the columns it reads (the carried
 * ones and the text) and the columns the output keeps (the carried ones, then the columns the
 * stage's own {@code transformSchema} appends).
 */
record JobStage(
    ModernBertStage<?> stage,
    List<String> inputColumns,
    List<String> outputColumns,
    int partitions) {

  /**
   * Checks the stage against the input's schema ({@code transformSchema}: the text column and its
   * type, the output columns new) and takes the columns it appends from the schema it returns.
   *
   * @param carried the id column and {@code --keep-cols}, checked to be in {@code inSchema}
   */
  static JobStage of(
      ModernBertStage<?> stage,
      JobInput input,
      StructType inSchema,
      List<String> carried,
      int partitions) {
    StructType outSchema;
    try {
      outSchema = stage.transformSchema(inSchema);
    } catch (IllegalArgumentException e) {
      throw JobException.usage(
          e.getMessage() + " (in " + input.path() + ", read as " + input.format() + ")");
    }
    List<String> in = new ArrayList<>(carried);
    if (!in.contains(input.textCol())) {
      in.add(input.textCol());
    }
    List<String> out = new ArrayList<>(carried);
    List<String> inNames = List.of(inSchema.fieldNames());
    for (StructField f : outSchema.fields()) {
      if (!inNames.contains(f.name())) {
        out.add(f.name());
      }
    }
    return new JobStage(stage, List.copyOf(in), List.copyOf(out), partitions);
  }

  /** The columns the stage reads, in {@code --partitions} partitions when given. */
  Dataset<Row> input(Dataset<Row> rows) {
    Dataset<Row> in = rows.select(cols(inputColumns));
    return partitions > 0 ? in.repartition(partitions) : in;
  }

  /** The stage over {@link #input}'s rows, as the output's columns. */
  Dataset<Row> transform(Dataset<Row> in, StageMetrics metrics) {
    return stage.transform(in, metrics).select(cols(outputColumns));
  }

  private static Column[] cols(List<String> names) {
    Column[] c = new Column[names.size()];
    for (int i = 0; i < c.length; i++) {
      c[i] = functions.col("`" + names.get(i).replace("`", "``") + "`");
    }
    return c;
  }
}
