package dev.modernbert.spark.udf;

import static dev.modernbert.encoder.testing.Assertions.assertClose;
import static dev.modernbert.spark.testing.SparkTesting.frame;
import static dev.modernbert.spark.testing.SparkTesting.spark;
import static dev.modernbert.spark.testing.SparkTesting.texts;
import static dev.modernbert.spark.testing.SparkTesting.toFloats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modernbert.spark.ml.ModernBertEmbedder;
import dev.modernbert.spark.testing.SparkTesting;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModernBertUdfsTest {
  @Test
  void sqlUdfEqualsTheTransformerAndBatchEqualsScalar() {
    SparkSession spark = spark();
    List<String> texts = new ArrayList<>(texts(80, 30, 41));
    texts.set(5, null);
    texts.set(6, "");
    Dataset<Row> df = frame(texts, 3);
    df.createOrReplaceTempView("docs");
    ModernBertUdfs.register(
        spark, "embed", Map.of("modelPath", "demo", "pooling", "mean", "normalize", "true"));

    Map<Long, Object> sql = new HashMap<>();
    for (Row r : spark.sql("SELECT id, embed(text) AS v FROM docs").collectAsList()) {
      sql.put(r.getLong(0), r.get(1));
    }
    Map<Long, Object> transformer = new HashMap<>();
    Dataset<Row> t =
        new ModernBertEmbedder()
            .setModelPath("demo")
            .setPooling("mean")
            .setNormalize(true)
            .transform(df);
    for (Row r : t.select("id", "embedding").collectAsList()) {
      transformer.put(r.getLong(0), r.get(1));
    }
    assertNull(sql.get(5L));
    for (long id = 0; id < texts.size(); id++) {
      if (id == 5) {
        continue;
      }
      assertClose(toFloats(transformer.get(id)), toFloats(sql.get(id)), 1e-5, "id " + id);
    }

    // one array of all texts per partition-free group: the batch UDF
    List<Row> batch =
        spark
            .sql(
                "SELECT ids, embed_batch(txts) AS vs FROM (SELECT collect_list(id) AS ids,"
                    + " collect_list(coalesce(text, '')) AS txts FROM docs WHERE id != 5)")
            .collectAsList();
    List<Long> ids = batch.get(0).getList(0);
    List<Object> vs = batch.get(0).getList(1);
    assertEquals(texts.size() - 1, vs.size());
    for (int i = 0; i < ids.size(); i++) {
      assertClose(toFloats(sql.get(ids.get(i))), toFloats(vs.get(i)), 1e-5, "batch " + i);
    }
    List<Row> withNull =
        spark.sql("SELECT embed_batch(array('spark', NULL, '')) AS vs").collectAsList();
    List<Object> three = withNull.get(0).getList(0);
    assertEquals(3, three.size());
    assertNull(three.get(1));
    assertClose(toFloats(sql.get(6L)), toFloats(three.get(2)), 1e-5, "empty text");
  }

  @Test
  void unknownAndTransformerOnlyOptionsAreRefused() {
    IllegalArgumentException unknown =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ModernBertUdfs.register(
                    spark(), "e1", Map.of("modelPath", "demo", "pooler", "cls")));
    assertEquals(
        "unknown option \"pooler\" for ModernBERT UDFs; known options: [aggregate, batchTokens,"
            + " chunkTokens, device, dtype, gemm, longText, maxBatchRows, maxLength, modelPath,"
            + " normalize, numThreads, onError, pooling, prompt, promptName, sortWindowRows,"
            + " truncateDim, windowOverlap, windowTokens]",
        unknown.getMessage());
    IllegalArgumentException col =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ModernBertUdfs.register(
                    spark(), "e2", Map.of("modelPath", "demo", "outputCol", "x")));
    assertEquals(
        "option \"outputCol\" applies to the ModernBertEmbedder Transformer, not to UDFs",
        col.getMessage());
    IllegalArgumentException bad =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ModernBertUdfs.register(
                    spark(), "e3", Map.of("modelPath", "demo", "normalize", "yes")));
    assertEquals("normalize: bad value \"yes\" (expected true, false)", bad.getMessage());
    IllegalArgumentException noModel =
        assertThrows(
            IllegalArgumentException.class,
            () -> ModernBertUdfs.register(spark(), "e4", Map.of("pooling", "cls")));
    assertTrue(noModel.getMessage().contains("modelPath is not set"));
  }

  @Test
  void onErrorPolicyInUdfs(@TempDir Path tmp) {
    Path broken = SparkTesting.brokenVocabModel(tmp);
    ModernBertUdfs.register(
        spark(), "embed_lenient", Map.of("modelPath", broken.toString(), "onError", "null"));
    ModernBertUdfs.register(spark(), "embed_strict", Map.of("modelPath", broken.toString()));
    List<Row> r =
        spark()
            .sql("SELECT embed_lenient('good text'), embed_lenient('bad zzzfail')")
            .collectAsList();
    assertEquals(64, toFloats(r.get(0).get(0)).length);
    assertNull(r.get(0).get(1));
    Exception e =
        assertThrows(
            Exception.class,
            () ->
                spark()
                    .createDataFrame(
                        Arrays.asList(org.apache.spark.sql.RowFactory.create(0L, "bad zzzfail")),
                        SparkTesting.SCHEMA)
                    .selectExpr("embed_strict(text)")
                    .collectAsList());
    assertTrue(
        String.valueOf(e.getMessage()).contains("token id 900 at position 2 is outside"),
        e.getMessage());
  }
}
