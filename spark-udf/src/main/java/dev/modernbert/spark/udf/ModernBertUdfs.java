package dev.modernbert.spark.udf;

import dev.modernbert.encoder.colbert.MaxSim;
import dev.modernbert.encoder.labels.SequenceClassification;
import dev.modernbert.encoder.options.Option;
import dev.modernbert.encoder.task.Outcome;
import dev.modernbert.encoder.task.Output;
import dev.modernbert.encoder.task.TextTask;
import dev.modernbert.spark.executor.HadoopConf;
import dev.modernbert.spark.executor.RowPolicy;
import dev.modernbert.spark.executor.StageMetrics;
import dev.modernbert.spark.executor.StageSpec;
import dev.modernbert.spark.executor.TextRunner;
import dev.modernbert.spark.ml.ModernBertClassifier;
import dev.modernbert.spark.ml.ModernBertEmbedder;
import dev.modernbert.spark.ml.ModernBertStage;
import dev.modernbert.spark.ml.ModernBertStages;
import dev.modernbert.spark.ml.StageOutput;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.param.Param;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * SQL functions over the same executor-side model cache and runner as {@link ModernBertEmbedder}:
 *
 * <pre>
 *   ModernBertUdfs.register(spark, "embed", Map.of("modelPath", "hdfs:///models/mb", "pooling", "mean"));
 *   spark.sql("SELECT id, embed(text) FROM docs");
 *   spark.sql("SELECT id, embed_batch(collect_list(text)) FROM docs GROUP BY id");
 * </pre>
 *
 * {@code name(text STRING) -> ARRAY<FLOAT>} embeds one text per call (rows of concurrent tasks
 * still share batches in the executor's runner); {@code name_batch(texts ARRAY<STRING>) ->
 * ARRAY<ARRAY<FLOAT>>} embeds a whole array per call, in windows of {@code sortWindowRows}. With
 * {@code longText} chunk or late and {@code aggregate} none, a text's value is its chunks, {@code
 * ARRAY<}{@link #CHUNK}{@code >}.
 *
 * <p>Every output of the registry ({@link Output}) has the same two functions through {@link
 * #register(SparkSession, Output, String, Map)}: a text's value is its stage's output columns.
 *
 * <p>Classification: {@link #registerClassifier} registers {@code name(text STRING) -> STRUCT<label
 * STRING, score FLOAT>} over a {@code ModernBertForSequenceClassification} checkpoint, with the
 * same results as {@link ModernBertClassifier} ({@code score} is the label's score).
 */
public final class ModernBertUdfs {
  /** Options that only make sense for the Transformer's columns. */
  static final Set<String> TRANSFORMER_ONLY =
      Set.of(
          "inputCol",
          "outputCol",
          "outputType",
          "precision",
          "errorCol",
          "probabilityCol",
          "rawPredictionCol");

  /** The classification UDF's result type. */
  public static final StructType CLASSIFICATION =
      new StructType()
          .add("label", DataTypes.StringType, true)
          .add("score", DataTypes.FloatType, true);

  /**
   * One chunk of a long text ({@code longText} chunk or late with {@code aggregate} none): the
   * embedding function then returns {@code ARRAY<STRUCT<...>>}, one element per chunk. The
   * embedder's chunk columns ({@link ModernBertEmbedder#CHUNK_COLUMNS}, then {@code embedding}).
   */
  public static final StructType CHUNK =
      (StructType)
          ((ArrayType) new ModernBertEmbedder().setLongText("chunk").stageOutput().sqlType())
              .elementType();

  private ModernBertUdfs() {}

  /**
   * Registers {@code name} and {@code name_batch} over {@link ModernBertEmbedder}. Options are the
   * Transformer's Params by name (modelPath is required; pooling, normalize, prompt, promptName,
   * truncateDim, maxLength, batchTokens, maxBatchRows, sortWindowRows, device, dtype, gemm,
   * onError, numThreads, and the long-text Params), as strings.
   */
  public static void register(SparkSession spark, String name, Map<String, String> options) {
    register(spark, Output.EMBED, name, options);
  }

  /**
   * Registers {@code name(text STRING)} and {@code name_batch(texts ARRAY<STRING>)} computing
   * {@code output} ({@link Output#id}: embed, classify, token-classify, fill-mask, colbert) as its
   * stage ({@link ModernBertStages}) computes it. A text's value is the stage's output columns: the
   * column's type when the stage adds one column, a struct of them when it adds several, an array
   * of such structs when a text becomes several rows ({@link StageOutput#sqlType}). Options are the
   * stage's Params by name, as strings (modelPath is required; the column Params do not apply). A
   * checkpoint without the output's head is refused here when modelPath is local or {@code demo},
   * else when a task loads it.
   */
  public static void register(
      SparkSession spark, Output output, String name, Map<String, String> options) {
    ModernBertStage<?> stage = configure(ModernBertStages.create(output), options);
    StageSpec spec = stage.toSpec();
    ModernBertStage.checkHeadOnDriver(name, spec.model(), stage.task());
    register(spark, name, spec, stage.stageOutput());
  }

  /**
   * {@link #register(SparkSession, Output, String, Map)} with the output by its id ({@code
   * "fill-mask"}), for callers that have no Java enum (Python, through py4j).
   *
   * @throws IllegalArgumentException naming an unknown output and the known ones
   */
  public static void register(
      SparkSession spark, String output, String name, Map<String, String> options) {
    register(spark, Output.of(output), name, options);
  }

  /** Registers {@code name} (one text) and {@code name_batch} (an array of texts). */
  private static <V> void register(
      SparkSession spark, String name, StageSpec spec, StageOutput<V> output) {
    SqlFunction<V> f = SqlFunction.of(name, spark, spec, output.task());
    DataType type = output.sqlType();
    spark.udf().register(name, new Scalar<>(f, output::sqlValue), type);
    spark
        .udf()
        .register(
            name + "_batch",
            new Batch<>(f.renamed(name + "_batch"), output::sqlValue),
            DataTypes.createArrayType(type, true));
  }

  /**
   * Registers {@code name(text STRING) -> STRUCT<label STRING, score FLOAT>}: sequence
   * classification, as {@link ModernBertClassifier} computes it. Options are that Transformer's
   * Params by name (modelPath is required; maxLength, batchTokens, maxBatchRows, sortWindowRows,
   * device, dtype, gemm, onError, numThreads), as strings. A checkpoint without a
   * sequence-classification head is refused here when modelPath is local or {@code demo}, else when
   * a task loads it.
   */
  public static void registerClassifier(
      SparkSession spark, String name, Map<String, String> options) {
    ModernBertClassifier c = configure(new ModernBertClassifier(), options);
    StageSpec spec = c.toSpec();
    ModernBertStage.checkHeadOnDriver(name, spec.model(), c.task());
    spark
        .udf()
        .register(
            name,
            new Scalar<>(
                SqlFunction.of(name, spark, spec, c.task()),
                (SequenceClassification r) -> RowFactory.create(r.label(), r.score())),
            CLASSIFICATION);
  }

  // ---- ColBERT MaxSim ----

  /**
   * Registers {@code name(q ARRAY<ARRAY<FLOAT>>, d ARRAY<ARRAY<FLOAT>>) -> FLOAT}: ColBERT's
   * late-interaction score of query vectors {@code q} against document vectors {@code d} (e.g. two
   * {@code ModernBertColBERT} outputs), the sum over query vectors of the largest dot product with
   * any document vector ({@link MaxSim}). No model is involved; it runs where the rows are.
   *
   * <p>Policy: a null {@code q} or {@code d}, or a null vector or value in them, gives null; an
   * empty {@code q} scores 0 (an empty sum); an empty {@code d} with a non-empty {@code q} gives
   * null (no maximum exists); vectors of different lengths (say, from two models) fail the query,
   * naming the lengths.
   */
  public static void registerMaxSim(SparkSession spark, String name) {
    spark.udf().register(name, new MaxSimUdf(name), DataTypes.FloatType);
  }

  static final class MaxSimUdf
      implements UDF2<
          scala.collection.Seq<scala.collection.Seq<Float>>,
          scala.collection.Seq<scala.collection.Seq<Float>>,
          Float> {
    private static final long serialVersionUID = 1L;
    private final String name;

    MaxSimUdf(String name) {
      this.name = name;
    }

    @Override
    public Float call(
        scala.collection.Seq<scala.collection.Seq<Float>> q,
        scala.collection.Seq<scala.collection.Seq<Float>> d) {
      float[][] query = vectors(q);
      float[][] document = vectors(d);
      if (query == null || document == null || (document.length == 0 && query.length > 0)) {
        return null;
      }
      try {
        return MaxSim.score(query, document);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(name + "(q, d): " + e.getMessage(), e);
      }
    }

    /** The vectors as arrays, or null when the array, a vector or a value is null. */
    private static float[][] vectors(scala.collection.Seq<scala.collection.Seq<Float>> seq) {
      if (seq == null) {
        return null;
      }
      float[][] out = new float[seq.length()][];
      for (int i = 0; i < out.length; i++) {
        scala.collection.Seq<Float> v = seq.apply(i);
        if (v == null) {
          return null;
        }
        out[i] = new float[v.length()];
        for (int k = 0; k < out[i].length; k++) {
          Float x = v.apply(k);
          if (x == null) {
            return null;
          }
          out[i][k] = x;
        }
      }
      return out;
    }
  }

  /** The options as a {@link StageSpec}, with the Transformer's defaults and validation. */
  public static StageSpec parse(Map<String, String> options) {
    return configure(new ModernBertEmbedder(), options).toSpec();
  }

  /** Sets {@code options} (Param name to value, as strings) on {@code stage}, validated. */
  static <S extends ModernBertStage<?>> S configure(S e, Map<String, String> options) {
    Set<String> known = new TreeSet<>();
    for (Param<?> p : e.params()) {
      if (!TRANSFORMER_ONLY.contains(p.name())) {
        known.add(p.name());
      }
    }
    for (Map.Entry<String, String> o : options.entrySet()) {
      String key = o.getKey();
      if (TRANSFORMER_ONLY.contains(key)) {
        throw new IllegalArgumentException(
            "option \""
                + key
                + "\" applies to the "
                + e.getClass().getSimpleName()
                + " Transformer, not to UDFs");
      }
      if (!known.contains(key)) {
        throw new IllegalArgumentException(
            "unknown option \"" + key + "\" for ModernBERT UDFs; known options: " + known);
      }
      // A prompt is used as given: its spaces are part of it ("query: ").
      String v = o.getValue() == null || key.equals("prompt") ? o.getValue() : o.getValue().trim();
      e.setFromText(key, v, key); // the option's own check and message
    }
    for (Option<?> o : e.options()) { // the declarations' required mark, in SQL's terms
      String v = options.get(o.name());
      if (o.isRequired() && (v == null || v.isBlank())) {
        throw new IllegalArgumentException(
            "option \""
                + o.name()
                + "\" is required: "
                + o.requirement(c -> o.name() + "=" + c, o.name()));
      }
    }
    return e;
  }

  /**
   * What a registered function carries to the executors: its spec, task, row policy, metrics and
   * Hadoop configuration; the runner is made on first call in each executor.
   */
  static final class SqlFunction<V> implements Serializable {
    private static final long serialVersionUID = 1L;
    private final StageSpec spec;
    private final TextTask<V> task;
    private final RowPolicy policy;
    private final StageMetrics metrics;
    private final Broadcast<HadoopConf> conf;
    private transient TextRunner<V> runner;

    private SqlFunction(
        StageSpec spec,
        TextTask<V> task,
        RowPolicy policy,
        StageMetrics metrics,
        Broadcast<HadoopConf> conf) {
      this.spec = spec;
      this.task = task;
      this.policy = policy;
      this.metrics = metrics;
      this.conf = conf;
    }

    static <V> SqlFunction<V> of(
        String name, SparkSession spark, StageSpec spec, TextTask<V> task) {
      return new SqlFunction<>(
          spec,
          task,
          RowPolicy.forFunction(name, task.name(), spec.failOnError()),
          StageMetrics.register(spark.sparkContext()),
          ModernBertStage.hadoopConfFor(spark, spec.model()));
    }

    /** The same function under another name (its messages name it), sharing the metrics. */
    SqlFunction<V> renamed(String name) {
      return new SqlFunction<>(
          spec, task, RowPolicy.forFunction(name, task.name(), spec.failOnError()), metrics, conf);
    }

    private synchronized TextRunner<V> runner() {
      if (runner == null) {
        runner = new TextRunner<>(spec, task, conf == null ? null : conf.value(), metrics);
      }
      return runner;
    }

    /** One text (a null text gives null). */
    V one(String text) {
      List<String> one = new ArrayList<>(1);
      one.add(text);
      return policy.valueOf(runner().run(one).get(0), () -> "the text");
    }

    /** Many texts, in windows of {@code sortWindowRows}; element i of the array is row i. */
    List<V> all(List<String> texts) {
      List<V> out = new ArrayList<>(texts.size());
      int window = spec.sortWindowRows();
      for (int start = 0; start < texts.size(); start += window) {
        List<Outcome<V>> outcomes =
            runner().run(texts.subList(start, Math.min(texts.size(), start + window)));
        for (Outcome<V> o : outcomes) {
          int element = out.size();
          out.add(policy.valueOf(o, () -> "element " + element + " of the array"));
        }
      }
      return out;
    }
  }

  /** How a function's value becomes its SQL value (never called with null). */
  @FunctionalInterface
  interface SqlValue<V> extends Serializable {
    Object of(V value);
  }

  /** {@code name(text)}: one text per call. */
  static final class Scalar<V> implements UDF1<String, Object> {
    private static final long serialVersionUID = 1L;
    private final SqlFunction<V> function;
    private final SqlValue<V> sql;

    Scalar(SqlFunction<V> function, SqlValue<V> sql) {
      this.function = function;
      this.sql = sql;
    }

    @Override
    public Object call(String text) {
      V v = function.one(text);
      return v == null ? null : sql.of(v);
    }
  }

  /** {@code name_batch(texts)}: an array of texts per call; element i of the result is text i's. */
  static final class Batch<V> implements UDF1<scala.collection.Seq<String>, Object> {
    private static final long serialVersionUID = 1L;
    private final SqlFunction<V> function;
    private final SqlValue<V> sql;

    Batch(SqlFunction<V> function, SqlValue<V> sql) {
      this.function = function;
      this.sql = sql;
    }

    @Override
    public Object call(scala.collection.Seq<String> texts) {
      if (texts == null) {
        return null;
      }
      List<Object> out = new ArrayList<>(texts.size());
      for (V v :
          function.all(new ArrayList<>(scala.jdk.javaapi.CollectionConverters.asJava(texts)))) {
        out.add(v == null ? null : sql.of(v));
      }
      return out;
    }
  }
}
