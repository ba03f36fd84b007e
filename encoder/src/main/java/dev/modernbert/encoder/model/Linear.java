package dev.modernbert.encoder.model;

import ai.djl.ndarray.NDArray;
import dev.modernbert.encoder.weights.Weights;

/** {@code y = x W^T + b} over the last axis, with PyTorch's {@code [out, in]} weight layout. */
final class Linear {
  private final NDArray weight;
  private final NDArray bias;

  Linear(Weights w) {
    this.weight = w.get("weight");
    this.bias = w.optional("bias");
  }

  NDArray forward(NDArray x) {
    return ai.djl.nn.core.Linear.linear(x, weight, bias).singletonOrThrow();
  }

  long outFeatures() {
    return weight.getShape().get(0);
  }
}
