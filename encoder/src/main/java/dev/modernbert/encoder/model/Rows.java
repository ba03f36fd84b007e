package dev.modernbert.encoder.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.SparseFormat;

/** Row gathers on 2-D tensors, through libtorch's embedding kernel (an index_select on axis 0). */
final class Rows {
  private Rows() {}

  /** {@code table[indices]}: shape {@code indices.shape + [table.cols]}. */
  static NDArray gather(NDArray table, NDArray indices) {
    return table
        .getNDArrayInternal()
        .embedding(indices, table, SparseFormat.DENSE)
        .singletonOrThrow();
  }
}
