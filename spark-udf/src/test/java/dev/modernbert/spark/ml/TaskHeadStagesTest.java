package dev.modernbert.spark.ml;

import static dev.modernbert.encoder.testing.Assertions.assertClose;
import static dev.modernbert.spark.testing.SparkTesting.frame;
import static dev.modernbert.spark.testing.SparkTesting.reference;
import static dev.modernbert.spark.testing.SparkTesting.spark;
import static dev.modernbert.spark.testing.SparkTesting.texts;
import static dev.modernbert.spark.testing.SparkTesting.toFloats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modernbert.encoder.EncoderOptions;
import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.demo.TinyHeadCheckpoint;
import dev.modernbert.encoder.labels.Entity;
import dev.modernbert.encoder.labels.Scores;
import dev.modernbert.encoder.labels.SequenceClassification;
import dev.modernbert.encoder.labels.TokenClassification;
import dev.modernbert.encoder.pool.Pooling;
import dev.modernbert.encoder.weights.HeadKind;
import dev.modernbert.spark.udf.ModernBertUdfs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ModernBertClassifier, ModernBertTokenClassifier, ModernBertFillMask and the classifier UDF. */
class TaskHeadStagesTest {
  private static final double TOL = 1e-5;

  @TempDir static Path tmp;
  static Path singleLabel;
  static Path multiLabel;
  static Path regression;
  static Path forcedFallback;
  static Path tokens;
  static Path forcedTokens;
  static ModernBertEncoder singleRef;
  static ModernBertEncoder tokenRef;

  @BeforeAll
  static void checkpoints() {
    singleLabel =
        TinyHeadCheckpoint.of(
                HeadKind.SEQUENCE_CLASSIFICATION, List.of("negative", "neutral", "positive"))
            .seed(11)
            .write(tmp.resolve("single"));
    multiLabel =
        TinyHeadCheckpoint.of(
                HeadKind.SEQUENCE_CLASSIFICATION, List.of("sports", "politics", "science"))
            .problemType("multi_label_classification")
            .seed(12)
            .write(tmp.resolve("multi"));
    regression =
        TinyHeadCheckpoint.of(HeadKind.SEQUENCE_CLASSIFICATION, List.of("rating"))
            .seed(13)
            .write(tmp.resolve("regression"));
    List<String> fallbackLabels = new ArrayList<>(Arrays.asList((String) null, null));
    forcedFallback =
        TinyHeadCheckpoint.of(HeadKind.SEQUENCE_CLASSIFICATION, fallbackLabels)
            .forcedBias(0f, 5f)
            .seed(14)
            .write(tmp.resolve("fallback"));
    tokens =
        TinyHeadCheckpoint.of(
                HeadKind.TOKEN_CLASSIFICATION, List.of("O", "B-PER", "I-PER", "B-LOC", "I-LOC"))
            .seed(15)
            .write(tmp.resolve("tokens"));
    forcedTokens =
        TinyHeadCheckpoint.of(HeadKind.TOKEN_CLASSIFICATION, List.of("O", "B-PER", "I-PER"))
            .forcedBias(0f, 0f, 6f)
            .seed(16)
            .write(tmp.resolve("forced-tokens"));
    singleRef = ModernBertEncoder.load(singleLabel, EncoderOptions.defaults());
    tokenRef = ModernBertEncoder.load(tokens, EncoderOptions.defaults());
  }

  @AfterAll
  static void close() {
    singleRef.close();
    tokenRef.close();
  }

  private static List<SequenceClassification> classifyRef(Path model, List<String> texts) {
    try (ModernBertEncoder enc = ModernBertEncoder.load(model, EncoderOptions.defaults())) {
      return enc.classify(texts.stream().map(t -> enc.tokenize(t).ids()).toList());
    }
  }

  private static List<String> withNull(List<String> texts) {
    List<String> out = new ArrayList<>(texts);
    out.add(3, null);
    return out;
  }

