package dev.modernbert.encoder.labels;

import static dev.modernbert.encoder.testing.Assertions.assertClose;
import static dev.modernbert.encoder.testing.Assertions.flatten;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.pool.Pooling;
import dev.modernbert.encoder.testing.Golden;
import dev.modernbert.encoder.testing.TestDevice;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Parity of the classification heads with HF's ModernBertForSequenceClassification and
 * ModernBertForTokenClassification on the golden fixtures (atol 1e-4; wrong pooling moves seqcls
 * logits by 2.6, a wrong window by 0.5 or more).
 */
class HeadGoldenParityTest {
  static final double ATOL = 1e-4;
  static final List<String> SEQCLS_LABELS =
      List.of("negative", "positive", "neutral", "neutral", "neutral", "positive");

  @Test
  void sequenceClassificationAloneMatchesHf() {
    try (Golden g = Golden.open(Golden.SEQCLS);
        ModernBertEncoder enc = ModernBertEncoder.load(g.dir, TestDevice.options())) {
      Pooling pooling = SequenceClassifier.pooling(enc.config());
      assertEquals(Pooling.MEAN, pooling, "the fixture pools by mean");
      List<int[]> seqs = g.sequences();
      for (int i = 0; i < seqs.size(); i++) {
        List<int[]> one = List.of(seqs.get(i));
        SequenceClassification c = enc.classify(one).get(0);
        assertClose(g.floats("single.seq" + i + ".logits"), c.logits(), ATOL, "seq" + i);
        assertClose(
            g.floats("single.seq" + i + ".pooled"),
            enc.embed(one, pooling, false).get(0),
            ATOL,
            "seq" + i + " pooled");
        assertEquals(SEQCLS_LABELS.get(i), c.label(), "label of seq" + i);
        assertEquals(ProblemType.SINGLE_LABEL, c.problemType());
        assertSoftmaxOf(c);
      }
    }
  }

  @ParameterizedTest(name = "batchTokens={0}")
  @ValueSource(ints = {1, 130, 200, 100_000})
  void sequenceClassificationBatchedMatchesHf(int batchTokens) {
    try (Golden g = Golden.open(Golden.SEQCLS);
        ModernBertEncoder enc =
            ModernBertEncoder.load(g.dir, TestDevice.options().withBatchTokens(batchTokens))) {
      List<int[]> seqs = g.sequences();
      List<SequenceClassification> all = enc.classify(seqs);
      List<float[]> pooled = enc.embed(seqs, SequenceClassifier.pooling(enc.config()), false);
      assertEquals(seqs.size(), all.size());
      for (int i = 0; i < seqs.size(); i++) {
        assertClose(g.floats("batched.seq" + i + ".logits"), all.get(i).logits(), ATOL, "seq" + i);
        assertClose(g.floats("single.seq" + i + ".pooled"), pooled.get(i), ATOL, "pooled " + i);
        assertEquals(SEQCLS_LABELS.get(i), all.get(i).label(), "label of seq" + i);
      }
    }
  }

  @Test
  void tokenClassificationAloneMatchesHf() {
    try (Golden g = Golden.open(Golden.TOKCLS);
        ModernBertEncoder enc = ModernBertEncoder.load(g.dir, TestDevice.options())) {
      List<int[]> seqs = g.sequences();
      for (int i = 0; i < seqs.size(); i++) {
        TokenClassification c = enc.tokenClassify(List.of(seqs.get(i))).get(0);
        assertEquals(seqs.get(i).length, c.logits().length, "one row per token");
        assertClose(g.floats("single.seq" + i + ".logits"), flatten(c.logits()), ATOL, "seq" + i);
        assertLabelsAreArgmax(c);
      }
    }
  }

  @ParameterizedTest(name = "batchTokens={0}")
  @ValueSource(ints = {1, 130, 200, 100_000})
  void tokenClassificationBatchedMatchesHf(int batchTokens) {
    try (Golden g = Golden.open(Golden.TOKCLS);
        ModernBertEncoder enc =
            ModernBertEncoder.load(g.dir, TestDevice.options().withBatchTokens(batchTokens))) {
      List<int[]> seqs = g.sequences();
      List<TokenClassification> all = enc.tokenClassify(seqs);
      for (int i = 0; i < seqs.size(); i++) {
        TokenClassification c = all.get(i);
        assertClose(g.floats("batched.seq" + i + ".logits"), flatten(c.logits()), ATOL, "seq" + i);
        assertLabelsAreArgmax(c);
        assertEquals(List.of(), c.entities(), "ids carry no offsets, so no entities");
      }
    }
  }

  static void assertSoftmaxOf(SequenceClassification c) {
    double sum = 0;
    double max = Double.NEGATIVE_INFINITY;
    for (float l : c.logits()) {
      max = Math.max(max, l);
    }
    double z = 0;
    for (float l : c.logits()) {
      z += Math.exp(l - max);
    }
    for (int j = 0; j < c.scores().length; j++) {
      assertEquals(Math.exp(c.logits()[j] - max) / z, c.scores()[j], 1e-6, "softmax " + j);
      sum += c.scores()[j];
    }
    assertEquals(1.0, sum, 1e-5);
    assertEquals(c.scores()[c.labelIndex()], c.score());
  }

  static void assertLabelsAreArgmax(TokenClassification c) {
    List<String> names = List.of("O", "B-PER", "I-PER", "B-LOC");
    for (int t = 0; t < c.logits().length; t++) {
      float[] row = c.logits()[t];
      int best = 0;
      for (int j = 1; j < row.length; j++) {
        best = row[j] > row[best] ? j : best;
      }
      assertEquals(best, c.labelIds()[t], "token " + t);
      assertEquals(names.get(best), c.labels().get(t), "token " + t);
      assertEquals(Scores.softmax(row)[best], c.scores()[t], 1e-6);
    }
  }
}
