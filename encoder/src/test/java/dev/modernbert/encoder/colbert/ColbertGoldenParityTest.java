package dev.modernbert.encoder.colbert;

import static dev.modernbert.encoder.testing.Assertions.assertClose;
import static dev.modernbert.encoder.testing.Assertions.flatten;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.batch.BatchPlanner;
import dev.modernbert.encoder.task.ColbertEmbed;
import dev.modernbert.encoder.testing.ColbertGolden;
import dev.modernbert.encoder.testing.Golden;
import dev.modernbert.encoder.testing.TestDevice;
import dev.modernbert.encoder.tokenize.TokenizedText;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Parity with every case of the {@code colbert} fixture (PyLate 1.4.0): ids (prefix token,
 * truncation, expansion), rows (1e-5) and MaxSim scores (1e-4), through {@code
 * ModernBertEncoder.run} with one batch and with many.
 */
class ColbertGoldenParityTest {
  static final double ROW_ATOL = 1e-5;
  static final double SCORE_ATOL = 1e-4;
  static final int DIM = 16;

  static ColbertGolden golden;
  static ModernBertEncoder encoder;

  @BeforeAll
  static void load() {
    golden = ColbertGolden.open(Golden.resource("golden/colbert"));
    encoder = ModernBertEncoder.load(golden.dir, TestDevice.options());
  }

  @AfterAll
  static void close() {
    encoder.close();
  }

  /** Each text through the task's tokenize hook, then one run over all of them. */
  static List<float[][]> encode(ColbertEmbed task, String kind, BatchPlanner planner) {
    List<int[]> ids = new ArrayList<>();
    for (ColbertGolden.Text t : golden.texts(kind)) {
      ids.add(task.tokenize(encoder, t.text()).ids());
    }
    return encoder.run(task, ids, null, planner).values();
  }

  @ParameterizedTest(name = "batchTokens={0}")
  @ValueSource(ints = {1, 40, 4096})
  void documentsMatchPylate(int batchTokens) {
    ColbertEmbed task = new ColbertEmbed(ColbertRole.DOCUMENT, ColbertOverrides.NONE);
    List<ColbertGolden.Text> texts = golden.texts("document");
    List<float[][]> rows = encode(task, "document", new BatchPlanner(batchTokens, 256));
    for (int i = 0; i < texts.size(); i++) {
      ColbertGolden.Encoded expected = golden.documents().get(i);
      TokenizedText t = task.tokenize(encoder, texts.get(i).text());
      assertArrayEquals(expected.inputIds(), t.ids(), "ids of " + expected.id());
      assertEquals(expected.kept().length, rows.get(i).length, "rows of " + expected.id());
      assertClose(flatten(expected.rows()), flatten(rows.get(i)), ROW_ATOL, expected.id());
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"no_expansion", "expansion_attend", "expansion_no_attend"})
  void queriesMatchPylate(String kase) {
    ColbertEmbed task = new ColbertEmbed(ColbertRole.QUERY, golden.overrides(kase));
    List<ColbertGolden.Text> texts = golden.texts("query");
    List<float[][]> rows = encode(task, "query", BatchPlanner.defaults());
    for (int i = 0; i < texts.size(); i++) {
      ColbertGolden.Encoded expected = golden.queries(kase).get(i);
      TokenizedText t = task.tokenize(encoder, texts.get(i).text());
      // tokens PyLate does not attend to are not given to the encoder (ColbertInputs)
      assertArrayEquals(ColbertGolden.attendedIds(expected), t.ids(), "ids of " + expected.id());
      assertEquals(expected.rows().length, rows.get(i).length, "rows of " + expected.id());
      assertClose(
          flatten(ColbertGolden.withUnattendedRows(expected, new float[DIM])),
          flatten(rows.get(i)),
          ROW_ATOL,
          kase + " " + expected.id());
    }
  }

  /**
   * PyLate's real rows do not depend on whether the unattended expansion tokens are there: the
   * fixture's rows of real tokens agree with and without them, which is why leaving them out of the
   * encoder is exact.
   */
  @Test
  void unattendedExpansionLeavesRealRowsUnchanged() {
    List<ColbertGolden.Encoded> plain = golden.queries("no_expansion");
    List<ColbertGolden.Encoded> expanded = golden.queries("expansion_no_attend");
    int masked = 0;
    for (int i = 0; i < plain.size(); i++) {
      float[][] real = plain.get(i).rows();
      for (int r = 0; r < real.length; r++) {
        assertClose(real[r], expanded.get(i).rows()[r], 1e-6, plain.get(i).id() + " row " + r);
      }
      for (int r = real.length; r < expanded.get(i).rows().length; r++) {
        assertEquals(0, expanded.get(i).attentionMask()[r], "an expansion token");
        masked++;
      }
    }
    assertTrue(masked > 0, "the fixture has unattended expansion tokens");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"no_expansion", "expansion_attend", "expansion_no_attend"})
  void maxSimScoresMatchPylate(String kase) {
    List<float[][]> queries =
        encode(
            new ColbertEmbed(ColbertRole.QUERY, golden.overrides(kase)),
            "query",
            BatchPlanner.defaults());
    List<float[][]> documents =
        encode(
            new ColbertEmbed(ColbertRole.DOCUMENT, ColbertOverrides.NONE),
            "document",
            BatchPlanner.defaults());
    ColbertGolden.Scores scores = golden.scores(kase);
    boolean unattended = kase.equals("expansion_no_attend");
    for (int q = 0; q < queries.size(); q++) {
      ColbertGolden.Encoded gq = golden.queries(kase).get(q);
      float[] expected = new float[documents.size()];
      float[] actual = new float[documents.size()];
      for (int d = 0; d < documents.size(); d++) {
        // PyLate's scores, except where its unattended rows were non-zero: then the score of the
        // fixture's rows with those rows zeroed (FlashAttention's), recomputed from the fixture
        expected[d] =
            unattended
                ? MaxSim.score(
                    ColbertGolden.withUnattendedRows(gq, new float[DIM]),
                    golden.documents().get(d).rows())
                : scores.values()[q][d];
        actual[d] = MaxSim.score(queries.get(q), documents.get(d));
      }
      assertClose(expected, actual, SCORE_ATOL, kase + " " + gq.id());
    }
  }

  @Test
  void maxSimOfTheFixtureRowsIsPylatesScore() {
    for (String kase : ColbertGolden.CASES) {
      ColbertGolden.Scores s = golden.scores(kase);
      for (int q = 0; q < s.queryIds().size(); q++) {
        for (int d = 0; d < s.documentIds().size(); d++) {
          float score =
              MaxSim.score(golden.queries(kase).get(q).rows(), golden.documents().get(d).rows());
          assertEquals(s.values()[q][d], score, 1e-5, kase + " q" + q + " d" + d);
        }
      }
    }
  }

  @Test
  void truncationIsReported() {
    ColbertEmbed task = new ColbertEmbed(ColbertRole.QUERY, ColbertOverrides.NONE);
    List<ColbertGolden.Text> texts = golden.texts("query");
    assertTrue(task.tokenize(encoder, texts.get(2).text()).truncated(), "q2 is cut");
    assertTrue(!task.tokenize(encoder, texts.get(0).text()).truncated(), "q0 is whole");
  }
}
