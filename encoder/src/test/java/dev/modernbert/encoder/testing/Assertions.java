package dev.modernbert.encoder.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Numeric comparisons with the tolerance and the worst position in the failure message. */
public final class Assertions {
  private Assertions() {}

  /** The cosine similarity of two vectors, in double precision. */
  public static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }

  public static float[] flatten(float[][] rows) {
    int n = 0;
    for (float[] r : rows) {
      n += r.length;
    }
    float[] out = new float[n];
    int i = 0;
    for (float[] r : rows) {
      System.arraycopy(r, 0, out, i, r.length);
      i += r.length;
    }
    return out;
  }

  public static double maxAbsDiff(float[] expected, float[] actual) {
    assertEquals(expected.length, actual.length, "length");
    double worst = 0;
    for (int i = 0; i < expected.length; i++) {
      worst = Math.max(worst, Math.abs((double) expected[i] - actual[i]));
    }
    return worst;
  }

  public static void assertClose(float[] expected, float[] actual, double atol, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    int worstAt = -1;
    double worst = 0;
    for (int i = 0; i < expected.length; i++) {
      double d = Math.abs((double) expected[i] - actual[i]);
      if (!(d <= worst) || Double.isNaN(d)) {
        worst = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
        worstAt = i;
      }
    }
    final double w = worst;
    final int at = worstAt;
    assertTrue(
        w <= atol,
        () ->
            what
                + ": max abs diff "
                + w
                + " > "
                + atol
                + " at flat index "
                + at
                + " (expected "
                + expected[at]
                + ", got "
                + actual[at]
                + ")");
  }
}
