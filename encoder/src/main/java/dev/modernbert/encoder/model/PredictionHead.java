package dev.modernbert.encoder.model;

import ai.djl.ndarray.NDArray;
import dev.modernbert.encoder.config.Activation;
import dev.modernbert.encoder.config.ModernBertConfig;
import dev.modernbert.encoder.weights.Weights;

/** {@code head}: dense -> classifier_activation -> LayerNorm, shared by every task head. */
final class PredictionHead {
  private final Linear dense;
  private final Activation act;
  private final LayerNorm norm;

  PredictionHead(Weights w, ModernBertConfig c) {
    this.dense = new Linear(w.scope("dense"));
    this.act = c.classifierActivation();
    this.norm = new LayerNorm(w.scope("norm"), c.normEps());
  }

  NDArray forward(NDArray x) {
    return norm.forward(Activations.apply(act, dense.forward(x)));
  }
}
