package dev.modernbert.spark.ml;

import dev.modernbert.encoder.pool.Pooling;
import dev.modernbert.encoder.task.Embed;
import java.util.List;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.DataType;

/**
 * Spark ML Transformer: a string column in, a ModernBERT sentence embedding column out ({@code
 * array<float>} or an ML vector). Any checkpoint embeds: a classifier or MLM checkpoint embeds with
 * its encoder (its task head is not used). The object holds only Params; the model is loaded on the
 * executors (once per executor JVM, see {@code ExecutorModels}) and shared by their tasks. See
 * docs/spark-layer.md for the Params, the executor cache, GPU resolution and the error policy.
 */
public class ModernBertEmbedder extends VectorOutputStage<ModernBertEmbedder> {
  private static final long serialVersionUID = 1L;

  private final Param<String> pooling;
  private final BooleanParam normalize;

  public ModernBertEmbedder() {
    this(Identifiable$.MODULE$.randomUID("ModernBertEmbedder"));
  }

  public ModernBertEmbedder(String uid) {
    super(
        uid,
        "output column of embeddings",
        "array (array<float>) | vector (ML VectorUDT)",
        "embedded");
    pooling =
        new Param<>(
            this,
            "pooling",
            "cls | mean | auto: auto uses the checkpoint's sentence-transformers"
                + " 1_Pooling/config.json when present, else cls",
            ParamValidators.inArray(List.of("auto", "cls", "mean")));
    normalize = new BooleanParam(this, "normalize", "L2-normalise each embedding");
    setDefault(outputCol(), "embedding");
    setDefault(pooling, "auto");
    setDefault(normalize, false);
  }

  public Param<String> pooling() {
    return pooling;
  }

  public BooleanParam normalize() {
    return normalize;
  }

  public ModernBertEmbedder setPooling(String v) {
    set(pooling, v);
    return this;
  }

  public ModernBertEmbedder setNormalize(boolean v) {
    set(normalize, v);
    return this;
  }

  public String getPooling() {
    return $(pooling);
  }

  public boolean getNormalize() {
    return (Boolean) $(normalize);
  }

  // ---- precision: how the vector is stored (VectorPrecision) ----

  private final Param<String> precision =
      new Param<>(
          this,
          "precision",
          "float32 | float16 (binary: little-endian IEEE halves) | binary | ubinary (binary: the"
              + " sign bits as sentence-transformers' quantize_embeddings packs them); all but"
              + " float32 need outputType array",
          ParamValidators.inArray(VectorPrecision.NAMES));

  {
    setDefault(precision, "float32");
  }

  public Param<String> precision() {
    return precision;
  }

  public ModernBertEmbedder setPrecision(String v) {
    set(precision, v);
    return this;
  }

  public String getPrecision() {
    return $(precision);
  }

  /** The output column's type for the current {@code outputType} and {@code precision}. */
  public DataType outputDataType() {
    VectorPrecision p = VectorPrecision.parse(getPrecision());
    if (p == VectorPrecision.FLOAT32) {
      return floatsType();
    }
    if (vectorOutput()) {
      throw new IllegalArgumentException(
          "precision "
              + getPrecision()
              + " stores packed bytes, which an ML vector cannot hold; set outputType array"
              + " (or precision float32)");
    }
    return p.packedType();
  }

  @Override
  public Embed task() {
    return new Embed(Pooling.parse(getPooling()), getNormalize());
  }

  @Override
  protected StageOutput<float[]> output() {
    boolean vector = vectorOutput();
    VectorPrecision p = VectorPrecision.parse(getPrecision());
    return new StageOutput<>(
        task(),
        List.of(new StageOutput.OutputColumn(field(getOutputCol(), outputDataType()), "outputCol")),
        p == VectorPrecision.FLOAT32
            ? v -> new Object[] {StageOutput.floats(v, vector)}
            : v -> new Object[] {p.pack(v)});
  }

  public static MLReader<ModernBertEmbedder> read() {
    return new DefaultParamsReader<>();
  }

  public static ModernBertEmbedder load(String path) {
    return read().load(path);
  }
}
