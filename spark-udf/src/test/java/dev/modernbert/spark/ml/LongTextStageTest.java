package dev.modernbert.spark.ml;

import static dev.modernbert.encoder.testing.Assertions.assertClose;
import static dev.modernbert.spark.testing.SparkTesting.spark;
import static dev.modernbert.spark.testing.SparkTesting.texts;
import static dev.modernbert.spark.testing.SparkTesting.toFloats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modernbert.encoder.EncoderOptions;
import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.batch.BatchPlanner;
import dev.modernbert.encoder.longtext.ChunkEmbedding;
import dev.modernbert.encoder.longtext.LongTextEmbed;
import dev.modernbert.spark.executor.StageMetrics;
import dev.modernbert.spark.udf.ModernBertUdfs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Long texts through the stage and the SQL function: the same chunks as the encoder computes for
 * the same task, one output row per chunk (input columns kept, in chunk order), nothing dropped.
 */
class LongTextStageTest {
  private static final int MAX_LENGTH = 24;
  private static ModernBertEncoder encoder;

  @BeforeAll
  static void load() {
    encoder = ModernBertEncoder.load("demo", EncoderOptions.defaults().withMaxLength(MAX_LENGTH));
  }

  @AfterAll
  static void close() {
    encoder.close();
  }

  private static Dataset<Row> docs(List<String> texts) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      rows.add(RowFactory.create((long) i, texts.get(i)));
    }
    StructType schema =
        new StructType()
            .add("id", DataTypes.LongType, false)
            .add("text", DataTypes.StringType, true);
    return spark().createDataFrame(rows, schema).repartition(2);
  }

  private static ModernBertEmbedder embedder(String mode) {
    return new ModernBertEmbedder()
        .setModelPath("demo")
        .setMaxLength(MAX_LENGTH)
        .setPooling("mean")
        .setLongText(mode)
        .setWindowTokens(16)
        .setWindowOverlap(4)
        .setChunkTokens(10)
        .setSortWindowRows(3);
  }

  @Test
  void chunkRowsAreTheEncodersChunksWithInputColumnsKept() {
    for (String mode : List.of("chunk", "late")) {
      List<String> texts = texts(9, 60, 11);
      ModernBertEmbedder e = embedder(mode);
      StageMetrics metrics = StageMetrics.register(spark().sparkContext());
      // Sorted here, not by orderBy: its sampling pass would run the stage (and count) twice.
      List<Row> out = new ArrayList<>(e.transform(docs(texts), metrics).collectAsList());
      out.sort(
          java.util.Comparator.<Row>comparingLong(r -> r.getLong(0))
              .thenComparingInt(r -> r.getInt(2)));
      List<List<ChunkEmbedding>> expected =
          encoder.runTexts((LongTextEmbed) e.task(), texts, BatchPlanner.defaults()).values();
      int row = 0;
      long chunks = 0;
      for (int i = 0; i < texts.size(); i++) {
        for (ChunkEmbedding c : expected.get(i)) {
          Row r = out.get(row++);
          assertEquals((long) i, r.getLong(0));
          assertEquals(texts.get(i), r.getString(1));
          assertEquals(c.chunkIndex(), r.getInt(2));
          assertEquals(c.charStart(), r.getInt(3));
          assertEquals(c.charEnd(), r.getInt(4));
          assertClose(c.embedding(), toFloats(r.get(5)), 1e-5, mode + " text " + i);
          chunks++;
        }
      }
      assertEquals(row, out.size(), mode + ": one row per chunk");
      assertTrue(chunks > texts.size(), "texts longer than a window give several chunks");
      StageMetrics.Totals t = metrics.totals();
      assertEquals(texts.size(), t.chunkedRows());
      assertEquals(chunks, t.chunks());
    }
  }

  @Test
  void aggregatesGiveOneRowPerTextAndNullTextsKeepTheirRow() {
    List<String> texts = new ArrayList<>(texts(5, 60, 12));
    texts.add(null);
    ModernBertEmbedder e = embedder("chunk").setAggregate("mean");
    List<Row> out = e.transform(docs(texts)).orderBy("id").collectAsList();
    assertEquals(texts.size(), out.size());
    List<List<ChunkEmbedding>> expected =
        encoder
            .runTexts((LongTextEmbed) e.task(), texts.subList(0, 5), BatchPlanner.defaults())
            .values();
    for (int i = 0; i < 5; i++) {
      assertClose(expected.get(i).get(0).embedding(), toFloats(out.get(i).get(2)), 1e-5, "" + i);
    }
    assertNull(out.get(5).get(2));
  }

  @Test
  void sqlFunctionReturnsTheChunksAsStructs() {
    List<String> texts = texts(4, 60, 13);
    ModernBertUdfs.register(
        spark(),
        "embed_chunks",
        Map.of(
            "modelPath", "demo",
            "maxLength", "" + MAX_LENGTH,
            "pooling", "mean",
            "longText", "chunk",
            "windowTokens", "16",
            "windowOverlap", "4"));
    docs(texts).createOrReplaceTempView("long_docs");
    List<Row> rows =
        spark()
            .sql(
                "SELECT id, c.chunk_index, c.char_start, c.char_end, c.embedding FROM long_docs"
                    + " LATERAL VIEW explode(embed_chunks(text)) AS c ORDER BY id, c.chunk_index")
            .collectAsList();
    List<List<ChunkEmbedding>> expected =
        encoder
            .runTexts((LongTextEmbed) embedder("chunk").task(), texts, BatchPlanner.defaults())
            .values();
    int row = 0;
    for (int i = 0; i < texts.size(); i++) {
      for (ChunkEmbedding c : expected.get(i)) {
        Row r = rows.get(row++);
        assertEquals(c.chunkIndex(), r.getInt(1));
        assertEquals(
            texts.get(i).substring(c.charStart(), c.charEnd()),
            texts.get(i).substring(r.getInt(2), r.getInt(3)));
        assertClose(c.embedding(), toFloats(r.get(4)), 1e-5, "text " + i);
      }
    }
    assertEquals(row, rows.size());
  }
}
