package dev.modernbert.encoder.pipeline;

import ai.djl.ndarray.NDArray;
import dev.modernbert.encoder.pool.Pooler;

/** sentence-transformers' {@code Normalize}: {@code x / max(||x||, 1e-12)} per row. */
public record NormalizeModule() implements VectorModule {
  @Override
  public NDArray apply(NDArray x) {
    return Pooler.l2Normalize(x);
  }

  @Override
  public int outputDim(int in) {
    return in;
  }

  @Override
  public String describe() {
    return "Normalize";
  }
}
