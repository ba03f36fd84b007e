package dev.modernbert.spark.udf;

import static dev.modernbert.spark.testing.SparkTesting.frame;
import static dev.modernbert.spark.testing.SparkTesting.spark;
import static dev.modernbert.spark.testing.SparkTesting.texts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modernbert.encoder.task.Output;
import dev.modernbert.spark.ml.ModernBertColBERT;
import dev.modernbert.spark.ml.ModernBertFillMask;
import dev.modernbert.spark.ml.ModernBertStage;
import dev.modernbert.spark.ml.ModernBertStages;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The Spark side of the registry of outputs: a stage per output whose tasks carry the output's id,
 * and a SQL function per output whose value and type are the stage's output columns.
 */
class OutputFunctionsTest {

  static ModernBertStage<?> stage(Output o) {
    ModernBertStage<?> s = ModernBertStages.create(o);
    return s instanceof ModernBertColBERT c ? c.setRole("query") : s;
  }

  @Test
  void everyOutputHasAStageWhoseTaskIsNamedAfterIt() {
    for (Output o : Output.values()) {
      assertEquals(o.id(), stage(o).task().name(), o.toString());
    }
  }

  @Test
  void theSqlTypeIsTheStagesColumns() {
    assertEquals("array<float>", stage(Output.EMBED).stageOutput().sqlType().simpleString());
    assertEquals(
        "struct<label:string,probability:array<float>>",
        stage(Output.CLASSIFY).stageOutput().sqlType().simpleString());
    assertEquals(
        "array<array<float>>", stage(Output.COLBERT).stageOutput().sqlType().simpleString());
    assertEquals(
        "struct<chunk_index:int,char_start:int,char_end:int,embedding:array<float>>",
        ModernBertUdfs.CHUNK.simpleString());
  }

  @Test
  void aRequiredOptionIsNamedWhenAFunctionIsRegistered() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ModernBertUdfs.register(
                    spark(), "colbert", "colbert_no_role", Map.of("modelPath", "demo")));
    assertEquals("option \"role\" is required: role=query or role=document", e.getMessage());
  }

  @Test
  void aFillMaskFunctionEqualsTheStage() {
    List<String> texts = new ArrayList<>(texts(12, 20, 5));
    for (int i = 0; i < texts.size(); i += 3) {
      texts.set(i, "a [MASK] " + texts.get(i));
    }
    texts.set(1, null);
    frame(texts, 2).createOrReplaceTempView("fm_docs");
    ModernBertUdfs.register(spark(), "fill-mask", "fill", Map.of("modelPath", "demo", "topK", "3"));
    List<Row> sql = spark().sql("SELECT id, fill(text) FROM fm_docs ORDER BY id").collectAsList();
    List<Row> stage =
        new ModernBertFillMask()
            .setModelPath("demo")
            .setTopK(3)
            .transform(frame(texts, 2))
            .select("id", "predictions")
            .orderBy("id")
            .collectAsList();
    assertEquals(stage.size(), sql.size());
    for (int i = 0; i < stage.size(); i++) {
      assertEquals(stage.get(i).getLong(0), sql.get(i).getLong(0));
      if (stage.get(i).isNullAt(1)) {
        assertNull(sql.get(i).get(1), "row " + i);
        continue;
      }
      List<Row> want = stage.get(i).getList(1);
      List<Row> got = sql.get(i).getList(1);
      assertEquals(want.size(), got.size(), "row " + i);
      for (int k = 0; k < want.size(); k++) {
        assertEquals(want.get(k).getInt(0), got.get(k).getInt(0), "position, row " + i);
        assertEquals(want.get(k).getString(2), got.get(k).getString(2), "token, row " + i);
        assertEquals(want.get(k).getFloat(3), got.get(k).getFloat(3), 1e-4, "score, row " + i);
      }
    }
    assertNull(sql.get(1).get(1));
    assertEquals(
        "array<array<struct<position:int,token_id:int,token:string,score:float>>>",
        spark()
            .sql("SELECT fill_batch(array(text)) AS b FROM fm_docs")
            .schema()
            .apply("b")
            .dataType()
            .simpleString());
  }

  @Test
  void registrationRefusesAWrongHeadAndAnUnknownOutput() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ModernBertUdfs.register(
                    spark(), Output.TOKEN_CLASSIFY, "tc", Map.of("modelPath", "demo")));
    assertTrue(e.getMessage().startsWith("tc: modelPath demo: "), e.getMessage());
    IllegalArgumentException unknown =
        assertThrows(
            IllegalArgumentException.class,
            () -> ModernBertUdfs.register(spark(), "encode", "x", Map.of("modelPath", "demo")));
    assertEquals(
        "unknown output \"encode\"; the outputs are [embed, classify, token-classify, fill-mask,"
            + " colbert]",
        unknown.getMessage());
  }
}
