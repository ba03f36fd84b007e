package dev.modernbert.spark.ml;

import dev.modernbert.encoder.task.TextTask;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

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
      return new OneRow<>(values);
    }
  }

  /** {@link Rows#one}: a named class, so that {@link #sqlType} can tell one row from several. */
  private record OneRow<V>(Values<V> values) implements Rows<V> {
    @Override
    public List<Object[]> of(V value) {
      return List.<Object[]>of(values.of(value));
    }
  }

  /**
   * The type of a SQL function's value that returns this output: the column's type when a row's
   * value is one column of one row; a struct of the columns when it is several columns of one row;
   * an array of such structs when a row's value becomes several rows (a long text's chunks).
   */
  public DataType sqlType() {
    StructField[] fields = new StructField[columns.size()];
    for (int i = 0; i < fields.length; i++) {
      fields[i] = columns.get(i).field();
    }
    if (rows instanceof OneRow) {
      return fields.length == 1 ? fields[0].dataType() : new StructType(fields);
    }
    return DataTypes.createArrayType(new StructType(fields), false);
  }

  /** A row's value as the SQL value of {@link #sqlType} (never called with null). */
  public Object sqlValue(V value) {
    List<Object[]> values = rows.of(value);
    if (rows instanceof OneRow) {
      Object[] one = values.get(0);
      return one.length == 1 ? one[0] : RowFactory.create(one);
    }
    List<Row> structs = new ArrayList<>(values.size());
    for (Object[] v : values) {
      structs.add(RowFactory.create(v));
    }
    return structs;
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
