package dev.modernbert.encoder.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import dev.modernbert.encoder.weights.Weights;

/** {@code y = x W^T + b} over the last axis, with PyTorch's {@code [out, in]} weight layout. */
final class Linear {
  private final NDArray weight;
  private final NDArray bias;

  Linear(Weights w) {
    this(w.get("weight"), w.optional("bias"));
  }

  private Linear(NDArray weight, NDArray bias) {
    this.weight = weight;
    this.bias = bias;
  }

  /**
   * A fused projection ({@code Wqkv}, GeGLU's {@code Wi}) as {@code parts} projections over equal
   * blocks of its outputs, each a view of the checkpoint's weight. Same products, smaller outputs:
   * on an 8,192-token sequence the fused {@code [8192, 2304]} output is 72 MiB, above the 64 MiB
   * that a glibc thread arena serves from its heaps, so it was mmap'd, page-faulted and unmapped
   * again in every layer; its thirds (24 MiB each) are served from the arena.
   */
  static Linear[] split(Weights w, int parts) {
    NDArray weight = w.get("weight");
    NDArray bias = w.optional("bias");
    long block = weight.getShape().get(0) / parts;
    Linear[] linears = new Linear[parts];
    for (int p = 0; p < parts; p++) {
      NDIndex rows = new NDIndex("{}:{}", p * block, (p + 1) * block);
      linears[p] = new Linear(weight.get(rows), bias == null ? null : bias.get(rows));
    }
    return linears;
  }

  NDArray forward(NDArray x) {
    return ai.djl.nn.core.Linear.linear(x, weight, bias).singletonOrThrow();
  }
}
