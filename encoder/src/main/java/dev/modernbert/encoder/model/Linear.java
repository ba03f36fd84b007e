package dev.modernbert.encoder.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import dev.modernbert.encoder.runtime.BFloat16Products;
import dev.modernbert.encoder.weights.Weights;

/**
 * {@code y = x W^T + b} over the last axis, with PyTorch's {@code [out, in]} weight layout; in
 * float32/float16 through DJL, or with a bfloat16 copy of {@code W} ({@link BFloat16Products}).
 */
final class Linear {
  private final NDArray weight;
  private final NDArray bias;
  private final BFloat16Products bf16; // null: products in the weight's dtype
  private final int bf16Index;

  /** A projection in the model's dtype (heads and classifiers always are). */
  Linear(Weights w) {
    this(w, null);
  }

  /** {@code bf16}: where the product runs in bfloat16 (the weight is converted once, here). */
  Linear(Weights w, BFloat16Products bf16) {
    this(w.get("weight"), w.optional("bias"), bf16);
  }

  private Linear(NDArray weight, NDArray bias, BFloat16Products bf16) {
    this.weight = weight;
    this.bias = bias;
    this.bf16 = bf16;
    this.bf16Index = bf16 == null ? -1 : bf16.put(weight);
  }

  /**
   * A fused projection ({@code Wqkv}, GeGLU's {@code Wi}) as {@code parts} projections over equal
   * blocks of its outputs, each a view of the checkpoint's weight. Same products, smaller outputs:
   * on an 8,192-token sequence the fused {@code [8192, 2304]} output is 72 MiB, above the 64 MiB
   * that a glibc thread arena serves from its heaps, so it was mmap'd, page-faulted and unmapped
   * again in every layer; its thirds (24 MiB each) are served from the arena.
   */
  static Linear[] split(Weights w, int parts, BFloat16Products bf16) {
    NDArray weight = w.get("weight");
    NDArray bias = w.optional("bias");
    long block = weight.getShape().get(0) / parts;
    Linear[] linears = new Linear[parts];
    for (int p = 0; p < parts; p++) {
      NDIndex rows = new NDIndex("{}:{}", p * block, (p + 1) * block);
      linears[p] = new Linear(weight.get(rows), bias == null ? null : bias.get(rows), bf16);
    }
    return linears;
  }

  NDArray forward(NDArray x) {
    if (bf16 != null) {
      return bf16.linear(bf16Index, x, bias);
    }
    return ai.djl.nn.core.Linear.linear(x, weight, bias).singletonOrThrow();
  }
}
