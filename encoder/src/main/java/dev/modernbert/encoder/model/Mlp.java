package dev.modernbert.encoder.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import dev.modernbert.encoder.config.Activation;
import dev.modernbert.encoder.config.ModernBertConfig;
import dev.modernbert.encoder.weights.Weights;

/** {@code mlp}: GeGLU. {@code Wi} gives [input | gate]; out = Wo(act(input) * gate). */
final class Mlp {
  private final Linear wi;
  private final Linear wo;
  private final Activation act;
  private final int intermediate;

  Mlp(Weights w, ModernBertConfig c) {
    this.wi = new Linear(w.scope("Wi"));
    this.wo = new Linear(w.scope("Wo"));
    this.act = c.hiddenActivation();
    this.intermediate = c.intermediateSize();
  }

  NDArray forward(NDArray x) {
    NDArray both = wi.forward(x);
    NDArray input = both.get(new NDIndex(":, :{}", intermediate));
    NDArray gate = both.get(new NDIndex(":, {}:", intermediate));
    return wo.forward(Activations.apply(act, input).muli(gate));
  }
}
