package dev.modernbert.spark.ml;

import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.batch.BatchPlanner;
import dev.modernbert.encoder.config.CheckpointException;
import dev.modernbert.encoder.runtime.DeviceSpec;
import dev.modernbert.encoder.runtime.GemmRoute;
import dev.modernbert.encoder.task.TextTask;
import dev.modernbert.encoder.weights.HeadKind;
import dev.modernbert.encoder.weights.Weights;
import dev.modernbert.spark.executor.HadoopConf;
import dev.modernbert.spark.executor.ModelFiles;
import dev.modernbert.spark.executor.StageMetrics;
import dev.modernbert.spark.executor.StageSpec;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.runtime.AbstractFunction1;

/**
 * The common machinery of the ModernBERT Spark stages ({@link ModernBertEmbedder}, {@link
 * ModernBertClassifier}, {@link ModernBertTokenClassifier}, {@link ModernBertFillMask}): the shared
 * Params, schema validation, the driver-side head check, the windowed {@code mapPartitions} over
 * the executor's model cache and runner, the error policy, metrics and persistence. A stage adds
 * only its own Params, its {@link TextTask} and its {@link StageOutput} (the output columns). The
 * object holds only Params; models live on the executors, metrics in the {@link StageMetrics} a
 * {@link #transform(Dataset, StageMetrics)} call is given.
 *
 * @param <S> the stage's own type (setters return it)
 */
