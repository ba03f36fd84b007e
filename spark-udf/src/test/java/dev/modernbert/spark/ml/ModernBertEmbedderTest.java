package dev.modernbert.spark.ml;

import static dev.modernbert.encoder.testing.Assertions.assertClose;
import static dev.modernbert.spark.testing.SparkTesting.frame;
import static dev.modernbert.spark.testing.SparkTesting.reference;
import static dev.modernbert.spark.testing.SparkTesting.referenceEmbed;
import static dev.modernbert.spark.testing.SparkTesting.spark;
import static dev.modernbert.spark.testing.SparkTesting.texts;
import static dev.modernbert.spark.testing.SparkTesting.toFloats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modernbert.encoder.EncoderOptions;
import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.batch.BatchPlanner;
import dev.modernbert.encoder.pool.Pooling;
import dev.modernbert.encoder.runtime.GemmSpec;
import dev.modernbert.encoder.runtime.Precision;
import dev.modernbert.encoder.testing.Assertions;
import dev.modernbert.spark.executor.StageMetrics;
import dev.modernbert.spark.testing.SparkTesting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModernBertEmbedderTest {
  private static final double TOL = 1e-5;

  private static Map<Long, float[]> byId(Dataset<Row> out, String col) {
    Map<Long, float[]> m = new HashMap<>();
    for (Row r : out.select("id", col).collectAsList()) {
      m.put(r.getLong(0), r.isNullAt(1) ? null : toFloats(r.get(1)));
    }
    return m;
  }

  @ParameterizedTest(name = "pooling={0} normalize={1} outputType={2}")
  @CsvSource({
    "cls, false, array",
    "mean, false, array",
    "cls, true, array",
    "mean, true, vector",
    "cls, false, vector"
  })
  void equalsTheEncoder(String pooling, boolean normalize, String outputType) {
    List<String> texts = texts(120, 40, 7);
    ModernBertEmbedder e =
        new ModernBertEmbedder()
            .setModelPath("demo")
            .setPooling(pooling)
            .setNormalize(normalize)
            .setOutputType(outputType)
            .setSortWindowRows(32);
    StageMetrics metrics = StageMetrics.register(spark().sparkContext());
    Dataset<Row> out = e.transform(frame(texts, 3), metrics);
    assertEquals(
        outputType.equals("vector")
            ? SQLDataTypes.VectorType()
            : DataTypes.createArrayType(DataTypes.FloatType, false),
        out.schema().apply("embedding").dataType());
    Map<Long, float[]> got = byId(out, "embedding");
    List<float[]> want = referenceEmbed(reference(), texts, Pooling.parse(pooling), normalize);
    assertEquals(texts.size(), got.size());
    for (int i = 0; i < texts.size(); i++) {
      assertClose(want.get(i), got.get((long) i), TOL, "row " + i);
    }
    StageMetrics.Totals m = metrics.totals();
    assertEquals(texts.size(), m.rows());
    assertEquals(0L, m.errorRows());
    assertTrue(m.batches() > 0);
    assertTrue(m.paddedTokens() >= m.realTokens());
  }

  @Test
  void keepsColumnsAndOrderWithinPartitions() {
    List<String> texts = texts(50, 20, 3);
    // seq = partition id << 33 | position in partition, fixed before the embedder runs
    Dataset<Row> in =
        frame(texts, 3)
            .withColumn("extra", org.apache.spark.sql.functions.lit(7))
            .withColumn("seq", org.apache.spark.sql.functions.monotonically_increasing_id());
    Dataset<Row> out =
        new ModernBertEmbedder().setModelPath("demo").setSortWindowRows(8).transform(in);
    assertEquals(
        List.of("id", "text", "extra", "seq", "embedding"),
        Arrays.asList(out.schema().fieldNames()));
    List<Row> rows = out.collectAsList(); // partitions in order, rows as the partition gave them
    assertEquals(texts.size(), rows.size());
    long previous = -1;
    for (Row r : rows) {
      long seq = r.getLong(3);
      long partition = seq >>> 33;
      long position = seq & ((1L << 33) - 1);
      assertTrue(seq > previous, "row order within partitions is kept");
      if (previous >= 0 && (previous >>> 33) == partition) {
        assertEquals((previous & ((1L << 33) - 1)) + 1, position);
      }
      previous = seq;
      assertEquals(7, r.getInt(2));
      assertEquals(texts.get((int) r.getLong(0)), r.getString(1));
      assertEquals(64, toFloats(r.get(4)).length);
    }
  }

  @Test
  void partitioningAndOrderDoNotChangeVectors() {
    List<String> texts = texts(200, 60, 11);
    ModernBertEmbedder e = new ModernBertEmbedder().setModelPath("demo").setSortWindowRows(16);
    Map<Long, float[]> one = byId(e.transform(frame(texts, 1)), "embedding");
    Map<Long, float[]> seven = byId(e.transform(frame(texts, 7)), "embedding");
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      rows.add(RowFactory.create((long) i, texts.get(i)));
    }
    Collections.shuffle(rows, new Random(5));
    Map<Long, float[]> shuffled =
        byId(
            e.transform(spark().createDataFrame(rows, SparkTesting.SCHEMA).coalesce(3)),
            "embedding");
    for (long id = 0; id < texts.size(); id++) {
      assertClose(one.get(id), seven.get(id), TOL, "7 partitions, id " + id);
      assertClose(one.get(id), shuffled.get(id), TOL, "shuffled, id " + id);
    }
  }

  @Test
  void nullsEmptyAndLongTexts() {
    String longText = String.join(" ", Collections.nCopies(100, "spark"));
    List<String> texts = Arrays.asList(null, "", longText, "short text", null);
    ModernBertEmbedder e =
        new ModernBertEmbedder().setModelPath("demo").setMaxLength(8).setPooling("mean");
    StageMetrics metrics = StageMetrics.register(spark().sparkContext());
    Dataset<Row> out = e.transform(frame(texts, 2), metrics);
    Map<Long, float[]> got = byId(out, "embedding");
    assertNull(got.get(0L));
    assertNull(got.get(4L));
    try (ModernBertEncoder enc =
        ModernBertEncoder.load("demo", EncoderOptions.defaults().withMaxLength(8))) {
      int[] empty = enc.tokenize("").ids();
      assertEquals(2, empty.length, "empty text is [CLS][SEP]");
      assertEquals(enc.config().clsTokenId(), empty[0]);
      List<float[]> want =
          enc.embed(
              List.of(empty, enc.tokenize(longText).ids(), enc.tokenize("short text").ids()),
              Pooling.MEAN,
              false);
      assertClose(want.get(0), got.get(1L), TOL, "empty text");
      assertClose(want.get(1), got.get(2L), TOL, "truncated text");
      assertClose(want.get(2), got.get(3L), TOL, "short text");
    }
    StageMetrics.Totals m = metrics.totals();
    assertEquals(5L, m.rows());
    assertEquals(2L, m.nullRows());
    assertEquals(1L, m.truncatedRows());
    assertEquals(0L, m.errorRows());
    assertEquals(2 + 8 + 4, m.realTokens());
  }

  @Test
  void textsLongerThan512TokensKeepTheModelsMaximum() {
    // the demo allows 1024 positions; DJL's tokenizer used to cut everything at 512
    String text = String.join(" ", Collections.nCopies(900, "spark"));
    ModernBertEmbedder e = new ModernBertEmbedder().setModelPath("demo");
    StageMetrics metrics = StageMetrics.register(spark().sparkContext());
    assertEquals(1, e.transform(frame(List.of(text), 1), metrics).count());
    assertEquals(902L, metrics.totals().realTokens());
    assertEquals(0L, metrics.totals().truncatedRows());
  }

  @Test
  void schemaErrorsNameTheColumnAndTypes() {
    Dataset<Row> df = frame(List.of("a", "b"), 1);
    ModernBertEmbedder ok = new ModernBertEmbedder().setModelPath("demo");

    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class,
            () -> ok.copy(new ParamMap()).setInputCol("body").transform(df));
    assertEquals(
        "ModernBertEmbedder: input column \"body\" does not exist; the columns are [id, text]"
            + " (set inputCol)",
        missing.getMessage());

    IllegalArgumentException wrongType =
        assertThrows(
            IllegalArgumentException.class,
            () -> ok.copy(new ParamMap()).setInputCol("id").transform(df));
    assertEquals(
        "ModernBertEmbedder: input column \"id\" must be of type string, but it is bigint",
        wrongType.getMessage());

    IllegalArgumentException exists =
        assertThrows(
            IllegalArgumentException.class,
            () -> ok.copy(new ParamMap()).setOutputCol("id").transform(df));
    assertEquals(
        "ModernBertEmbedder: output column \"id\" already exists (type bigint); set outputCol to"
            + " a new column name",
        exists.getMessage());

    IllegalArgumentException noModel =
        assertThrows(IllegalArgumentException.class, () -> new ModernBertEmbedder().transform(df));
    assertEquals(
        "ModernBertEmbedder: modelPath is not set (a local checkpoint folder, a Hadoop FileSystem"
            + " URI such as hdfs://, s3a:// or file://, a Hugging Face Hub id such as"
            + " org/name@revision, or demo)",
        noModel.getMessage());

    IllegalArgumentException badPooling =
        assertThrows(IllegalArgumentException.class, () -> ok.setPooling("median"));
    assertTrue(
        badPooling.getMessage().startsWith("pooling: bad value \"median\" (expected auto, cls"),
        badPooling.getMessage()); // the declaration's message, as the job and the CLI give it
  }

  @Test
  void missingModelFolderFailsTheJobWithThePath(@TempDir Path tmp) {
    Path nowhere = tmp.resolve("no-such-model");
    Dataset<Row> out =
        new ModernBertEmbedder().setModelPath(nowhere.toString()).transform(frame(List.of("a"), 1));
    Exception e = assertThrows(Exception.class, out::collectAsList);
    assertTrue(
        String.valueOf(e.getMessage()).contains("modelPath " + nowhere + ": no config.json"),
        e.getMessage());
  }

  @Test
  void onErrorNullKeepsTheRowWithAReason(@TempDir Path tmp) {
    Path broken = SparkTesting.brokenVocabModel(tmp);
    List<String> texts = List.of("good text", "bad zzzfail text", "another good one");
    ModernBertEmbedder e =
        new ModernBertEmbedder()
            .setModelPath(broken.toString())
            .setOnError("null")
            .setErrorCol("embedding_error");
    StageMetrics metrics = StageMetrics.register(spark().sparkContext());
    Dataset<Row> out = e.transform(frame(texts, 1), metrics).orderBy("id");
    List<Row> rows = out.collectAsList();
    assertEquals(3, rows.size());
    assertNotNull(rows.get(0).get(2));
    assertNull(rows.get(0).get(3));
    assertNull(rows.get(1).get(2));
    assertEquals(
        "token id 900 at position 2 is outside the vocabulary [0, 512)", rows.get(1).getString(3));
    assertNotNull(rows.get(2).get(2));
    assertEquals(1L, metrics.totals().errorRows());
    List<float[]> want = referenceEmbed(reference(), List.of("good text"), Pooling.CLS, false);
    assertClose(want.get(0), toFloats(rows.get(0).get(2)), TOL, "good row");
  }

  @Test
  void onErrorFailNamesTheRow(@TempDir Path tmp) {
    Path broken = SparkTesting.brokenVocabModel(tmp);
    List<String> texts = List.of("good text", "fine", "bad zzzfail text");
    Dataset<Row> out =
        new ModernBertEmbedder().setModelPath(broken.toString()).transform(frame(texts, 1));
    Exception e = assertThrows(Exception.class, out::collectAsList);
    String msg = String.valueOf(e.getMessage());
    assertTrue(
        msg.contains(
            "ModernBertEmbedder: cannot embed row 2 of partition 0 (column text): token id 900 at"
                + " position 2 is outside the vocabulary [0, 512)"),
        msg);
  }

  @Test
  void modelLoadedOncePerExecutorJvm(@TempDir Path tmp) {
    // a model folder no other test uses: its first use loads it
    String fresh = SparkTesting.demoCopy(tmp).toString();
    ModernBertEmbedder e = new ModernBertEmbedder().setModelPath(fresh).setSortWindowRows(4);
    StageMetrics first = StageMetrics.register(spark().sparkContext());
    assertEquals(160, e.transform(frame(texts(160, 10, 21), 16), first).count());
    assertEquals(1L, first.totals().modelLoads());
    // another transform, another job: still the same model
    StageMetrics second = StageMetrics.register(spark().sparkContext());
    assertEquals(160, e.transform(frame(texts(160, 10, 22), 8), second).count());
    assertEquals(0L, second.totals().modelLoads());
  }

  @Test
  void bfloat16ProductsStayCloseToFloat32() {
    Assumptions.assumeTrue(Precision.cpuHasBf16(), "this CPU has no native bfloat16");
    List<String> texts = texts(40, 60, 31);
    // a forced route: gemm=auto may refuse bf16 on the demo model's tiny shapes, where it is not
    // faster than float32; the accuracy bound must hold on every route
    ModernBertEmbedder e =
        new ModernBertEmbedder()
            .setModelPath("demo")
            .setPooling("mean")
            .setDtype("bfloat16")
            .setGemm("onednn");
    Map<Long, float[]> got = byId(e.transform(frame(texts, 2)), "embedding");
    List<float[]> want = referenceEmbed(reference(), texts, Pooling.MEAN, false);
    for (int i = 0; i < texts.size(); i++) {
      double cosine = Assertions.cosine(want.get(i), got.get((long) i));
      assertTrue(cosine >= 0.999, "row " + i + ": cosine " + cosine);
    }
  }

  @Test
  void stagesWithOtherBatchSettingsShareTheModel(@TempDir Path tmp) {
    String fresh = SparkTesting.demoCopy(tmp).toString();
    List<String> texts = texts(60, 30, 23);
    StageMetrics small = StageMetrics.register(spark().sparkContext());
    Map<Long, float[]> a =
        byId(
            new ModernBertEmbedder()
                .setModelPath(fresh)
                .setBatchTokens(256)
                .setMaxBatchRows(4)
                .transform(frame(texts, 2), small),
            "embedding");
    StageMetrics large = StageMetrics.register(spark().sparkContext());
    Map<Long, float[]> b =
        byId(
            new ModernBertEmbedder()
                .setModelPath(fresh)
                .setBatchTokens(8192)
                .transform(frame(texts, 2), large),
            "embedding");
    assertEquals(1L, small.totals().modelLoads() + large.totals().modelLoads());
    assertTrue(
        small.totals().batches() > large.totals().batches(),
        "each stage batches by its own settings: " + small.totals() + " vs " + large.totals());
    for (long i = 0; i < texts.size(); i++) {
      assertClose(a.get(i), b.get(i), TOL, "row " + i);
    }
  }

  @Test
  void poolingAutoReadsTheSentenceTransformersConfig(@TempDir Path tmp) throws Exception {
    Path dir = SparkTesting.demoCopy(tmp);
    Files.createDirectories(dir.resolve("1_Pooling"));
    Files.writeString(
        dir.resolve("1_Pooling/config.json"),
        "{\"word_embedding_dimension\": 64, \"pooling_mode_cls_token\": false,"
            + " \"pooling_mode_mean_tokens\": true}");
    List<String> texts = texts(10, 10, 1);
    Map<Long, float[]> got =
        byId(
            new ModernBertEmbedder().setModelPath(dir.toString()).transform(frame(texts, 1)),
            "embedding");
    List<float[]> mean = referenceEmbed(reference(), texts, Pooling.MEAN, false);
    for (int i = 0; i < texts.size(); i++) {
      assertClose(mean.get(i), got.get((long) i), TOL, "row " + i);
    }
  }

  @Test
  void paramsHaveDefaultsAndCopyKeepsThem() {
    ModernBertEmbedder e = new ModernBertEmbedder();
    assertEquals("text", e.getInputCol());
    assertEquals("embedding", e.getOutputCol());
    assertEquals("auto", e.getPooling());
    assertFalse(e.getNormalize());
    assertEquals(0, e.getMaxLength());
    assertEquals(BatchPlanner.DEFAULT_BATCH_TOKENS, e.getBatchTokens());
    assertEquals(BatchPlanner.DEFAULT_MAX_BATCH_ROWS, e.getMaxBatchRows());
    assertEquals(1024, e.getSortWindowRows());
    assertEquals("auto", e.getDevice());
    assertEquals("auto", e.getDtype());
    assertEquals("array", e.getOutputType());
    assertEquals("fail", e.getOnError());
    assertNull(e.getErrorCol());
    assertEquals(0, e.getNumThreads());
    assertEquals(0, e.getTruncateDim());
    assertEquals("", e.getPromptName());
    assertNull(e.getPrompt());
    assertEquals("auto", e.getGemm());
    assertEquals(25, e.params().length);
    e.setModelPath("demo").setPooling("mean");
    // the gemm Param is parsed once, on the driver, into the spec the executors load with
    assertEquals(GemmSpec.AUTO, e.toSpec().gemm());
    assertEquals(
        GemmSpec.ONEDNN,
        new ModernBertEmbedder().setModelPath("demo").setGemm("onednn").toSpec().gemm());
    ModernBertEmbedder c = e.copy(new ParamMap().put(e.normalize(), true));
    assertEquals(e.uid(), c.uid());
    assertEquals("mean", c.getPooling());
    assertEquals("demo", c.getModelPath());
    assertTrue(c.getNormalize());
    assertFalse(e.getNormalize());
    StructType s = e.transformSchema(SparkTesting.SCHEMA);
    assertEquals(3, s.fields().length);
    assertThrows(IllegalArgumentException.class, () -> e.setMaxLength(-1));
    assertThrows(IllegalArgumentException.class, () -> e.setDevice("tpu"));
    e.setDevice("cuda:1");
  }
}
