package dev.modernbert.spark.ml;

import dev.modernbert.encoder.task.TextTask;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.types.StructField;

/**
 * What a {@link ModernBertStage} adds to the common machinery: the encoder task it requests, the
 * output columns it appends (each with the Param that names it, for messages), and how a row's
 * value becomes those columns' values.
 *
 * @param task what the encoder computes per row
 * @param columns the output columns, in order
 * @param rows a row's value as the output columns' values of the rows it becomes: one row for most
 *     stages, one per chunk of a long text (never called with null: a null or failed row gets null
 *     in every output column)
 */
public record StageOutput<V>(TextTask<V> task, List<OutputColumn> columns, Rows<V> rows)
    implements Serializable {

  /** An appended column and the Param that names it ({@code outputCol}, {@code probabilityCol}). */
  public record OutputColumn(StructField field, String param) implements Serializable {}

  /** A row's value as the values of the output columns, in {@link #columns} order. */
  @FunctionalInterface
  public interface Values<V> extends Serializable {
    Object[] of(V value);
  }

  /**
   * A row's value as the output columns' values of each row it becomes (at least one: an input row
   * is never dropped).
   */
  @FunctionalInterface
  public interface Rows<V> extends Serializable {
    List<Object[]> of(V value);

    /** One output row per input row, whose output columns' values are {@code values}. */
    static <V> Rows<V> one(Values<V> values) {
      return v -> List.<Object[]>of(values.of(v));
    }
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
