package dev.modernbert.spark.ml;

import dev.modernbert.encoder.labels.MaskPrediction;
import dev.modernbert.encoder.options.TaskOptions;
import dev.modernbert.encoder.task.FillMask;
import java.util.List;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Spark ML Transformer: fill-mask with a {@code ModernBertForMaskedLM} checkpoint (such as {@code
 * demo}). For every mask token of a text (the tokenizer's {@code mask_token}, e.g. {@code [MASK]}),
 * the {@code topK} most likely tokens with their softmax probabilities. Appends {@code outputCol}
 * (default {@code predictions}): {@code
 * array<struct<position:int,token_id:int,token:string,score:float>>}, mask by mask in text order,
 * best first within a mask; {@code position} is the token index ({@code [CLS]} at 0). A text
 * without a mask gets an empty array. Same Params and machinery as {@link ModernBertEmbedder}
 * (without pooling, normalize and outputType).
 */
public class ModernBertFillMask extends ModernBertStage<ModernBertFillMask> {
  private static final long serialVersionUID = 1L;

  /** The element type of the predictions column. */
  public static final StructType PREDICTION =
      new StructType()
          .add("position", DataTypes.IntegerType, false)
          .add("token_id", DataTypes.IntegerType, false)
          .add("token", DataTypes.StringType, false)
          .add("score", DataTypes.FloatType, false);

  private final IntParam topK;

  public ModernBertFillMask() {
    this(Identifiable$.MODULE$.randomUID("ModernBertFillMask"));
  }

  public ModernBertFillMask(String uid) {
    super(uid, "predictions");
    topK = intParam(TaskOptions.TOP_K);
  }

  public IntParam topK() {
    return topK;
  }

  public ModernBertFillMask setTopK(int v) {
    set(topK, v);
    return this;
  }

  public int getTopK() {
    return (Integer) $(topK);
  }

  @Override
  public FillMask task() {
    return FillMask.of(getTopK());
  }

  @Override
  protected StageOutput<List<MaskPrediction>> output() {
    return new StageOutput<>(
        task(),
        List.of(
            new StageOutput.OutputColumn(
                field(getOutputCol(), DataTypes.createArrayType(PREDICTION, false)), "outputCol")),
        StageOutput.Rows.one(
            preds -> {
              Row[] rows = new Row[preds.size()];
              for (int i = 0; i < rows.length; i++) {
                MaskPrediction p = preds.get(i);
                rows[i] = RowFactory.create(p.position(), p.tokenId(), p.token(), p.score());
              }
              return new Object[] {rows};
            }));
  }

  public static MLReader<ModernBertFillMask> read() {
    return new DefaultParamsReader<>();
  }

  public static ModernBertFillMask load(String path) {
    return read().load(path);
  }
}
