package dev.modernbert.spark.ml;

import dev.modernbert.encoder.labels.SequenceClassification;
import dev.modernbert.encoder.options.ColumnOptions;
import dev.modernbert.encoder.task.SequenceClassify;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.DataTypes;

/**
 * Spark ML Transformer: sequence classification with a {@code ModernBertForSequenceClassification}
 * checkpoint. Appends the label ({@code outputCol}, a string named through {@code id2label}), the
 * per-label scores ({@code probabilityCol}: softmax probabilities for single-label, independent
 * sigmoids for multi-label, the single raw value for regression; a vector or {@code array<float>}
 * per {@code outputType}) and, when {@code rawPredictionCol} is set, the logits. Same Params,
 * executor model sharing, runner, metrics, error policy and persistence as {@link
 * ModernBertEmbedder} (without pooling and normalize: the checkpoint's {@code classifier_pooling}
 * is used).
 */
public class ModernBertClassifier extends VectorOutputStage<ModernBertClassifier> {
  private static final long serialVersionUID = 1L;

  private final Param<String> probabilityCol;
  private final Param<String> rawPredictionCol;

  public ModernBertClassifier() {
    this(Identifiable$.MODULE$.randomUID("ModernBertClassifier"));
  }

  public ModernBertClassifier(String uid) {
    super(uid, "label");
    probabilityCol = stringParam(ColumnOptions.PROBABILITY_COL);
    rawPredictionCol = stringParam(ColumnOptions.RAW_PREDICTION_COL);
  }

  public Param<String> probabilityCol() {
    return probabilityCol;
  }

  public Param<String> rawPredictionCol() {
    return rawPredictionCol;
  }

  public ModernBertClassifier setProbabilityCol(String v) {
    set(probabilityCol, v);
    return this;
  }

  public ModernBertClassifier setRawPredictionCol(String v) {
    set(rawPredictionCol, v);
    return this;
  }

  public String getProbabilityCol() {
    return $(probabilityCol);
  }

  /** The raw prediction column, or null when none is set. */
  public String getRawPredictionCol() {
    return isDefined(rawPredictionCol) ? $(rawPredictionCol) : null;
  }

  @Override
  public SequenceClassify task() {
    return new SequenceClassify();
  }

  @Override
  protected StageOutput<SequenceClassification> output() {
    boolean vector = vectorOutput();
    boolean raw = getRawPredictionCol() != null;
    List<StageOutput.OutputColumn> columns = new ArrayList<>();
    columns.add(
        new StageOutput.OutputColumn(field(getOutputCol(), DataTypes.StringType), "outputCol"));
    columns.add(
        new StageOutput.OutputColumn(field(getProbabilityCol(), floatsType()), "probabilityCol"));
    if (raw) {
      columns.add(
          new StageOutput.OutputColumn(
              field(getRawPredictionCol(), floatsType()), "rawPredictionCol"));
    }
    return new StageOutput<>(
        task(),
        columns,
        StageOutput.Rows.one(
            c ->
                raw
                    ? new Object[] {
                      c.label(),
                      StageOutput.floats(c.scores(), vector),
                      StageOutput.floats(c.logits(), vector)
                    }
                    : new Object[] {c.label(), StageOutput.floats(c.scores(), vector)}));
  }

  public static MLReader<ModernBertClassifier> read() {
    return new DefaultParamsReader<>();
  }

  public static ModernBertClassifier load(String path) {
    return read().load(path);
  }
}
