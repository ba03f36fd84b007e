package dev.modernbert.encoder.runtime;

import java.util.Locale;

/**
 * How the encoder layers' matrix products run on the CPU ({@code gemm=auto|default|onednn}): {@link
 * #DEFAULT} is libtorch's own {@code linear} (MKL/BLAS sgemm for float32, oneDNN with the plain
 * weights for bfloat16); {@link #ONEDNN} is oneDNN's matmul on weights re-laid out once, at load,
 * in its blocked layout ({@code mkldnn._reorder_linear_weight} + {@code mkldnn._linear_pointwise}).
 * {@code auto} lets {@link GemmCalibration} pick the faster one; the option is {@link GemmSpec}.
 */
public enum GemmRoute {
  DEFAULT,
  ONEDNN;

  /** The name users give ({@code default}, {@code onednn}). */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
