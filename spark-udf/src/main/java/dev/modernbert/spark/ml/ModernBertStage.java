package dev.modernbert.spark.ml;

import dev.modernbert.encoder.checkpoint.CheckpointException;
import dev.modernbert.encoder.options.ColumnOptions;
import dev.modernbert.encoder.options.Option;
import dev.modernbert.encoder.options.RunOptions;
import dev.modernbert.encoder.runtime.DeviceSpec;
import dev.modernbert.encoder.runtime.DtypeSpec;
import dev.modernbert.encoder.runtime.GemmSpec;
import dev.modernbert.encoder.source.ModelSource;
import dev.modernbert.encoder.task.TextTask;
import dev.modernbert.encoder.weights.HeadKind;
import dev.modernbert.encoder.weights.Weights;
import dev.modernbert.spark.executor.HadoopConf;
import dev.modernbert.spark.executor.ModelFiles;
import dev.modernbert.spark.executor.StageMetrics;
import dev.modernbert.spark.executor.StageSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
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

  /** The option declaration behind each Param, by Param name (see {@link #option}). */
  private final Map<String, Option<?>> declarations = new LinkedHashMap<>();

  /**
   * @param uid the stage's uid
   * @param defaultOutputCol the default of {@code outputCol}
   */
  protected ModernBertStage(String uid, String defaultOutputCol) {
    this.uid = uid;
    inputCol = stringParam(ColumnOptions.INPUT_COL);
    outputCol = stringParam(ColumnOptions.OUTPUT_COL.withDefault(defaultOutputCol));
    modelPath = stringParam(RunOptions.MODEL_PATH);
    maxLength = intParam(RunOptions.MAX_LENGTH);
    batchTokens = intParam(RunOptions.BATCH_TOKENS);
    maxBatchRows = intParam(RunOptions.MAX_BATCH_ROWS);
    sortWindowRows = intParam(RunOptions.SORT_WINDOW_ROWS);
    device = stringParam(RunOptions.DEVICE);
    dtype = stringParam(RunOptions.DTYPE);
    gemm = stringParam(RunOptions.GEMM);
    onError = stringParam(ColumnOptions.ON_ERROR);
    errorCol = stringParam(ColumnOptions.ERROR_COL);
    numThreads = intParam(RunOptions.NUM_THREADS);
  }

  /** A string Param declared by {@code o}, with its default. */
  protected final Param<String> stringParam(Option<String> o) {
    return declared(OptionParams.string(this, o), o);
  }

  /** An int Param declared by {@code o}, with its default. */
  protected final IntParam intParam(Option<Integer> o) {
    return declared(OptionParams.integer(this, o), o);
  }

  /** A boolean Param declared by {@code o}, with its default. */
  protected final BooleanParam boolParam(Option<Boolean> o) {
    return declared(OptionParams.bool(this, o), o);
  }

  @SuppressWarnings("unchecked")
  private <P extends Param<?>, T> P declared(P param, Option<T> o) {
    if (declarations.putIfAbsent(o.name(), o) != null) {
      throw new IllegalStateException(o.name() + " declared twice");
    }
    if (o.defaultValue() != null) {
      setDefault((Param<T>) param, o.defaultValue());
    }
    return param;
  }

  /**
   * The declaration of the Param called {@code name}: how its text form is read and checked (the
   * job's flags and the SQL functions' options set Params from text).
   *
   * @throws IllegalArgumentException naming the Params when there is no such Param
   */
  public Option<?> option(String name) {
    Option<?> o = declarations.get(name);
    if (o == null) {
      throw new IllegalArgumentException(
          stageName() + " has no Param " + name + "; its Params: " + declarations.keySet());
    }
    return o;
  }

  /**
   * The value of a Param whose declaration is {@linkplain Option#required required}.
   *
   * @throws IllegalArgumentException naming the setters to call when it is not set
   */
  protected final <T> T requiredValue(Param<T> p) {
    if (!isDefined(p)) {
      throw new IllegalArgumentException(
          stageName() + ": " + OptionParams.notSet(option(p.name())));
    }
    return $(p);
  }

  /**
   * Checks that every Param declared {@linkplain Option#required required} is set.
   *
   * @throws IllegalArgumentException naming the first one that is not, and how to set it
   */
  public void checkRequired() {
    for (Option<?> o : declarations.values()) {
      if (o.isRequired()) {
        requiredValue(getParam(o.name()));
      }
    }
  }

  /** The declarations of all Params, in declaration order. */
  public List<Option<?>> options() {
    return List.copyOf(declarations.values());
  }

  /**
   * Sets the Param called {@code name} from its text form, read and checked by its declaration
   * ({@link #option}); {@code label} names the option in an error (a flag, a SQL option key).
   */
  public S setFromText(String name, String text, String label) {
    set(getParam(name), option(name).parse(label, text));
    return self();
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

  /**
   * The task, output columns and row values for the current Params: what a SQL function over this
   * stage computes and returns ({@link StageOutput#sqlType}).
   */
  public final StageOutput<?> stageOutput() {
    return output();
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
    ModelSource model;
    try {
      model = ModelFiles.pin(modelSource());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(stageName() + ": " + e.getMessage(), e);
    }
    return new StageSpec(
        model,
        getMaxLength(),
        getBatchTokens(),
        getMaxBatchRows(),
        getSortWindowRows(),
        DeviceSpec.parse(getDevice()),
        DtypeSpec.parse(getDtype()),
        GemmSpec.parse(getGemm()),
        getNumThreads(),
        getOnError());
  }

  /**
   * The {@code modelPath} Param, parsed ({@link ModelSource#parse}); not pinned, so nothing is
   * asked of the Hub.
   */
  public ModelSource modelSource() {
    if (!isDefined(modelPath) || $(modelPath) == null || $(modelPath).isBlank()) {
      throw new IllegalArgumentException(
          stageName() + ": modelPath is not set (" + ModelSource.FORMS + ")");
    }
    try {
      return ModelSource.parse($(modelPath));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(stageName() + ": modelPath: " + e.getMessage(), e);
    }
  }

  /** A nullable output column. */
  protected static StructField field(String name, DataType type) {
    return new StructField(name, type, true, Metadata.empty());
  }

  @Override
  public StructType transformSchema(StructType schema) {
    modelSource(); // set and well-formed
    checkRequired();
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
    Broadcast<HadoopConf> conf = hadoopConfFor(dataset.sparkSession(), spec.model());
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
    checkHeadOnDriver(stageName(), modelSource(), task());
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
  public static void checkHeadOnDriver(String stage, ModelSource model, TextTask<?> task) {
    Optional<Path> folder = model.folderHere();
    if (folder.isEmpty()) {
      return;
    }
    String modelPath = model.spec();
    Path dir = folder.get();
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

  /** A broadcast Hadoop configuration for a remote model path, else null. */
  public static Broadcast<HadoopConf> hadoopConfFor(SparkSession spark, ModelSource model) {
    if (!(model instanceof ModelSource.HadoopUri)) {
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
