package dev.modernbert.encoder.model;

import ai.djl.ndarray.NDArray;
import dev.modernbert.encoder.weights.Weights;

/** LayerNorm over the hidden axis; ModernBERT's norms have no bias unless {@code norm_bias}. */
final class LayerNorm {
  private final NDArray weight;
  private final NDArray bias;
  private final float eps;

  LayerNorm(Weights w, double eps) {
    this.weight = w.get("weight");
    NDArray b = w.optional("bias");
    // libtorch's layer_norm takes an undefined bias, but DJL's JNI needs a tensor: use zeros.
    this.bias = b != null ? b : weight.zerosLike();
    this.eps = (float) eps;
  }

  NDArray forward(NDArray x) {
    return ai.djl.nn.norm.LayerNorm.layerNorm(x, weight.getShape(), weight, bias, eps)
        .singletonOrThrow();
  }
}
