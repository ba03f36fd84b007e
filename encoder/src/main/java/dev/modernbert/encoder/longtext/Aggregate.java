package dev.modernbert.encoder.longtext;

import java.util.List;
import java.util.Locale;

/** How a long text's chunk vectors become its output: one row per chunk, or one per text. */
public enum Aggregate {
  /** One output row per chunk, with its index and offsets. */
  NONE,
  /** The chunk vectors' mean, weighted by each chunk's token count. */
  MEAN,
  /** The element-wise maximum of the chunk vectors. */
  MAX;

  public static Aggregate parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("bad aggregate \"" + s + "\": expected none, mean or max");
    }
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * One vector from the chunks' (in double precision), L2-normalised when {@code normalize} (the
   * model's pipeline ends in Normalize, or the user asked for it). Not defined for {@link #NONE}.
   */
  public float[] combine(List<ChunkEmbedding> chunks, boolean normalize) {
    if (this == NONE) {
      throw new IllegalStateException("aggregate none keeps one row per chunk");
    }
    int dim = chunks.get(0).embedding().length;
    double[] acc = new double[dim];
    if (this == MAX) {
      java.util.Arrays.fill(acc, Double.NEGATIVE_INFINITY);
    }
    double weight = 0;
    for (ChunkEmbedding c : chunks) {
      float[] v = c.embedding();
      for (int d = 0; d < dim; d++) {
        acc[d] = this == MAX ? Math.max(acc[d], v[d]) : acc[d] + (double) c.tokens() * v[d];
      }
      weight += c.tokens();
    }
    if (this == MEAN) {
      for (int d = 0; d < dim; d++) {
        acc[d] = weight == 0 ? acc[d] : acc[d] / weight;
      }
    }
    if (normalize) {
      double norm = 0;
      for (double x : acc) {
        norm += x * x;
      }
      norm = Math.max(Math.sqrt(norm), 1e-12);
      for (int d = 0; d < dim; d++) {
        acc[d] /= norm;
      }
    }
    float[] out = new float[dim];
    for (int d = 0; d < dim; d++) {
      out[d] = (float) acc[d];
    }
    return out;
  }
}
