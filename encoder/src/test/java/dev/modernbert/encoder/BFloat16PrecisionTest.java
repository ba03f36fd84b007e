package dev.modernbert.encoder;

import static dev.modernbert.encoder.testing.Assertions.cosine;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modernbert.encoder.labels.Scores;
import dev.modernbert.encoder.labels.SequenceClassification;
import dev.modernbert.encoder.labels.TokenClassification;
import dev.modernbert.encoder.pool.Pooling;
import dev.modernbert.encoder.runtime.DtypeSpec;
import dev.modernbert.encoder.runtime.GemmSpec;
import dev.modernbert.encoder.runtime.Precision;
import dev.modernbert.encoder.testing.Golden;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code dtype=bfloat16} (products in bf16, the rest float32) against HF's float32 outputs on the
 * golden fixtures: every pooled embedding at cosine similarity >= 0.999; classification labels and
 * fill-mask top-1 equal to HF's wherever HF's own top two are more than {@link #NEAR_TIE} apart.
 * The random tiny fixtures have near-ties (a token-classification margin of 0.00065) that bf16's
 * 3-digit products cannot resolve; there our choice must be HF's second, and the counts are
 * printed. Runs where the CPU has native bf16 (AVX512-BF16 or AMX), as CI's machines do; elsewhere
 * bfloat16 is refused (PrecisionTest).
 */
class BFloat16PrecisionTest {
  static final double MIN_COSINE = 0.999;

  /** HF's top-1 minus top-2 logit below which bf16 may pick the second. */
  static final double NEAR_TIE = 0.05;

  @BeforeAll
  static void needsNativeBf16() {
    Assumptions.assumeTrue(
        Precision.cpuHasBf16(), "this CPU has no AVX512-BF16 or AMX: bfloat16 is refused here");
  }

  /**
   * bf16 on a forced route: {@code gemm=auto} may refuse bf16 on these tiny shapes, where it is not
   * faster than float32; the accuracy bounds must hold on every route.
   */
  private static ModernBertEncoder bf16(Golden g, GemmSpec gemm) {
    return ModernBertEncoder.load(
        g.dir, EncoderOptions.defaults().withDtype(DtypeSpec.BFLOAT16).withGemm(gemm));
  }

  static Stream<Arguments> fixturesAndRoutes() {
    return GoldenParityTest.fixturesAndRoutes();
  }

  @ParameterizedTest(name = "{0} gemm={1}")
  @MethodSource("fixturesAndRoutes")
  void pooledEmbeddingsStayWithinCosine0999OfHf(String fixture, GemmSpec gemm) {
    try (Golden g = Golden.open(fixture);
        ModernBertEncoder enc = bf16(g, gemm)) {
      List<int[]> seqs = g.sequences();
      int hidden = enc.config().hiddenSize();
      double worst = 1;
      for (Pooling p : List.of(Pooling.CLS, Pooling.MEAN)) {
        List<float[]> ours = enc.embed(seqs, p, false);
        for (int i = 0; i < seqs.size(); i++) {
          float[] hf = pool(g.floats("batched.seq" + i + ".last_hidden_state"), hidden, p);
          double cos = cosine(hf, ours.get(i));
          worst = Math.min(worst, cos);
          assertTrue(cos >= MIN_COSINE, fixture + " seq" + i + " " + p + ": cosine " + cos);
        }
      }
      System.out.printf(Locale.ROOT, "bf16 %s: worst pooled cosine %.6f%n", fixture, worst);
    }
  }

  @ParameterizedTest(name = "{0} gemm={1}")
  @MethodSource("fixturesAndRoutes")
  void fillMaskTop1EqualsHf(String fixture, GemmSpec gemm) {
    try (Golden g = Golden.open(fixture);
        ModernBertEncoder enc = bf16(g, gemm)) {
      List<int[]> seqs = g.sequences();
      List<float[][]> logits = enc.maskedLmLogits(seqs, g.logitPositions());
      int vocab = enc.config().vocabSize();
      Top1 top1 = new Top1(fixture + " fill-mask");
      for (int i = 0; i < seqs.size(); i++) {
        float[] hf = g.floats("batched.seq" + i + ".logits");
        for (int m = 0; m < logits.get(i).length; m++) {
          top1.check(
              java.util.Arrays.copyOfRange(hf, m * vocab, (m + 1) * vocab),
              Scores.argmax(logits.get(i)[m]),
              "seq" + i + " mask " + m);
        }
      }
      top1.print();
    }
  }

  /** Counts top-1 agreement; a disagreement must be a near-tie of HF's, resolved to its second. */
  static final class Top1 {
    final String what;
    int total;
    int nearTies;
    int differ;

    Top1(String what) {
      this.what = what;
    }

    void check(float[] hf, int ours, String where) {
      int[] top2 = Scores.topK(hf, 2);
      double margin = hf[top2[0]] - hf[top2[1]];
      total++;
      nearTies += margin < NEAR_TIE ? 1 : 0;
      if (ours == top2[0]) {
        return;
      }
      differ++;
      assertTrue(
          margin < NEAR_TIE && ours == top2[1],
          what + " " + where + ": ours " + ours + ", HF " + top2[0] + " by " + margin);
    }

    void print() {
      System.out.printf(
          Locale.ROOT,
          "bf16 %s: top-1 equal to HF's in %d of %d (%d near-ties under %.2f)%n",
          what,
          total - differ,
          total,
          nearTies,
          NEAR_TIE);
    }
  }

  static Stream<Arguments> classifiersAndRoutes() {
    return Stream.of(Golden.SEQCLS, Golden.TOKCLS)
        .flatMap(f -> GoldenParityTest.forcedRoutes().map(g -> Arguments.of(f, g)));
  }

  @ParameterizedTest(name = "{0} gemm={1}")
  @MethodSource("classifiersAndRoutes")
  void classificationLabelsEqualHf(String fixture, GemmSpec gemm) {
    try (Golden g = Golden.open(fixture);
        ModernBertEncoder enc = bf16(g, gemm)) {
      List<int[]> seqs = g.sequences();
      Top1 top1 = new Top1(fixture + " labels");
      if (fixture.equals(Golden.SEQCLS)) {
        List<SequenceClassification> ours = enc.classify(seqs);
        for (int i = 0; i < seqs.size(); i++) {
          top1.check(g.floats("batched.seq" + i + ".logits"), ours.get(i).labelIndex(), "seq" + i);
        }
      } else {
        List<TokenClassification> ours = enc.tokenClassify(seqs);
        for (int i = 0; i < seqs.size(); i++) {
          float[] hf = g.floats("batched.seq" + i + ".logits");
          int labels = hf.length / seqs.get(i).length;
          for (int t = 0; t < seqs.get(i).length; t++) {
            top1.check(
                java.util.Arrays.copyOfRange(hf, t * labels, (t + 1) * labels),
                ours.get(i).labelIds()[t],
                "seq" + i + " token " + t);
          }
        }
      }
      top1.print();
    }
  }

  /** HF's pooled vector from its {@code [len * hidden]} last_hidden_state. */
  static float[] pool(float[] rows, int hidden, Pooling p) {
    int len = rows.length / hidden;
    float[] out = new float[hidden];
    if (p == Pooling.CLS) {
      System.arraycopy(rows, 0, out, 0, hidden);
      return out;
    }
    for (int t = 0; t < len; t++) {
      for (int h = 0; h < hidden; h++) {
        out[h] += rows[t * hidden + h] / len;
      }
    }
    return out;
  }
}