  @Test
  void classifierEqualsTheEncoderFacade() {
    List<String> texts = texts(40, 30, 7);
    Dataset<Row> out =
        new ModernBertClassifier()
            .setModelPath(singleLabel.toString())
            .setRawPredictionCol("logits")
            .setSortWindowRows(8)
            .transform(frame(withNull(texts), 3))
            .orderBy("id");
    assertEquals(
        "struct<id:bigint,text:string,label:string,probability:array<float>,logits:array<float>>",
        out.schema().simpleString());
    List<Row> rows = out.collectAsList();
    List<SequenceClassification> want =
        singleRef.classify(texts.stream().map(t -> singleRef.tokenize(t).ids()).toList());
    int w = 0;
    for (Row r : rows) {
      if (r.isNullAt(1)) {
        assertNull(r.get(2));
        assertNull(r.get(3));
        assertNull(r.get(4));
        continue;
      }
      SequenceClassification c = want.get(w++);
      assertEquals(c.label(), r.getString(2), "row " + r.getLong(0));
      assertClose(c.scores(), toFloats(r.get(3)), TOL, "probability " + r.getLong(0));
      assertClose(c.logits(), toFloats(r.get(4)), TOL, "logits " + r.getLong(0));
    }
    assertEquals(texts.size(), w);
  }

  @Test
  void labelsComeFromId2labelWithTheLabelIFallbackAndVectorOutput() {
    List<Row> rows =
        new ModernBertClassifier()
            .setModelPath(forcedFallback.toString())
            .setOutputCol("pred")
            .setProbabilityCol("p")
            .setOutputType("vector")
            .transform(frame(List.of("a b c", "the model"), 1))
            .collectAsList();
    float[] expected = Scores.softmax(new float[] {0f, 5f});
    for (Row r : rows) {
      assertEquals("LABEL_1", r.getAs("pred"));
      assertInstanceOf(org.apache.spark.ml.linalg.Vector.class, r.getAs("p"));
      assertClose(expected, toFloats(r.getAs("p")), TOL, "p");
    }
    List<Row> named =
        new ModernBertClassifier()
            .setModelPath(singleLabel.toString())
            .transform(frame(texts(10, 10, 3), 2))
            .collectAsList();
    for (Row r : named) {
      assertTrue(List.of("negative", "neutral", "positive").contains(r.getString(2)));
    }
  }

  @Test
  void multiLabelAndRegressionScores() {
    List<String> texts = texts(20, 20, 9);
    List<SequenceClassification> multi = classifyRef(multiLabel, texts);
    List<Row> rows =
        new ModernBertClassifier()
            .setModelPath(multiLabel.toString())
            .transform(frame(texts, 2))
            .orderBy("id")
            .collectAsList();
    for (int i = 0; i < texts.size(); i++) {
      assertEquals(multi.get(i).label(), rows.get(i).getString(2));
      float[] p = toFloats(rows.get(i).get(3));
      assertClose(Scores.sigmoid(multi.get(i).logits()), p, TOL, "sigmoids " + i);
    }
    List<SequenceClassification> reg = classifyRef(regression, texts);
    List<Row> regRows =
        new ModernBertClassifier()
            .setModelPath(regression.toString())
            .transform(frame(texts, 2))
            .orderBy("id")
            .collectAsList();
    for (int i = 0; i < texts.size(); i++) {
      float[] p = toFloats(regRows.get(i).get(3));
      assertEquals(1, p.length);
      assertEquals(reg.get(i).logits()[0], p[0], TOL, "raw value " + i);
      assertEquals("rating", regRows.get(i).getString(2));
    }
  }

  private static final List<String> MULTI_BYTE =
      List.of(
          "Zoë Ames went to São Paulo",
          "the 🎉 party in Zürich with 李雷 and music",
          "émile 😀😀 zebra quixotic",
          "");

  private static List<Entity> entities(Row r, int col) {
    List<Entity> out = new ArrayList<>();
    for (Row e : r.<Row>getList(col)) {
      out.add(new Entity(e.getInt(0), e.getInt(1), e.getString(2), e.getFloat(3), e.getString(4)));
    }
    return out;
  }

