package dev.modernbert.encoder;

import static dev.modernbert.encoder.testing.Assertions.assertClose;
import static dev.modernbert.encoder.testing.Assertions.flatten;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modernbert.encoder.runtime.DtypeSpec;
import dev.modernbert.encoder.runtime.GemmSpec;
import dev.modernbert.encoder.testing.Golden;
import dev.modernbert.encoder.testing.TestDevice;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Parity with Hugging Face transformers' own outputs for both golden checkpoints. Tolerances are
 * the fixtures' suggested ones: 1e-4 on hidden states, 5e-4 on MLM logits (common mistakes move
 * them by 2.4 or more).
 */
class GoldenParityTest {
  static final double HIDDEN_ATOL = 1e-4;
  static final double LOGIT_ATOL = 5e-4;

  static Stream<Arguments> fixturesAndBudgets() {
    // Budgets: one row per batch, several batches, all six together.
    return Stream.of(Golden.MAIN, Golden.VARIANT)
        .flatMap(f -> Stream.of(1, 130, 200, 400, 100_000).map(b -> Arguments.of(f, b)));
  }

  @ParameterizedTest(name = "{0} alone")
  @MethodSource("fixtures")
  void eachSequenceAloneMatchesHfSingleRun(String fixture) {
    try (Golden g = Golden.open(fixture);
        ModernBertEncoder enc = ModernBertEncoder.load(g.dir, TestDevice.options())) {
      List<int[]> seqs = g.sequences();
      for (int i = 0; i < seqs.size(); i++) {
        List<int[]> one = List.of(seqs.get(i));
        float[] hidden = flatten(enc.lastHiddenState(one).get(0));
        assertClose(
            g.floats("single.seq" + i + ".last_hidden_state"),
            hidden,
            HIDDEN_ATOL,
            fixture + " seq" + i + " hidden");
        float[] logits =
            flatten(enc.maskedLmLogits(one, List.of(g.logitPositions().get(i))).get(0));
        assertClose(
            g.floats("single.seq" + i + ".logits"),
            logits,
            LOGIT_ATOL,
            fixture + " seq" + i + " logits");
      }
    }
  }

  @ParameterizedTest(name = "{0} together, batchTokens={1}")
  @MethodSource("fixturesAndBudgets")
  void allSixThroughThePlannerMatchHfBatchedRun(String fixture, int batchTokens) {
    assertBatchedRunMatchesHf(fixture, TestDevice.options().withBatchTokens(batchTokens));
  }

  /** Every CPU product route, forced ({@code gemm=default|onednn}): the same outputs. */
  static Stream<Arguments> fixturesAndRoutes() {
    return fixtures().flatMap(f -> forcedRoutes().map(g -> Arguments.of(f, g)));
  }

  /** The {@code gemm} values that force a route. */
  static Stream<GemmSpec> forcedRoutes() {
    return Stream.of(GemmSpec.values()).filter(g -> g.route() != null);
  }

  @ParameterizedTest(name = "{0} gemm={1}")
  @MethodSource("fixturesAndRoutes")
  void everyProductRouteMatchesHfBatchedRun(String fixture, GemmSpec gemm) {
    assertBatchedRunMatchesHf(fixture, TestDevice.options().withGemm(gemm));
  }

  private static void assertBatchedRunMatchesHf(String fixture, EncoderOptions options) {
    try (Golden g = Golden.open(fixture);
        ModernBertEncoder enc = ModernBertEncoder.load(g.dir, options)) {
      List<int[]> seqs = g.sequences();
      List<float[][]> hidden = enc.lastHiddenState(seqs);
      List<float[][]> logits = enc.maskedLmLogits(seqs, g.logitPositions());
      for (int i = 0; i < seqs.size(); i++) {
        assertClose(
            g.floats("batched.seq" + i + ".last_hidden_state"),
            flatten(hidden.get(i)),
            HIDDEN_ATOL,
            fixture + " seq" + i + " hidden");
        assertClose(
            g.floats("batched.seq" + i + ".logits"),
            flatten(logits.get(i)),
            LOGIT_ATOL,
            fixture + " seq" + i + " logits");
      }
    }
  }

  static Stream<String> fixtures() {
    return Stream.of(Golden.MAIN, Golden.VARIANT);
  }

  @ParameterizedTest(name = "{0} per layer")
  @MethodSource("fixtures")
  void everyLayerMatchesHfHiddenStates(String fixture) {
    // Pinpoints the first diverging layer when the end-to-end comparison fails.
    try (Golden g = Golden.open(fixture);
        ModernBertEncoder enc = ModernBertEncoder.load(g.dir, TestDevice.options())) {
      int[] seq = g.sequences().get(5);
      var layout = dev.modernbert.encoder.batch.BatchLayout.packed(new int[] {seq.length});
      try (var batch = enc.model().newBatch(List.of(seq), layout)) {
        var states =
            enc.model().hiddenStates(batch, dev.modernbert.encoder.model.AttentionKernel.fused());
        float[] golden = g.floats("single.seq5.hidden_states");
        int per = seq.length * enc.config().hiddenSize();
        assertTrue(golden.length == per * states.size(), "layer count");
        for (int l = 0; l < states.size(); l++) {
          float[] expected = java.util.Arrays.copyOfRange(golden, l * per, (l + 1) * per);
          assertClose(
              expected,
              states.get(l).toFloatArray(),
              HIDDEN_ATOL,
              fixture + " hidden_states[" + l + "]");
        }
      }
    }
  }

  @ParameterizedTest(name = "{0} float16")
  @MethodSource("fixtures")
  void float16ComputeStaysCloseToHf(String fixture) {
    // The GPU path's dtype, run on CPU: same code, half-precision rounding (values reach ~5).
    try (Golden g = Golden.open(fixture);
        ModernBertEncoder enc =
            ModernBertEncoder.load(g.dir, TestDevice.options().withDtype(DtypeSpec.FLOAT16))) {
      List<float[][]> hidden = enc.lastHiddenState(g.sequences());
      for (int i = 0; i < hidden.size(); i++) {
        assertClose(
            g.floats("single.seq" + i + ".last_hidden_state"),
            flatten(hidden.get(i)),
            0.05,
            fixture + " seq" + i + " float16");
      }
    }
  }
}
