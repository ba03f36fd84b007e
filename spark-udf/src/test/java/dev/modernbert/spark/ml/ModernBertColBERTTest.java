package dev.modernbert.spark.ml;

import static dev.modernbert.encoder.testing.Assertions.assertClose;
import static dev.modernbert.encoder.testing.Assertions.flatten;
import static dev.modernbert.spark.testing.SparkTesting.spark;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modernbert.encoder.colbert.ColbertOverrides;
import dev.modernbert.encoder.colbert.MaxSim;
import dev.modernbert.encoder.testing.ColbertGolden;
import dev.modernbert.encoder.testing.Golden;
import dev.modernbert.spark.udf.ModernBertUdfs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ModernBertColBERT and the {@code maxsim} SQL function against every case of the colbert fixture
 * (PyLate 1.4.0): rows 1e-5, scores 1e-4; persistence; errors.
 */
class ModernBertColBERTTest {
  static ColbertGolden golden;

  @BeforeAll
  static void setUp() {
    golden = ColbertGolden.open(Golden.resource("golden/colbert"));
    ModernBertUdfs.registerMaxSim(spark(), "maxsim");
  }

  static Dataset<Row> texts(String kind) {
    List<Row> rows = new ArrayList<>();
    for (ColbertGolden.Text t : golden.texts(kind)) {
      rows.add(RowFactory.create(t.id(), t.text()));
    }
    StructType schema =
        new StructType()
            .add("id", DataTypes.StringType, false)
            .add("text", DataTypes.StringType, true);
    return spark().createDataFrame(rows, schema).repartition(2);
  }

  static ModernBertColBERT stage(String role) {
    return new ModernBertColBERT()
        .setModelPath(golden.dir.toString())
        .setRole(role)
        .setDevice("cpu")
        .setBatchTokens(40);
  }

  static ModernBertColBERT queries(String kase) {
    ModernBertColBERT s = stage("query");
    ColbertOverrides o = golden.overrides(kase);
    s.setDoQueryExpansion(o.doQueryExpansion());
    if (o.attendToExpansionTokens() != null) {
      s.setAttendToExpansionTokens(o.attendToExpansionTokens());
    }
    return s;
  }

  /** Column {@code col} of each row by id. */
  static Map<String, float[][]> byId(Dataset<Row> out, String col) {
    Map<String, float[][]> m = new HashMap<>();
    for (Row r : out.collectAsList()) {
      List<Object> outer = r.getList(r.fieldIndex(col));
      float[][] v = new float[outer.size()][];
      for (int i = 0; i < v.length; i++) {
        @SuppressWarnings("unchecked")
        List<Float> inner =
            scala.jdk.javaapi.CollectionConverters.asJava(
                (scala.collection.Seq<Float>) outer.get(i));
        v[i] = new float[inner.size()];
        for (int k = 0; k < v[i].length; k++) {
          v[i][k] = inner.get(k);
        }
      }
      m.put(r.getString(r.fieldIndex("id")), v);
    }
    return m;
  }