  @Test
  void tokenClassifierEntitiesEqualTheEncoderOnMultiByteText() {
    List<String> texts = new ArrayList<>(MULTI_BYTE);
    texts.addAll(texts(20, 15, 5));
    Dataset<Row> out =
        new ModernBertTokenClassifier()
            .setModelPath(tokens.toString())
            .transform(frame(withNull(texts), 2))
            .orderBy("id");
    assertEquals(
        "struct<id:bigint,text:string,entities:array<struct<start:int,end:int,label:string,"
            + "score:float,text:string>>>",
        out.schema().simpleString());
    List<Row> rows = out.collectAsList();
    List<TokenClassification> want = tokenRef.tokenClassifyTexts(texts);
    int w = 0;
    for (Row r : rows) {
      if (r.isNullAt(1)) {
        assertNull(r.get(2));
        continue;
      }
      List<Entity> expected = want.get(w++).entities();
      List<Entity> got = entities(r, 2);
      assertEquals(expected.size(), got.size(), "row " + r.getLong(0));
      for (int i = 0; i < got.size(); i++) {
        Entity a = expected.get(i);
        Entity b = got.get(i);
        assertEquals(a.start(), b.start());
        assertEquals(a.end(), b.end());
        assertEquals(a.label(), b.label());
        assertEquals(a.text(), b.text());
        assertEquals(a.score(), b.score(), TOL);
      }
    }
    // every token I-PER: one entity covering each whole non-empty text, multi-byte offsets intact
    List<Row> forced =
        new ModernBertTokenClassifier()
            .setModelPath(forcedTokens.toString())
            .transform(frame(MULTI_BYTE, 1))
            .orderBy("id")
            .collectAsList();
    for (int i = 0; i < MULTI_BYTE.size(); i++) {
      String text = MULTI_BYTE.get(i);
      List<Entity> got = entities(forced.get(i), 2);
      if (text.isEmpty()) {
        assertTrue(got.isEmpty());
        continue;
      }
      assertEquals(1, got.size(), text);
      assertEquals(0, got.get(0).start());
      assertEquals(text.length(), got.get(0).end());
      assertEquals(text, got.get(0).text());
      assertEquals("PER", got.get(0).label());
    }
  }

  @Test
  void fillMaskEqualsMaskedLmLogitsTopK() {
    ModernBertEncoder demo = reference();
    List<String> texts =
        List.of(
            "the [MASK] of the river",
            "[MASK] model [MASK] fast",
            "no mask here",
            "music film [MASK] science history art game team");
    List<Row> rows =
        new ModernBertFillMask()
            .setModelPath("demo")
            .setTopK(3)
            .transform(frame(withNull(texts), 2))
            .orderBy("id")
            .collectAsList();
    int mask = demo.tokenizer().maskId().getAsInt();
    int w = 0;
    for (Row r : rows) {
      if (r.isNullAt(1)) {
        assertNull(r.get(2));
        continue;
      }
      int[] ids = demo.tokenize(texts.get(w++)).ids();
      int[] pos = dev.modernbert.encoder.tokenize.TokenizedText.positionsOf(ids, mask);
      List<Row> got = r.getList(2);
      assertEquals(pos.length * 3, got.size());
      if (pos.length == 0) {
        continue;
      }
      float[][] logits = demo.maskedLmLogits(List.of(ids), List.of(pos)).get(0);
      for (int m = 0; m < pos.length; m++) {
        int[] top = Scores.topK(logits[m], 3);
        double[] p = Scores.softmaxAt(logits[m], top);
        for (int j = 0; j < 3; j++) {
          Row g = got.get(m * 3 + j);
          assertEquals(pos[m], g.getInt(0));
          assertEquals(top[j], g.getInt(1));
          assertEquals(demo.tokenizer().token(top[j]), g.getString(2));
          assertEquals(p[j], g.getFloat(3), TOL);
        }
      }
    }
  }

