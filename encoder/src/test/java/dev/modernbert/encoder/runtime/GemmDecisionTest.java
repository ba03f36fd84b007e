package dev.modernbert.encoder.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The route choice and the bf16 refusal as functions of injected rates (no measurement). */
class GemmDecisionTest {
  static final Precision F32 = Precision.FLOAT32;
  static final Precision BF16 = Precision.BFLOAT16;

  /** The Zen 5 machine of issue 25: oneDNN float32 faster than sgemm, bf16 faster still. */
  static final List<GemmRate> ZEN5 =
      List.of(
          new GemmRate(F32, GemmRoute.DEFAULT, 141.0, true),
          new GemmRate(F32, GemmRoute.ONEDNN, 330.0, true),
          new GemmRate(BF16, GemmRoute.DEFAULT, 540.0, true),
          new GemmRate(BF16, GemmRoute.ONEDNN, 610.0, true));

  /** The Intel machine of issue 25: bf16 slower than float32 on both routes. */
  static final List<GemmRate> XEON =
      List.of(
          new GemmRate(F32, GemmRoute.DEFAULT, 248.6, true),
          new GemmRate(F32, GemmRoute.ONEDNN, 231.0, true),
          new GemmRate(BF16, GemmRoute.DEFAULT, 144.8, true),
          new GemmRate(BF16, GemmRoute.ONEDNN, 150.2, true));

  @Test
  void autoTakesTheFastestRouteOfTheDtype() {
    assertEquals(GemmRoute.ONEDNN, GemmDecision.auto(F32, ZEN5).route());
    assertEquals(GemmRoute.ONEDNN, GemmDecision.auto(BF16, ZEN5).route());
    assertEquals(GemmRoute.DEFAULT, GemmDecision.auto(F32, XEON).route());
    assertFalse(GemmDecision.auto(F32, ZEN5).forced());
    assertEquals(ZEN5, GemmDecision.auto(F32, ZEN5).rates());
  }

  @Test
  void aWrongRouteIsNeverChosenHoweverFast() {
    List<GemmRate> rates =
        List.of(
            new GemmRate(F32, GemmRoute.DEFAULT, 100.0, true),
            new GemmRate(F32, GemmRoute.ONEDNN, 900.0, false));
    assertEquals(GemmRoute.DEFAULT, GemmDecision.auto(F32, rates).route());
    List<GemmRate> noneRight = List.of(new GemmRate(F32, GemmRoute.ONEDNN, 900.0, false));
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> GemmDecision.auto(F32, noneRight));
    assertTrue(e.getMessage().contains("float32 onednn 900.0 GFLOP/s WRONG"), e.getMessage());
  }

  @Test
  void bfloat16NoFasterThanFloat32IsRefusedWithBothRates() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> GemmDecision.auto(BF16, XEON));
    String m = e.getMessage();
    assertTrue(m.contains("150.2 GFLOP/s (route onednn)"), m); // bf16's best
    assertTrue(m.contains("248.6 GFLOP/s (route default)"), m); // float32's best
    assertTrue(m.contains("use dtype float32"), m);
    List<GemmRate> tie =
        List.of(
            new GemmRate(F32, GemmRoute.DEFAULT, 200.0, true),
            new GemmRate(BF16, GemmRoute.DEFAULT, 200.0, true));
    assertThrows(IllegalArgumentException.class, () -> GemmDecision.auto(BF16, tie));
  }

  @Test
  void aForcedRouteIsTakenAsIsWithoutMeasuringOrRefusing() {
    GemmDecision d = GemmDecision.forced(BF16, GemmRoute.DEFAULT);
    assertEquals(GemmRoute.DEFAULT, d.route());
    assertTrue(d.forced());
    assertTrue(d.rates().isEmpty());
    assertTrue(d.summary().contains("forced by gemm=default"), d.summary());
  }

  @Test
  void theSummaryNamesEveryRateAndTheChoice() {
    String s = GemmDecision.auto(F32, ZEN5).summary();
    assertTrue(s.contains("float32 default 141.0 GFLOP/s"), s);
    assertTrue(s.contains("bfloat16 onednn 610.0 GFLOP/s"), s);
    assertTrue(s.endsWith("float32 products on route onednn (gemm=auto)"), s);
  }
}
