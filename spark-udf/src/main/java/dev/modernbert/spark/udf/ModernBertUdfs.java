package dev.modernbert.spark.udf;

import dev.modernbert.encoder.head.SequenceClassification;
import dev.modernbert.spark.executor.EmbedMetrics;
import dev.modernbert.spark.executor.EmbedSpec;
import dev.modernbert.spark.executor.HadoopConf;
import dev.modernbert.spark.executor.Heads;
import dev.modernbert.spark.executor.RowHead;
import dev.modernbert.spark.executor.TextRunner;
import dev.modernbert.spark.ml.ModernBertClassifier;
import dev.modernbert.spark.ml.ModernBertEmbedder;
import dev.modernbert.spark.ml.ModernBertStage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
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
 * ARRAY<ARRAY<FLOAT>>} embeds a whole array per call, in windows of {@code sortWindowRows}.
 *
 * <p>Classification: {@link #registerClassifier} registers {@code name(text STRING) -> STRUCT<label
 * STRING, score FLOAT>} over a {@code ModernBertForSequenceClassification} checkpoint, with the
 * same results as {@link ModernBertClassifier} ({@code score} is the label's score).
 */
public final class ModernBertUdfs {
  /** Options that only make sense for the Transformer's columns. */
  static final Set<String> TRANSFORMER_ONLY =
      Set.of(
          "inputCol", "outputCol", "outputType", "errorCol", "probabilityCol", "rawPredictionCol");

  /** The classification UDF's result type. */
  public static final StructType CLASSIFICATION =
      new StructType()
          .add("label", DataTypes.StringType, true)
          .add("score", DataTypes.FloatType, true);

  private ModernBertUdfs() {}

  /**
   * Registers {@code name} and {@code name_batch}. Options are the Transformer's Params by name
   * (modelPath is required; pooling, normalize, maxLength, batchTokens, maxBatchRows,
   * sortWindowRows, device, dtype, onError, numThreads), as strings.
   */
  public static void register(SparkSession spark, String name, Map<String, String> options) {
    EmbedSpec spec = parse(options);
    EmbedMetrics metrics = EmbedMetrics.register(spark.sparkContext());
    Broadcast<HadoopConf> conf = ModernBertStage.hadoopConfFor(spark, spec.modelPath());
    DataType vector = DataTypes.createArrayType(DataTypes.FloatType, false);
    Heads.Embedding head = new Heads.Embedding(spec.pooling(), spec.normalize());
    spark.udf().register(name, new ScalarEmbed(name, spec, head, metrics, conf), vector);
    spark
        .udf()
        .register(
            name + "_batch",
            new BatchEmbed(name + "_batch", spec, head, metrics, conf),
            DataTypes.createArrayType(vector, true));
  }

  /**
   * Registers {@code name(text STRING) -> STRUCT<label STRING, score FLOAT>}: sequence
   * classification, as {@link ModernBertClassifier} computes it. Options are that Transformer's
   * Params by name (modelPath is required; maxLength, batchTokens, maxBatchRows, sortWindowRows,
   * device, dtype, onError, numThreads), as strings. A checkpoint without a sequence-classification
   * head is refused here when modelPath is local or {@code demo}, else when a task loads it.
   */
  public static void registerClassifier(
      SparkSession spark, String name, Map<String, String> options) {
    ModernBertClassifier c = configure(new ModernBertClassifier(), options);
    EmbedSpec spec = c.toSpec();
    Heads.SequenceClassify head = new Heads.SequenceClassify();
    ModernBertStage.checkHeadOnDriver(name, spec.modelPath(), head);
    EmbedMetrics metrics = EmbedMetrics.register(spark.sparkContext());
    Broadcast<HadoopConf> conf = ModernBertStage.hadoopConfFor(spark, spec.modelPath());
    spark.udf().register(name, new ScalarClassify(name, spec, head, metrics, conf), CLASSIFICATION);
  }

  /** The options as an {@link EmbedSpec}, with the Transformer's defaults and validation. */
  public static EmbedSpec parse(Map<String, String> options) {
    return configure(new ModernBertEmbedder(), options).toSpec();
  }

  /** Sets {@code options} (Param name to value, as strings) on {@code stage}, validated. */
  static <S extends ModernBertStage<S>> S configure(S e, Map<String, String> options) {
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
      Param<Object> p = e.getParam(key);
      String v = o.getValue() == null ? null : o.getValue().trim();
      Object value;
      try {
        if (p instanceof IntParam) {
          value = Integer.parseInt(v);
        } else if (p instanceof BooleanParam) {
          if (!"true".equalsIgnoreCase(v) && !"false".equalsIgnoreCase(v)) {
            throw new IllegalArgumentException("expected true or false");
          }
          value = Boolean.parseBoolean(v);
        } else {
          value = v;
        }
        e.set(p, value);
      } catch (IllegalArgumentException ex) {
        throw new IllegalArgumentException(
            "bad value \"" + o.getValue() + "\" for option " + key + ": " + ex.getMessage(), ex);
      }
    }
    return e;
  }

  abstract static class Base<R> implements java.io.Serializable {
    final String name;
    final EmbedSpec spec;
    final RowHead<R> head;
    final EmbedMetrics metrics;
    final Broadcast<HadoopConf> conf;
    private transient TextRunner<R> runner;

    Base(
        String name,
        EmbedSpec spec,
        RowHead<R> head,
        EmbedMetrics metrics,
        Broadcast<HadoopConf> conf) {
      this.name = name;
      this.spec = spec;
      this.head = head;
      this.metrics = metrics;
      this.conf = conf;
    }

    synchronized TextRunner<R> runner() {
      if (runner == null) {
        runner = new TextRunner<>(spec, head, conf == null ? null : conf.value(), metrics);
      }
      return runner;
    }

    R result(TextRunner.Outcome<R> o, String where) {
      if (o.error() != null && spec.failOnError()) {
        throw new IllegalArgumentException(
            name
                + ": cannot "
                + head.task()
                + " "
                + where
                + ": "
                + o.error()
                + ". Register with onError=null to get null instead.");
      }
      return o.value();
    }

    /** One text through the runner (null text: null, counted). */
    R one(String text) {
      if (text == null) {
        if (metrics != null) {
          metrics.rows.add(1);
          metrics.nullRows.add(1);
        }
        return null;
      }
      List<String> one = new ArrayList<>(1);
      one.add(text);
      return result(runner().run(one).get(0), "the text");
    }
  }

  static final class ScalarEmbed extends Base<float[]> implements UDF1<String, float[]> {
    private static final long serialVersionUID = 1L;

    ScalarEmbed(
        String name,
        EmbedSpec spec,
        RowHead<float[]> head,
        EmbedMetrics metrics,
        Broadcast<HadoopConf> conf) {
      super(name, spec, head, metrics, conf);
    }

    @Override
    public float[] call(String text) {
      return one(text);
    }
  }

  static final class ScalarClassify extends Base<SequenceClassification>
      implements UDF1<String, Row> {
    private static final long serialVersionUID = 1L;

    ScalarClassify(
        String name,
        EmbedSpec spec,
        RowHead<SequenceClassification> head,
        EmbedMetrics metrics,
        Broadcast<HadoopConf> conf) {
      super(name, spec, head, metrics, conf);
    }

    @Override
    public Row call(String text) {
      SequenceClassification c = one(text);
      return c == null ? null : RowFactory.create(c.label(), c.score());
    }
  }

  static final class BatchEmbed extends Base<float[]>
      implements UDF1<scala.collection.Seq<String>, float[][]> {
    private static final long serialVersionUID = 1L;

    BatchEmbed(
        String name,
        EmbedSpec spec,
        RowHead<float[]> head,
        EmbedMetrics metrics,
        Broadcast<HadoopConf> conf) {
      super(name, spec, head, metrics, conf);
    }

    @Override
    public float[][] call(scala.collection.Seq<String> texts) {
      if (texts == null) {
        return null;
      }
      List<String> all = new ArrayList<>(scala.jdk.javaapi.CollectionConverters.asJava(texts));
      float[][] out = new float[all.size()][];
      TextRunner<float[]> runner = runner();
      int window = spec.sortWindowRows();
      for (int start = 0; start < all.size(); start += window) {
        List<String> part = all.subList(start, Math.min(all.size(), start + window));
        List<TextRunner.Outcome<float[]>> outcomes = runner.run(part);
        for (int i = 0; i < outcomes.size(); i++) {
          out[start + i] = result(outcomes.get(i), "element " + (start + i) + " of the array");
        }
      }
      return out;
    }
  }
}
