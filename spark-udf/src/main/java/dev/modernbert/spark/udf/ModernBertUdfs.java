package dev.modernbert.spark.udf;

import dev.modernbert.spark.executor.EmbedMetrics;
import dev.modernbert.spark.executor.EmbedSpec;
import dev.modernbert.spark.executor.HadoopConf;
import dev.modernbert.spark.executor.TextEmbedder;
import dev.modernbert.spark.ml.ModernBertEmbedder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

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
 */
public final class ModernBertUdfs {
  /** Options that only make sense for the Transformer's columns. */
  static final Set<String> TRANSFORMER_ONLY =
      Set.of("inputCol", "outputCol", "outputType", "errorCol");

  private ModernBertUdfs() {}

  /**
   * Registers {@code name} and {@code name_batch}. Options are the Transformer's Params by name
   * (modelPath is required; pooling, normalize, maxLength, batchTokens, maxBatchRows,
   * sortWindowRows, device, dtype, onError, numThreads), as strings.
   */
  public static void register(SparkSession spark, String name, Map<String, String> options) {
    EmbedSpec spec = parse(options);
    EmbedMetrics metrics = EmbedMetrics.register(spark.sparkContext());
    Broadcast<HadoopConf> conf = ModernBertEmbedder.hadoopConfFor(spark, spec.modelPath());
    DataType vector = DataTypes.createArrayType(DataTypes.FloatType, false);
    spark.udf().register(name, new ScalarEmbed(name, spec, metrics, conf), vector);
    spark
        .udf()
        .register(
            name + "_batch",
            new BatchEmbed(name + "_batch", spec, metrics, conf),
            DataTypes.createArrayType(vector, true));
  }

  /** The options as an {@link EmbedSpec}, with the Transformer's defaults and validation. */
  public static EmbedSpec parse(Map<String, String> options) {
    ModernBertEmbedder e = new ModernBertEmbedder();
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
            "option \"" + key + "\" applies to the ModernBertEmbedder Transformer, not to UDFs");
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
    return e.toSpec();
  }

  abstract static class Base implements java.io.Serializable {
    final String name;
    final EmbedSpec spec;
    final EmbedMetrics metrics;
    final Broadcast<HadoopConf> conf;
    private transient TextEmbedder embedder;

    Base(String name, EmbedSpec spec, EmbedMetrics metrics, Broadcast<HadoopConf> conf) {
      this.name = name;
      this.spec = spec;
      this.metrics = metrics;
      this.conf = conf;
    }

    synchronized TextEmbedder embedder() {
      if (embedder == null) {
        embedder = new TextEmbedder(spec, conf == null ? null : conf.value(), metrics);
      }
      return embedder;
    }

    float[] result(TextEmbedder.Outcome o, String where) {
      if (o.error() != null && spec.failOnError()) {
        throw new IllegalArgumentException(
            name
                + ": cannot embed "
                + where
                + ": "
                + o.error()
                + ". Register with onError=null to get null instead.");
      }
      return o.vector();
    }
  }

  static final class ScalarEmbed extends Base implements UDF1<String, float[]> {
    private static final long serialVersionUID = 1L;

    ScalarEmbed(String name, EmbedSpec spec, EmbedMetrics metrics, Broadcast<HadoopConf> conf) {
      super(name, spec, metrics, conf);
    }

    @Override
    public float[] call(String text) {
      if (text == null) {
        if (metrics != null) {
          metrics.rows.add(1);
          metrics.nullRows.add(1);
        }
        return null;
      }
      List<String> one = new ArrayList<>(1);
      one.add(text);
      return result(embedder().embed(one)[0], "the text");
    }
  }

  static final class BatchEmbed extends Base
      implements UDF1<scala.collection.Seq<String>, float[][]> {
    private static final long serialVersionUID = 1L;

    BatchEmbed(String name, EmbedSpec spec, EmbedMetrics metrics, Broadcast<HadoopConf> conf) {
      super(name, spec, metrics, conf);
    }

    @Override
    public float[][] call(scala.collection.Seq<String> texts) {
      if (texts == null) {
        return null;
      }
      List<String> all = new ArrayList<>(scala.jdk.javaapi.CollectionConverters.asJava(texts));
      float[][] out = new float[all.size()][];
      TextEmbedder embedder = embedder();
      int window = spec.sortWindowRows();
      for (int start = 0; start < all.size(); start += window) {
        List<String> part = all.subList(start, Math.min(all.size(), start + window));
        TextEmbedder.Outcome[] outcomes = embedder.embed(part);
        for (int i = 0; i < outcomes.length; i++) {
          out[start + i] = result(outcomes[i], "element " + (start + i) + " of the array");
        }
      }
      return out;
    }
  }
}
