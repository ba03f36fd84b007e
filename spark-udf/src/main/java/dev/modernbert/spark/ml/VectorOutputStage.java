package dev.modernbert.spark.ml;

import dev.modernbert.encoder.options.ColumnOptions;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.Param;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * A stage whose output includes float vectors ({@link ModernBertEmbedder}, {@link
 * ModernBertClassifier}): adds the {@code outputType} Param that chooses their column type.
 */
public abstract class VectorOutputStage<S extends VectorOutputStage<S>> extends ModernBertStage<S> {
  private static final long serialVersionUID = 1L;

  private final Param<String> outputType;

  protected VectorOutputStage(String uid, String defaultOutputCol) {
    super(uid, defaultOutputCol);
    outputType = stringParam(ColumnOptions.OUTPUT_TYPE);
  }

  public Param<String> outputType() {
    return outputType;
  }

  public S setOutputType(String v) {
    set(outputType, v);
    return self();
  }

  public String getOutputType() {
    return $(outputType);
  }

  protected boolean vectorOutput() {
    return getOutputType().equals("vector");
  }

  /** A float-vector column's type for the current {@code outputType}. */
  protected DataType floatsType() {
    return vectorOutput()
        ? SQLDataTypes.VectorType()
        : DataTypes.createArrayType(DataTypes.FloatType, false);
  }
}