  @Test
  void documentsMatchPylate() {
    Dataset<Row> out = stage("document").transform(texts("document"));
    assertEquals(
        DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType, false), false),
        out.schema().apply("embeddings").dataType());
    Map<String, float[][]> rows = byId(out, "embeddings");
    for (ColbertGolden.Encoded g : golden.documents()) {
      assertEquals(g.rows().length, rows.get(g.id()).length, g.id());
      assertClose(flatten(g.rows()), flatten(rows.get(g.id())), 1e-5, g.id());
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"no_expansion", "expansion_attend", "expansion_no_attend"})
  void queriesAndMaxSimInSqlMatchPylate(String kase) {
    queries(kase).transform(texts("query")).createOrReplaceTempView("q");
    stage("document").transform(texts("document")).createOrReplaceTempView("d");
    Map<String, float[][]> rows = byId(spark().table("q"), "embeddings");
    for (ColbertGolden.Encoded g : golden.queries(kase)) {
      float[][] expected = ColbertGolden.withUnattendedRows(g, new float[16]);
      assertEquals(expected.length, rows.get(g.id()).length, kase + " " + g.id());
      assertClose(flatten(expected), flatten(rows.get(g.id())), 1e-5, kase + " " + g.id());
    }
    List<Row> scored =
        spark()
            .sql(
                "SELECT q.id AS qid, d.id AS did, maxsim(q.embeddings, d.embeddings) AS score"
                    + " FROM q CROSS JOIN d")
            .collectAsList();
    ColbertGolden.Scores s = golden.scores(kase);
    assertEquals(s.queryIds().size() * s.documentIds().size(), scored.size());
    boolean unattended = kase.equals("expansion_no_attend");
    for (Row r : scored) {
      int q = s.queryIds().indexOf(r.getString(0));
      int d = s.documentIds().indexOf(r.getString(1));
      // unattended expansion rows are FlashAttention's (zero) rows: the fixture's score of them
      double expected =
          unattended
              ? MaxSim.score(
                  ColbertGolden.withUnattendedRows(golden.queries(kase).get(q), new float[16]),
                  golden.documents().get(d).rows())
              : s.values()[q][d];
      assertEquals(
          expected, r.getFloat(2), 1e-4, kase + " " + r.getString(0) + " " + r.getString(1));
    }
  }

  @Test
  void maxSimFollowsItsNullEmptyAndMismatchPolicy() {
    Row r =
        spark()
            .sql(
                "SELECT maxsim(array(array(1f, 0f), array(0f, 1f)),"
                    + " array(array(0.5f, 0f), array(2f, 3f))),"
                    + " maxsim(CAST(NULL AS ARRAY<ARRAY<FLOAT>>), array(array(1f))),"
                    + " maxsim(CAST(array() AS ARRAY<ARRAY<FLOAT>>), array(array(1f))),"
                    + " maxsim(array(array(1f)), CAST(array() AS ARRAY<ARRAY<FLOAT>>)),"
                    + " maxsim(array(array(1f, CAST(NULL AS FLOAT))), array(array(1f, 1f)))")
            .first();
    assertEquals(2f + 3f, r.getFloat(0), 1e-6, "max over d of each q vector, summed");
    assertNull(r.get(1), "null in, null out");
    assertEquals(0f, r.getFloat(2), "no query vectors: an empty sum");
    assertNull(r.get(3), "no document vectors: no maximum");
    assertNull(r.get(4), "a null value");
    Exception e =
        assertThrows(
            Exception.class,
            () -> spark().sql("SELECT maxsim(array(array(1f, 2f)), array(array(1f)))").collect());
    assertTrue(
        String.valueOf(e.getMessage()).contains("maxsim(q, d): document vector 0 has 1 values"),
        e.getMessage());
  }

  @Test
  void paramsPersist(@TempDir Path tmp) throws Exception {
    ModernBertColBERT s =
        stage("query").setQueryLength(20).setDoQueryExpansion(true).setOutputCol("qv");
    String path = tmp.resolve("colbert").toString();
    s.save(path);
    ModernBertColBERT loaded = ModernBertColBERT.load(path);
    assertEquals("query", loaded.getRole());
    assertEquals("qv", loaded.getOutputCol());
    assertEquals(new ColbertOverrides(20, null, true, null), loaded.getOverrides());
    assertEquals(s.task(), loaded.task());
  }

  @Test
  void roleMustBeSetAndValid() {
    IllegalArgumentException bad =
        assertThrows(
            IllegalArgumentException.class, () -> new ModernBertColBERT().setRole("passage"));
    assertTrue(bad.getMessage().contains("role"), bad.getMessage());
    IllegalArgumentException unset =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new ModernBertColBERT()
                    .setModelPath(golden.dir.toString())
                    .transform(texts("query")));
    assertEquals(
        "ModernBertColBERT: role is not set (setRole(\"query\") or setRole(\"document\"))",
        unset.getMessage());
  }

  @Test
  void aFolderThatIsNotPylateIsRefusedOnTheDriver() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new ModernBertColBERT()
                    .setModelPath("demo")
                    .setRole("document")
                    .transform(texts("document")));
    assertTrue(e.getMessage().startsWith("ModernBertColBERT: modelPath demo: "), e.getMessage());
    assertTrue(e.getMessage().contains("is not a PyLate ColBERT folder"), e.getMessage());
  }
}
