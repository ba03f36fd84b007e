package dev.modernbert.encoder.colbert;

/**
 * ColBERT's late-interaction score, as PyLate's {@code colbert_scores}: the sum over query vectors
 * of the largest dot product with any document vector. Products are summed in double.
 */
public final class MaxSim {
  private MaxSim() {}

  /**
   * The score of {@code query} against {@code document}. No query vectors score 0.
   *
   * @throws IllegalArgumentException when the document has no vectors but the query has (there is
   *     no maximum), or when two vectors differ in length (naming both)
   */
  public static float score(float[][] query, float[][] document) {
    if (query.length == 0) {
      return 0f;
    }
    if (document.length == 0) {
      throw new IllegalArgumentException("the document has no vectors, so MaxSim has no maximum");
    }
    int dim = query[0].length;
    for (int j = 0; j < document.length; j++) {
      if (document[j].length != dim) {
        throw mismatch("document vector " + j, document[j].length, dim);
      }
    }
    double total = 0;
    for (int i = 0; i < query.length; i++) {
      float[] q = query[i];
      if (q.length != dim) {
        throw mismatch("query vector " + i, q.length, dim);
      }
      double best = Double.NEGATIVE_INFINITY;
      for (float[] d : document) {
        double dot = 0;
        for (int k = 0; k < dim; k++) {
          dot += (double) q[k] * d[k];
        }
        best = Math.max(best, dot);
      }
      total += best;
    }
    return (float) total;
  }

  private static IllegalArgumentException mismatch(String which, int length, int dim) {
    return new IllegalArgumentException(
        which + " has " + length + " values, but query vector 0 has " + dim);
  }
}