public abstract class ModernBertStage<S extends ModernBertStage<S>> extends Transformer
    implements DefaultParamsWritable {
  private static final long serialVersionUID = 1L;

  private final String uid;

  private final Param<String> inputCol;
  private final Param<String> outputCol;
  private final Param<String> modelPath;
  private final IntParam maxLength;
  private final IntParam batchTokens;
  private final IntParam maxBatchRows;
  private final IntParam sortWindowRows;
  private final Param<String> device;
  private final Param<String> dtype;
  private final Param<String> gemm;
  private final Param<String> onError;
  private final Param<String> errorCol;
  private final IntParam numThreads;

  /**
   * @param uid the stage's uid
   * @param outputDoc the doc string of {@code outputCol}
   * @param verb what a row's processing is called in docs ("embedded", "classified", ...)
   */
  protected ModernBertStage(String uid, String outputDoc, String verb) {
    this.uid = uid;
    inputCol = new Param<>(this, "inputCol", "input column of text (string)");
    outputCol = new Param<>(this, "outputCol", outputDoc);
    modelPath =
        new Param<>(
            this,
            "modelPath",
            "ModernBERT checkpoint folder: a local path present on every executor, any Hadoop"
                + " FileSystem URI (hdfs://, s3a://, file://, ...; copied once per executor), a"
                + " Hugging Face Hub id (org/name, org/name@revision or hf://org/name[@revision];"
                + " pinned to one commit on the driver, fetched into each executor's Hugging Face"
                + " cache), or demo");
    maxLength =
        new IntParam(
            this,
            "maxLength",
            "tokens per text after truncation, special tokens included (at least the tokenizer's"
                + " special-token count, checked when the model loads); 0 = the folder's"
                + " max_seq_length / model_max_length capped at max_position_embeddings, else"
                + " max_position_embeddings",
            ParamValidators.gtEq(0));
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
            "auto | cpu | cuda | cuda:N: auto uses the task's Spark GPU resource when it has one,"
                + " else the CPU; cuda requires a GPU resource",
            new Check<String>("device must be " + DeviceSpec.DEVICES, DeviceSpec::isValid));
    dtype =
        new Param<>(
            this,
            "dtype",
            "auto | float32 | float16 | bfloat16: auto is float16 on a GPU and float32 on the CPU;"
                + " bfloat16 runs the encoder's matrix products in bf16 on CPUs with AVX512-BF16"
                + " or AMX (the rest float32) and is refused elsewhere, and where gemm=auto measures"
                + " it no faster than float32",
            ParamValidators.inArray(DeviceSpec.DTYPES));
    gemm =
        new Param<>(
            this,
            "gemm",
            "auto | default | onednn: the CPU's matrix-product route; auto measures both at model"
                + " load and takes the faster (the outputs are the same); the others force one,"
                + " for A/B tests",
            ParamValidators.inArray(GemmRoute.CHOICES.toArray(new String[0])));
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
            "optional output column (string) with the reason a row could not be " + verb);
    numThreads =
        new IntParam(
            this,
            "numThreads",
            "libtorch intra-op threads of the executor's CPU runner; 0 = the executor's cores"
                + " (spark.executor.cores, else the available processors)",
            ParamValidators.gtEq(0));

    setDefault(inputCol, "text");
    setDefault(maxLength, 0);
    setDefault(batchTokens, BatchPlanner.DEFAULT_BATCH_TOKENS);
    setDefault(maxBatchRows, BatchPlanner.DEFAULT_MAX_BATCH_ROWS);
    setDefault(sortWindowRows, 1024);
    setDefault(device, "auto");
    setDefault(dtype, "auto");
    setDefault(gemm, "auto");
    setDefault(onError, "fail");
    setDefault(numThreads, 0);
  }

  /** An int or string validator with a message, for Params (serializable, as Spark needs). */
  protected static final class Check<T> extends AbstractFunction1<T, Object>
      implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String rule;
    private final SerializablePredicate<T> test;

    public Check(String rule, SerializablePredicate<T> test) {
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

  protected interface SerializablePredicate<T> extends Serializable {
    boolean test(T value);
  }

  @Override
  public String uid() {
    return uid;
  }

  @SuppressWarnings("unchecked")
  protected final S self() {
    return (S) this;
  }

  /** The stage's name in messages. */
  protected String stageName() {
    return getClass().getSimpleName();
  }

  /** What the encoder computes per row, from the current Params (the SQL functions reuse it). */
  public abstract TextTask<?> task();

  /**
   * This stage's task and the columns it appends, from the current Params (called on the driver by
   * {@link #transformSchema} and {@link #transform}).
   */
  protected abstract StageOutput<?> output();

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

  public Param<String> gemm() {
    return gemm;
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

  public S setInputCol(String v) {
    set(inputCol, v);
    return self();
  }

  public S setOutputCol(String v) {
    set(outputCol, v);
    return self();
  }

  public S setModelPath(String v) {
    set(modelPath, v);
    return self();
  }

  public S setMaxLength(int v) {
    set(maxLength, v);
    return self();
  }

  public S setBatchTokens(int v) {
    set(batchTokens, v);
    return self();
  }

  public S setMaxBatchRows(int v) {
    set(maxBatchRows, v);
    return self();
  }

  public S setSortWindowRows(int v) {
    set(sortWindowRows, v);
    return self();
  }

  public S setDevice(String v) {
    set(device, v);
    return self();
  }

  public S setDtype(String v) {
    set(dtype, v);
    return self();
  }

  public S setGemm(String v) {
    set(gemm, v);
    return self();
  }

  public S setOnError(String v) {
    set(onError, v);
    return self();
  }

  public S setErrorCol(String v) {
    set(errorCol, v);
    return self();
  }

  public S setNumThreads(int v) {
    set(numThreads, v);
    return self();
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

  public String getGemm() {
    return $(gemm);
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

  /**
   * What the executors need besides the task, from the Params (no model, nothing loaded). A Hub
   * id's revision is pinned here, on the driver, to the commit it is at now.
   */
  public StageSpec toSpec() {
    requireModelPath();
    String model;
    try {
      model = ModelFiles.pin(getModelPath());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(stageName() + ": " + e.getMessage(), e);
    }
    return new StageSpec(
        model,
        getMaxLength(),
        getBatchTokens(),
        getMaxBatchRows(),
        getSortWindowRows(),
        getDevice(),
        getDtype(),
        getGemm(),
        getNumThreads(),
        getOnError());
  }

  private void requireModelPath() {
    if (!isDefined(modelPath) || $(modelPath) == null || $(modelPath).isBlank()) {
      throw new IllegalArgumentException(
          stageName()
              + ": modelPath is not set (a local checkpoint folder, a Hadoop"
              + " FileSystem URI such as hdfs://, s3a:// or file://, a Hugging Face Hub id such as"
              + " org/name@revision, or demo)");
    }
  }

  /** A nullable output column. */
  protected static StructField field(String name, DataType type) {
    return new StructField(name, type, true, Metadata.empty());
  }

  @Override
  public StructType transformSchema(StructType schema) {
    requireModelPath();
    String in = getInputCol();
    List<String> names = Arrays.asList(schema.fieldNames());
    if (!names.contains(in)) {
      throw new IllegalArgumentException(
          stageName()
              + ": input column \""
              + in
              + "\" does not exist; the columns are "
              + names
              + " (set inputCol)");
    }
    DataType inType = schema.apply(in).dataType();
    if (!inType.equals(DataTypes.StringType)) {
      throw new IllegalArgumentException(
          stageName()
              + ": input column \""
              + in
              + "\" must be of type string, but it is "
              + inType.simpleString());
    }
    StructType result = schema;
    List<String> added = new ArrayList<>();
    for (StageOutput.OutputColumn column : output().columns()) {
      StructField f = column.field();
      String param = column.param();
      if (names.contains(f.name())) {
        throw new IllegalArgumentException(
            stageName()
                + ": output column \""
                + f.name()
                + "\" already exists (type "
                + schema.apply(f.name()).dataType().simpleString()
                + "); set "
                + param
                + " to a new column name");
      }
      if (added.contains(f.name())) {
        throw new IllegalArgumentException(
            stageName()
                + ": output column \""
                + f.name()
                + "\" is given twice; set "
                + param
                + " to another name");
      }
      added.add(f.name());
      result = result.add(f);
    }
    String err = getErrorCol();
    if (err != null) {
      if (names.contains(err) || added.contains(err)) {
        throw new IllegalArgumentException(
            stageName()
                + ": error column \""
                + err
                + "\" already exists; set errorCol to a new column name");
      }
      result = result.add(field(err, DataTypes.StringType));
    }
    return result;
  }

  /** {@link #transform(Dataset, StageMetrics)} with fresh accumulators. */
  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    return transform(dataset, StageMetrics.register(dataset.sparkSession().sparkContext()));
  }

  /**
   * Appends this stage's columns; {@code metrics} (registered by the caller, e.g. the job) are
   * filled once an action runs. The stage itself keeps no state.
   */
  public Dataset<Row> transform(Dataset<?> dataset, StageMetrics metrics) {
    StructType inSchema = dataset.schema();
    StructType outSchema = transformSchema(inSchema);
    StageSpec spec = toSpec();
    checkModelHead();
    Broadcast<HadoopConf> conf = hadoopConfFor(dataset.sparkSession(), spec.modelPath());
    return dataset
        .toDF()
        .mapPartitions(
            new StageRowsFunction<>(
                stageName(),
                spec,
                output(),
                inSchema.fieldIndex(getInputCol()),
                getInputCol(),
                getErrorCol() != null,
                metrics,
                conf),
            Encoders.row(outSchema));
  }

  /** The driver-side head check that {@link #transform} makes; callers may make it earlier. */
  public void checkModelHead() {
    requireModelPath();
    checkHeadOnDriver(stageName(), getModelPath(), task());
  }

  /**
   * Fails early, on the driver, when {@code modelPath} is {@code demo} or a local folder present
   * here and its checkpoint cannot be read (a corrupt or refused weights file, a bad config.json:
   * the loader's message) or lacks the head {@code head} needs (reads config.json and the weights'
   * headers only: a pickle's data.pkl, safetensors headers). Remote paths, Hub ids (their weights
   * are not fetched to the driver) and local paths absent on the driver are checked on the
   * executors when the model loads.
   *
   * @throws IllegalArgumentException naming the stage, the model path and the problem
   */
  public static void checkHeadOnDriver(String stage, String modelPath, TextTask<?> task) {
    Path dir = localModelDir(modelPath);
    if (dir == null) {
      return;
    }
    HeadKind has;
    try {
      has = Weights.headOf(dir);
    } catch (CheckpointException e) {
      // A checkpoint the loader refuses is bad input: the executors would refuse it the same way.
      throw new IllegalArgumentException(
          stage + ": modelPath " + modelPath + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      return; // unreadable here (I/O): the executors report it when they load the model
    }
    HeadKind needed = task.requiredHead();
    String problem = needed == null ? null : needed.problemFor(has, task.name());
    if (problem != null) {
      throw new IllegalArgumentException(stage + ": modelPath " + modelPath + ": " + problem);
    }
  }

  /**
   * The folder of {@code modelPath} when it is {@code demo} or a local folder present on the
   * driver; null for remote paths, Hub ids and paths the driver does not have.
   */
  protected static Path localModelDir(String modelPath) {
    if (ModelFiles.isRemote(modelPath) || ModelFiles.isHubId(modelPath)) {
      return null;
    }
    try {
      Path dir = ModernBertEncoder.resolveModel(modelPath);
      return Files.isDirectory(dir) ? dir : null;
    } catch (RuntimeException e) {
      return null; // not resolvable here: the executors report it
    }
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
  public S copy(ParamMap extra) {
    return defaultCopy(extra);
  }
}
