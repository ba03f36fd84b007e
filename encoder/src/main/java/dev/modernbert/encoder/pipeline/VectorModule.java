package dev.modernbert.encoder.pipeline;

import ai.djl.ndarray.NDArray;

/**
 * A sentence-transformers module that comes after Pooling (Dense, Normalize): it maps any {@code
 * [n, in]} array of vectors to {@code [n, out]}, so it applies as well to pooled sentence vectors
 * as to span means or per-token rows.
 */
public interface VectorModule {
  /** {@code x}: {@code [n, in]} in any float dtype; the result has x's dtype and manager. */
  NDArray apply(NDArray x);

  /** The width of the output for an input of width {@code in}. */
  int outputDim(int in);

  /** The module in words, for messages ({@code Dense(32 -> 16, Tanh)}). */
  String describe();
}
