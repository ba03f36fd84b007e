package dev.modernbert.encoder.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import dev.modernbert.encoder.runtime.GemmProducts;
import dev.modernbert.encoder.weights.Weights;

/**
 * {@code y = x W^T + b} over the last axis, with PyTorch's {@code [out, in]} weight layout; through
 * DJL in the weight's dtype, or on another product route ({@link GemmProducts}: oneDNN-packed or
 * bfloat16), which keeps its own copy of {@code W}: the checkpoint's is then freed at load.
 */
final class Linear {
  private final NDArray weight; // null when products holds it
  private final NDArray bias;
  private final GemmProducts products; // null: DJL's linear on weight
  private final int index;

  /** A projection in the model's dtype (heads and classifiers always are). */
  Linear(Weights w) {
    this(w, null);
  }

  /** {@code products}: the route of this product, or null for DJL's (the weight moves there). */
  Linear(Weights w, GemmProducts products) {
    this(w.get("weight"), w.optional("bias"), products);
  }

  /** Takes {@code weight} into {@code products} (and closes it) when there are products. */
  private Linear(NDArray weight, NDArray bias, GemmProducts products) {
    this.bias = bias;
    this.products = products;
    this.index = products == null ? -1 : products.put(weight);
    if (products != null) {
      weight.close();
    }
    this.weight = products == null ? weight : null;
  }

  /**
   * A fused projection ({@code Wqkv}, GeGLU's {@code Wi}) as {@code parts} projections over equal
   * blocks of its outputs, each a view of the checkpoint's weight. Same products, smaller outputs:
   * on an 8,192-token sequence the fused {@code [8192, 2304]} output is 72 MiB, above the 64 MiB
   * that a glibc thread arena serves from its heaps, so it was mmap'd, page-faulted and unmapped
   * again in every layer; its thirds (24 MiB each) are served from the arena.
   */
  static Linear[] split(Weights w, int parts, GemmProducts products) {
    NDArray weight = w.get("weight");
    NDArray bias = w.optional("bias");
    long block = weight.getShape().get(0) / parts;
    Linear[] linears = new Linear[parts];
    for (int p = 0; p < parts; p++) {
      NDIndex rows = new NDIndex("{}:{}", p * block, (p + 1) * block);
      linears[p] = new Linear(weight.get(rows), bias == null ? null : bias.get(rows), products);
    }
    if (products != null) {
      weight.close(); // the parts were copied into products: free the fused weight too
    }
    return linears;
  }

  /** Whether this projection holds a weight in DJL (false when its route keeps its own copy). */
  boolean holdsDenseWeight() {
    return weight != null;
  }

  NDArray forward(NDArray x) {
    if (products != null) {
      return products.linear(index, x, bias);
    }
    return ai.djl.nn.core.Linear.linear(x, weight, bias).singletonOrThrow();
  }
}
