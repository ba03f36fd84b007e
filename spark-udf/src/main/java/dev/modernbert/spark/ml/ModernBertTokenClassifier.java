package dev.modernbert.spark.ml;

import dev.modernbert.encoder.labels.Entity;
import dev.modernbert.encoder.labels.TokenClassification;
import dev.modernbert.encoder.task.TokenClassify;
import java.util.List;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Spark ML Transformer: token classification (NER) with a {@code ModernBertForTokenClassification}
 * checkpoint. Appends {@code outputCol} (default {@code entities}): {@code
 * array<struct<start:int,end:int,label:string,score:float,text:string>>}, the entities grouped from
 * the per-token labels as the encoder does ({@code EntityGrouper}); {@code start}/{@code end} are
 * Java string (UTF-16) indices into the text. Same Params and machinery as {@link
 * ModernBertEmbedder} (without pooling, normalize and outputType).
 */
public class ModernBertTokenClassifier extends ModernBertStage<ModernBertTokenClassifier> {
  private static final long serialVersionUID = 1L;

  /** The element type of the entities column. */
  public static final StructType ENTITY =
      new StructType()
          .add("start", DataTypes.IntegerType, false)
          .add("end", DataTypes.IntegerType, false)
          .add("label", DataTypes.StringType, false)
          .add("score", DataTypes.FloatType, false)
          .add("text", DataTypes.StringType, false);

  public ModernBertTokenClassifier() {
    this(Identifiable$.MODULE$.randomUID("ModernBertTokenClassifier"));
  }

  public ModernBertTokenClassifier(String uid) {
    super(uid, "entities");
  }

  @Override
  public TokenClassify task() {
    return new TokenClassify();
  }

  @Override
  protected StageOutput<TokenClassification> output() {
    return new StageOutput<>(
        task(),
        List.of(
            new StageOutput.OutputColumn(
                field(getOutputCol(), DataTypes.createArrayType(ENTITY, false)), "outputCol")),
        StageOutput.Rows.one(
            t -> {
              Row[] rows = new Row[t.entities().size()];
              for (int i = 0; i < rows.length; i++) {
                Entity e = t.entities().get(i);
                rows[i] = RowFactory.create(e.start(), e.end(), e.label(), e.score(), e.text());
              }
              return new Object[] {rows};
            }));
  }

  public static MLReader<ModernBertTokenClassifier> read() {
    return new DefaultParamsReader<>();
  }

  public static ModernBertTokenClassifier load(String path) {
    return read().load(path);
  }
}
