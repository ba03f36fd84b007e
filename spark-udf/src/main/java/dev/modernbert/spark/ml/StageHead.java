package dev.modernbert.spark.ml;

import dev.modernbert.spark.executor.RowHead;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.types.StructField;

/**
 * What a {@link ModernBertStage} adds to the common machinery: the executor-side {@link RowHead},
 * the output columns it appends (with the Param that names each, for messages), and how a row's
 * result becomes those columns' values.
 *
 * @param rowHead the task-side head (what the runner computes, and a row's result)
 * @param fields the output columns, in order
 * @param fieldParams the Param naming each output column ({@code outputCol}, {@code
 *     probabilityCol}, ...)
 * @param columns a row's result as the output columns' values (never called with null: a null or
 *     failed row gets null in every output column)
 */
public record StageHead<R>(
    RowHead<R> rowHead, List<StructField> fields, List<String> fieldParams, Columns<R> columns)
    implements Serializable {

  /** A row's result as the values of the output columns, in {@link #fields} order. */
  @FunctionalInterface
  public interface Columns<R> extends Serializable {
    Object[] of(R result);
  }

  /** A float vector as an ML dense vector ({@code vector}) or a {@code float[]} ({@code array}). */
  public static Object floats(float[] v, boolean vector) {
    if (v == null || !vector) {
      return v;
    }
    double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      d[i] = v[i];
    }
    return Vectors.dense(d);
  }
}
