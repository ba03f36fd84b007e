package dev.modernbert.encoder.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.types.Shape;
import dev.modernbert.encoder.config.ModernBertConfig;
import dev.modernbert.encoder.runtime.GemmRoute;
import dev.modernbert.encoder.runtime.GemmSpec;
import dev.modernbert.encoder.runtime.Precision;
import dev.modernbert.encoder.testing.Golden;
import dev.modernbert.encoder.weights.HeadKind;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What a model holds on each product route: DJL keeps a projection's float32 weight only on the
 * default float32 route; elsewhere the weight lives once, in the route's dtype and layout, and the
 * checkpoint's fused {@code Wqkv} and {@code Wi} are freed.
 */
class GemmRouteModelTest {
  @ParameterizedTest(name = "float32 {0}")
  @EnumSource(GemmRoute.class)
  void float32HoldsDenseWeightsOnlyOnTheDefaultRoute(GemmRoute route) {
    check(Precision.FLOAT32, route, route == GemmRoute.DEFAULT);
  }

  @ParameterizedTest(name = "bfloat16 {0}")
  @EnumSource(GemmRoute.class)
  void bfloat16KeepsNoFloat32ProjectionWeights(GemmRoute route) {
    Assumptions.assumeTrue(Precision.cpuHasBf16(), "this CPU has no native bf16");
    check(Precision.BFLOAT16, route, false);
  }

  private static void check(Precision dtype, GemmRoute route, boolean dense) {
    try (Golden g = Golden.open(Golden.MAIN)) {
      ModernBertConfig c = ModernBertConfig.read(g.dir.resolve("config.json"));
      try (ModernBertModel m =
          ModernBertModel.random(
              c, HeadKind.MASKED_LM, Device.cpu(), dtype, GemmSpec.parse(route.id()))) {
        assertEquals(route, m.gemm().route());
        long projections = 7L * c.numHiddenLayers(); // q, k, v, Wo; Wi's two halves, Wo
        assertEquals(dense ? projections : 0, m.denseProjectionWeights());
        List<Shape> fused =
            List.of(
                new Shape(3L * c.hiddenSize(), c.hiddenSize()),
                new Shape(2L * c.intermediateSize(), c.hiddenSize()));
        boolean fusedHeld = m.heldArrays().stream().anyMatch(a -> fused.contains(a.getShape()));
        if (dense) {
          assertTrue(fusedHeld, "the default float32 route reads views of the fused weights");
        } else {
          assertFalse(fusedHeld, dtype.id() + " " + route.id() + " still holds a fused weight");
        }
      }
    }
  }
}