  @Test
  void aClassifierCheckpointGivenToTheEmbedderEmbedsWithItsEncoder() {
    List<String> texts = texts(12, 15, 4);
    List<Row> rows =
        new ModernBertEmbedder()
            .setModelPath(singleLabel.toString())
            .setPooling("mean")
            .transform(frame(texts, 2))
            .orderBy("id")
            .collectAsList();
    List<float[]> want =
        singleRef.embed(
            texts.stream().map(t -> singleRef.tokenize(t).ids()).toList(), Pooling.MEAN, false);
    for (int i = 0; i < texts.size(); i++) {
      assertClose(want.get(i), toFloats(rows.get(i).get(2)), TOL, "row " + i);
    }
  }

  @Test
  void anMlmCheckpointGivenToTheClassifierFailsNamingItsHead() {
    String expected =
        "classify needs a ModernBertForSequenceClassification checkpoint, but this one has a"
            + " masked-language-model head (ModernBertForMaskedLM)";
    IllegalArgumentException early =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new ModernBertClassifier().setModelPath("demo").transform(frame(List.of("a"), 1)));
    assertEquals("ModernBertClassifier: modelPath demo: " + expected, early.getMessage());
    // a URI is not checked on the driver: the executor's model load fails the task
    Path copy = dev.modernbert.spark.testing.SparkTesting.demoCopy(tmp);
    Dataset<Row> out =
        new ModernBertClassifier()
            .setModelPath(copy.toUri().toString())
            .transform(frame(List.of("a"), 1));
    Exception late = assertThrows(Exception.class, out::collectAsList);
    assertTrue(String.valueOf(late.getMessage()).contains(expected), late.getMessage());
    IllegalArgumentException tok =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new ModernBertTokenClassifier()
                    .setModelPath(singleLabel.toString())
                    .transform(frame(List.of("a"), 1)));
    assertTrue(
        tok.getMessage()
            .contains(
                "token-classify needs a ModernBertForTokenClassification checkpoint, but this one"
                    + " has a sequence-classification head"),
        tok.getMessage());
    IllegalArgumentException fill =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new ModernBertFillMask()
                    .setModelPath(tokens.toString())
                    .transform(frame(List.of("a"), 1)));
    assertTrue(fill.getMessage().contains("fill-mask needs a ModernBertForMaskedLM"));
  }

  @Test
  void outputColumnsAreValidated() {
    IllegalArgumentException twice =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new ModernBertClassifier()
                    .setModelPath(singleLabel.toString())
                    .setProbabilityCol("label")
                    .transformSchema(frame(List.of("a"), 1).schema()));
    assertEquals(
        "ModernBertClassifier: output column \"label\" is given twice; set probabilityCol to"
            + " another name",
        twice.getMessage());
    IllegalArgumentException exists =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new ModernBertClassifier()
                    .setModelPath(singleLabel.toString())
                    .setRawPredictionCol("id")
                    .transformSchema(frame(List.of("a"), 1).schema()));
    assertEquals(
        "ModernBertClassifier: output column \"id\" already exists (type bigint); set"
            + " rawPredictionCol to a new column name",
        exists.getMessage());
  }

  @Test
  void newStagesRoundTripInAPipeline() throws Exception {
    Dataset<Row> df = frame(texts(30, 15, 21), 2);
    ModernBertClassifier cls =
        new ModernBertClassifier()
            .setModelPath(singleLabel.toString())
            .setOutputCol("sentiment")
            .setProbabilityCol("sentiment_p")
            .setRawPredictionCol("sentiment_logits")
            .setOutputType("vector")
            .setSortWindowRows(7);
    ModernBertTokenClassifier ner =
        new ModernBertTokenClassifier()
            .setModelPath(tokens.toString())
            .setOutputCol("ner")
            .setOnError("null")
            .setErrorCol("ner_error");
    ModernBertFillMask fill =
        new ModernBertFillMask().setModelPath("demo").setTopK(2).setMaxLength(64);
    PipelineModel model = new Pipeline().setStages(new PipelineStage[] {cls, ner, fill}).fit(df);
    String path = tmp.resolve("heads-pipeline").toString();
    model.write().overwrite().save(path);
    PipelineModel reloaded = PipelineModel.load(path);

    ModernBertClassifier c = assertInstanceOf(ModernBertClassifier.class, reloaded.stages()[0]);
    assertEquals(cls.uid(), c.uid());
    assertEquals("sentiment", c.getOutputCol());
    assertEquals("sentiment_p", c.getProbabilityCol());
    assertEquals("sentiment_logits", c.getRawPredictionCol());
    assertEquals("vector", c.getOutputType());
    assertEquals(7, c.getSortWindowRows());
    ModernBertTokenClassifier n =
        assertInstanceOf(ModernBertTokenClassifier.class, reloaded.stages()[1]);
    assertEquals("ner", n.getOutputCol());
    assertEquals("ner_error", n.getErrorCol());
    assertEquals("null", n.getOnError());
    ModernBertFillMask f = assertInstanceOf(ModernBertFillMask.class, reloaded.stages()[2]);
    assertEquals(2, f.getTopK());
    assertEquals(64, f.getMaxLength());
    assertEquals("predictions", f.getOutputCol());
    assertNull(new ModernBertClassifier().getRawPredictionCol());

    List<Row> a = model.transform(df).orderBy("id").collectAsList();
    List<Row> b = reloaded.transform(df).orderBy("id").collectAsList();
    assertEquals(a.size(), b.size());
    assertEquals(
        model.transform(df).schema().simpleString(),
        reloaded.transform(df).schema().simpleString());
    for (int i = 0; i < a.size(); i++) {
      assertEquals(a.get(i).getString(2), b.get(i).getString(2));
      assertClose(toFloats(a.get(i).get(3)), toFloats(b.get(i).get(3)), TOL, "p " + i);
      assertEquals(a.get(i).getList(5).size(), b.get(i).getList(5).size());
      assertFalse(a.get(i).getList(7) == null);
    }
  }

  @Test
  void classificationUdfFromSqlEqualsTheTransformer() {
    List<String> texts = texts(25, 20, 8);
    ModernBertUdfs.registerClassifier(
        spark(), "classify_sentiment", Map.of("modelPath", singleLabel.toString()));
    frame(withNull(texts), 3).createOrReplaceTempView("cls_docs");
    List<Row> sql =
        spark()
            .sql("SELECT id, classify_sentiment(text) AS c FROM cls_docs ORDER BY id")
            .collectAsList();
    assertEquals(
        "struct<id:bigint,c:struct<label:string,score:float>>",
        spark()
            .sql("SELECT id, classify_sentiment(text) AS c FROM cls_docs")
            .schema()
            .simpleString());
    List<Row> tr =
        new ModernBertClassifier()
            .setModelPath(singleLabel.toString())
            .transform(frame(withNull(texts), 2))
            .orderBy("id")
            .collectAsList();
    assertEquals(tr.size(), sql.size());
    for (int i = 0; i < tr.size(); i++) {
      Row t = tr.get(i);
      Row s = sql.get(i);
      if (t.isNullAt(1)) {
        assertNull(s.get(1));
        continue;
      }
      Row c = s.getStruct(1);
      assertEquals(t.getString(2), c.getString(0));
      float[] p = toFloats(t.get(3));
      assertEquals(p[Scores.argmax(p)], c.getFloat(1), TOL);
    }
    IllegalArgumentException wrong =
        assertThrows(
            IllegalArgumentException.class,
            () -> ModernBertUdfs.registerClassifier(spark(), "c2", Map.of("modelPath", "demo")));
    assertTrue(wrong.getMessage().contains("but this one has a masked-language-model head"));
    IllegalArgumentException opt =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ModernBertUdfs.registerClassifier(
                    spark(), "c3", Map.of("modelPath", "demo", "pooling", "mean")));
    assertTrue(opt.getMessage().startsWith("unknown option \"pooling\""), opt.getMessage());
  }
}
