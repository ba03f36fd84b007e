package dev.modernbert.spark.ml;

import dev.modernbert.encoder.EncoderOptions;
import dev.modernbert.spark.executor.EmbedMetrics;
import dev.modernbert.spark.executor.EmbedSpec;
import dev.modernbert.spark.executor.HadoopConf;
import dev.modernbert.spark.executor.ModelFiles;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.runtime.AbstractFunction1;

/**
 * Spark ML Transformer: a string column in, a ModernBERT sentence embedding column out ({@code
 * array<float>} or an ML vector). The object holds only Params; the model is loaded on the
 * executors (once per executor JVM, see {@code ExecutorModels}) and shared by their tasks. See
 * docs/spark-layer.md for the Params, the executor cache, GPU resolution and the error policy.
 */
public class ModernBertEmbedder extends Transformer implements DefaultParamsWritable {
  private static final long serialVersionUID = 1L;

  private final String uid;

  private final Param<String> inputCol;
  private final Param<String> outputCol;
  private final Param<String> modelPath;
  private final Param<String> pooling;
  private final BooleanParam normalize;
  private final IntParam maxLength;
  private final IntParam batchTokens;
  private final IntParam maxBatchRows;
  private final IntParam sortWindowRows;
  private final Param<String> device;
  private final Param<String> dtype;
  private final Param<String> outputType;
  private final Param<String> onError;
  private final Param<String> errorCol;
  private final IntParam numThreads;

  public ModernBertEmbedder() {
    this(Identifiable$.MODULE$.randomUID("ModernBertEmbedder"));
  }

  public ModernBertEmbedder(String uid) {
    this.uid = uid;
    inputCol = new Param<>(this, "inputCol", "input column of text (string)");
    outputCol = new Param<>(this, "outputCol", "output column of embeddings");
    modelPath =
        new Param<>(
            this,
            "modelPath",
            "ModernBERT checkpoint folder: a local path present on every executor, any Hadoop"
                + " FileSystem URI (hdfs://, s3a://, file://, ...; copied once per executor), or"
                + " demo");
    pooling =
        new Param<>(
            this,
            "pooling",
            "cls | mean | auto: auto uses the checkpoint's sentence-transformers"
                + " 1_Pooling/config.json when present, else cls",
            ParamValidators.inArray(List.of("auto", "cls", "mean")));
    normalize = new BooleanParam(this, "normalize", "L2-normalise each embedding");
    maxLength =
        new IntParam(
            this,
            "maxLength",
            "tokens per text after truncation ([CLS] and [SEP] included); 0 = the model's maximum",
            new Check<Object>(
                "maxLength must be 0 or at least 2", v -> (Integer) v == 0 || (Integer) v >= 2));
    batchTokens =
        new IntParam(
            this,
            "batchTokens",
            "padded-token budget per batch (rows x longest)",
            ParamValidators.gt(0));
    maxBatchRows = new IntParam(this, "maxBatchRows", "most rows per batch", ParamValidators.gt(0));
    sortWindowRows =
        new IntParam(
            this,
            "sortWindowRows",
            "rows a task gathers, length-sorts and submits together; bounds memory per task",
            ParamValidators.gt(0));
    device =
        new Param<>(
            this,
            "device",
            "auto | cpu | cuda: auto uses the task's Spark GPU resource when it has one, else the"
                + " CPU; cuda requires a GPU resource",
            new Check<String>(
                "device must be auto, cpu, cuda or cuda:N",
                v -> List.of("auto", "cpu", "cuda").contains(v) || v.matches("cuda:\\d+")));
    dtype =
        new Param<>(
            this,
            "dtype",
            "auto | float32 | float16: auto is float16 on a GPU and float32 on the CPU",
            ParamValidators.inArray(List.of("auto", "float32", "float16")));
    outputType =
        new Param<>(
            this,
            "outputType",
            "array (array<float>) | vector (ML VectorUDT)",
            ParamValidators.inArray(List.of("array", "vector")));
    onError =
        new Param<>(
            this,
            "onError",
            "fail | null: fail fails the task naming the row; null outputs null (and the reason in"
                + " errorCol when set)",
            ParamValidators.inArray(List.of("fail", "null")));
    errorCol =
        new Param<>(
            this,
            "errorCol",
            "optional output column (string) with the reason a row could not be embedded");
    numThreads =
        new IntParam(
            this,
            "numThreads",
            "libtorch intra-op threads of the executor's CPU runner; 0 = the executor's cores"
                + " (spark.executor.cores, else the available processors)",
            ParamValidators.gtEq(0));

    setDefault(inputCol, "text");
    setDefault(outputCol, "embedding");
    setDefault(pooling, "auto");
    setDefault(normalize, false);
    setDefault(maxLength, 0);
    setDefault(batchTokens, EncoderOptions.DEFAULT_BATCH_TOKENS);
    setDefault(maxBatchRows, EncoderOptions.DEFAULT_MAX_BATCH_ROWS);
    setDefault(sortWindowRows, 1024);
    setDefault(device, "auto");
    setDefault(dtype, "auto");
    setDefault(outputType, "array");
    setDefault(onError, "fail");
    setDefault(numThreads, 0);
  }

