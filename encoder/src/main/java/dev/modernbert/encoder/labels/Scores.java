package dev.modernbert.encoder.labels;

import java.util.Arrays;

/** Small numeric helpers on one row of logits, computed in double precision. */
public final class Scores {
  private Scores() {}

  public static float[] softmax(float[] logits) {
    double lse = logSumExp(logits);
    float[] p = new float[logits.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = (float) Math.exp(logits[i] - lse);
    }
    return p;
  }

  public static float[] sigmoid(float[] logits) {
    float[] p = new float[logits.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = (float) (1 / (1 + Math.exp(-(double) logits[i])));
    }
    return p;
  }

  /** The index of the largest value (the first on ties; NaN never wins unless all are NaN). */
  public static int argmax(float[] values) {
    int best = 0;
    for (int i = 1; i < values.length; i++) {
      if (values[i] > values[best] || Float.isNaN(values[best])) {
        best = i;
      }
    }
    return best;
  }

  /** Indices of the k largest values, largest first (ties: lower index first; NaN never). */
  public static int[] topK(float[] values, int k) {
    int[] idx = new int[k];
    int n = 0;
    for (int i = 0; i < values.length; i++) {
      float v = values[i];
      if (Float.isNaN(v) || (n == k && !(v > values[idx[n - 1]]))) {
        continue;
      }
      int j = n < k ? n++ : n - 1;
      while (j > 0 && v > values[idx[j - 1]]) {
        idx[j] = idx[j - 1];
        j--;
      }
      idx[j] = i;
    }
    return n == k ? idx : Arrays.copyOf(idx, n);
  }

  /** Softmax probabilities over all of {@code logits} (in double precision), read at {@code at}. */
  public static double[] softmaxAt(float[] logits, int[] at) {
    double lse = logSumExp(logits);
    double[] p = new double[at.length];
    for (int i = 0; i < at.length; i++) {
      p[i] = Math.exp(logits[at[i]] - lse);
    }
    return p;
  }

  /** log(sum(exp(logits))), shifted by the maximum so that no exponent overflows. */
  private static double logSumExp(float[] logits) {
    double max = Double.NEGATIVE_INFINITY;
    for (float v : logits) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (float v : logits) {
      sum += Math.exp(v - max);
    }
    return max + Math.log(sum);
  }
}