  /** An int or string validator with a message, for Params (serializable, as Spark needs). */
  private static final class Check<T> extends AbstractFunction1<T, Object> implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String rule;
    private final SerializablePredicate<T> test;

    Check(String rule, SerializablePredicate<T> test) {
      this.rule = rule;
      this.test = test;
    }

    @Override
    public Object apply(T value) {
      return value != null && test.test(value);
    }

    @Override
    public String toString() {
      return rule;
    }
  }

  private interface SerializablePredicate<T> extends Serializable {
    boolean test(T value);
  }

  @Override
  public String uid() {
    return uid;
  }

  // ---- Params (public no-arg accessors: Spark finds Params by reflection) ----

  public Param<String> inputCol() {
    return inputCol;
  }

  public Param<String> outputCol() {
    return outputCol;
  }

  public Param<String> modelPath() {
    return modelPath;
  }

  public Param<String> pooling() {
    return pooling;
  }

  public BooleanParam normalize() {
    return normalize;
  }

  public IntParam maxLength() {
    return maxLength;
  }

  public IntParam batchTokens() {
    return batchTokens;
  }

  public IntParam maxBatchRows() {
    return maxBatchRows;
  }

  public IntParam sortWindowRows() {
    return sortWindowRows;
  }

  public Param<String> device() {
    return device;
  }

  public Param<String> dtype() {
    return dtype;
  }

  public Param<String> outputType() {
    return outputType;
  }

  public Param<String> onError() {
    return onError;
  }

  public Param<String> errorCol() {
    return errorCol;
  }

  public IntParam numThreads() {
    return numThreads;
  }

  // ---- setters ----

  public ModernBertEmbedder setInputCol(String v) {
    set(inputCol, v);
    return this;
  }

  public ModernBertEmbedder setOutputCol(String v) {
    set(outputCol, v);
    return this;
  }

  public ModernBertEmbedder setModelPath(String v) {
    set(modelPath, v);
    return this;
  }

  public ModernBertEmbedder setPooling(String v) {
    set(pooling, v);
    return this;
  }

  public ModernBertEmbedder setNormalize(boolean v) {
    set(normalize, v);
    return this;
  }

  public ModernBertEmbedder setMaxLength(int v) {
    set(maxLength, v);
    return this;
  }

  public ModernBertEmbedder setBatchTokens(int v) {
    set(batchTokens, v);
    return this;
  }

  public ModernBertEmbedder setMaxBatchRows(int v) {
    set(maxBatchRows, v);
    return this;
  }

  public ModernBertEmbedder setSortWindowRows(int v) {
    set(sortWindowRows, v);
    return this;
  }

  public ModernBertEmbedder setDevice(String v) {
    set(device, v);
    return this;
  }

  public ModernBertEmbedder setDtype(String v) {
    set(dtype, v);
    return this;
  }

  public ModernBertEmbedder setOutputType(String v) {
    set(outputType, v);
    return this;
  }

  public ModernBertEmbedder setOnError(String v) {
    set(onError, v);
    return this;
  }

  public ModernBertEmbedder setErrorCol(String v) {
    set(errorCol, v);
    return this;
  }

  public ModernBertEmbedder setNumThreads(int v) {
    set(numThreads, v);
    return this;
  }

  // ---- getters ----

  public String getInputCol() {
    return $(inputCol);
  }

  public String getOutputCol() {
    return $(outputCol);
  }

  /** The model path; throws when it is not set. */
  public String getModelPath() {
    return $(modelPath);
  }

  public String getPooling() {
    return $(pooling);
  }

  public boolean getNormalize() {
    return (Boolean) $(normalize);
  }

  public int getMaxLength() {
    return (Integer) $(maxLength);
  }

  public int getBatchTokens() {
    return (Integer) $(batchTokens);
  }

  public int getMaxBatchRows() {
    return (Integer) $(maxBatchRows);
  }

  public int getSortWindowRows() {
    return (Integer) $(sortWindowRows);
  }

  public String getDevice() {
    return $(device);
  }

  public String getDtype() {
    return $(dtype);
  }

  public String getOutputType() {
    return $(outputType);
  }

  public String getOnError() {
    return $(onError);
  }

  /** The error column, or null when none is set. */
  public String getErrorCol() {
    return isDefined(errorCol) ? $(errorCol) : null;
  }

  public int getNumThreads() {
    return (Integer) $(numThreads);
  }

  /** What the executors need, resolved from the Params (no model, nothing loaded). */
  public EmbedSpec toSpec() {
    requireModelPath();
    return new EmbedSpec(
        getModelPath(),
        getPooling(),
        getNormalize(),
        getMaxLength(),
        getBatchTokens(),
        getMaxBatchRows(),
        getSortWindowRows(),
        getDevice(),
        getDtype(),
        getNumThreads(),
        getOnError());
  }

  private void requireModelPath() {
    if (!isDefined(modelPath) || $(modelPath) == null || $(modelPath).isBlank()) {
      throw new IllegalArgumentException(
          "ModernBertEmbedder: modelPath is not set (a local checkpoint folder, a Hadoop"
              + " FileSystem URI such as hdfs://, s3a:// or file://, or demo)");
    }
  }

  /** The output column's type for the current {@code outputType}. */
  public DataType outputDataType() {
    return getOutputType().equals("vector")
        ? SQLDataTypes.VectorType()
        : DataTypes.createArrayType(DataTypes.FloatType, false);
  }

  @Override
  public StructType transformSchema(StructType schema) {
    requireModelPath();
    String in = getInputCol();
    List<String> names = Arrays.asList(schema.fieldNames());
    if (!names.contains(in)) {
      throw new IllegalArgumentException(
          "ModernBertEmbedder: input column \""
              + in
              + "\" does not exist; the columns are "
              + names
              + " (set inputCol)");
    }
    DataType inType = schema.apply(in).dataType();
    if (!inType.equals(DataTypes.StringType)) {
      throw new IllegalArgumentException(
          "ModernBertEmbedder: input column \""
              + in
              + "\" must be of type string, but it is "
              + inType.simpleString());
    }
    String out = getOutputCol();
    if (names.contains(out)) {
      throw new IllegalArgumentException(
          "ModernBertEmbedder: output column \""
              + out
              + "\" already exists (type "
              + schema.apply(out).dataType().simpleString()
              + "); set outputCol to a new column name");
    }
    StructType result = schema.add(new StructField(out, outputDataType(), true, emptyMetadata()));
    String err = getErrorCol();
    if (err != null) {
      if (names.contains(err) || err.equals(out)) {
        throw new IllegalArgumentException(
            "ModernBertEmbedder: error column \""
                + err
                + "\" already exists; set errorCol to a new column name");
      }
      result = result.add(new StructField(err, DataTypes.StringType, true, emptyMetadata()));
    }
    return result;
  }

  private static org.apache.spark.sql.types.Metadata emptyMetadata() {
    return org.apache.spark.sql.types.Metadata.empty();
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType inSchema = dataset.schema();
    StructType outSchema = transformSchema(inSchema);
    EmbedSpec spec = toSpec();
    SparkSession spark = dataset.sparkSession();
    EmbedMetrics metrics = EmbedMetrics.register(spark.sparkContext());
    Broadcast<HadoopConf> conf = hadoopConfFor(spark, spec.modelPath());
    EmbedRowsFunction fn =
        new EmbedRowsFunction(
            spec,
            inSchema.fieldIndex(getInputCol()),
            getInputCol(),
            getOutputType().equals("vector"),
            getErrorCol() != null,
            metrics,
            conf);
    lastMetrics = metrics;
    return dataset.toDF().mapPartitions(fn, Encoders.row(outSchema));
  }

  private transient EmbedMetrics lastMetrics;

  /**
   * The accumulators of the latest {@link #transform} call on this object (filled once an action
   * has run), or null.
   */
  public EmbedMetrics lastMetrics() {
    return lastMetrics;
  }

  /** A broadcast Hadoop configuration for a remote model path, else null. */
  public static Broadcast<HadoopConf> hadoopConfFor(SparkSession spark, String modelPath) {
    if (!ModelFiles.isRemote(modelPath)) {
      return null;
    }
    return JavaSparkContext.fromSparkContext(spark.sparkContext())
        .broadcast(new HadoopConf(spark.sparkContext().hadoopConfiguration()));
  }

  @Override
  public ModernBertEmbedder copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  public static MLReader<ModernBertEmbedder> read() {
    return new DefaultParamsReader<>();
  }

  public static ModernBertEmbedder load(String path) {
    return read().load(path);
  }
}
