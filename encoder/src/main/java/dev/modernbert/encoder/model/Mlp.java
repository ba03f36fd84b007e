package dev.modernbert.encoder.model;

import ai.djl.ndarray.NDArray;
import dev.modernbert.encoder.config.Activation;
import dev.modernbert.encoder.config.ModernBertConfig;
import dev.modernbert.encoder.runtime.GemmProducts;
import dev.modernbert.encoder.weights.Weights;
import java.util.stream.Stream;

/**
 * {@code mlp}: GeGLU. {@code Wi} gives [input | gate], computed as its two halves; out =
 * Wo(act(input) * gate).
 */
final class Mlp {
  private final Linear wiInput;
  private final Linear wiGate;
  private final Linear wo;
  private final Activation act;

  Mlp(Weights w, ModernBertConfig c, GemmProducts products) {
    Linear[] wi = Linear.split(w.scope("Wi"), 2, products);
    this.wiInput = wi[0];
    this.wiGate = wi[1];
    this.wo = new Linear(w.scope("Wo"), products);
    this.act = c.hiddenActivation();
  }

  Stream<Linear> projections() {
    return Stream.of(wiInput, wiGate, wo);
  }

  NDArray forward(NDArray x) {
    NDArray input = wiInput.forward(x);
    return wo.forward(Activations.apply(act, input).muli(wiGate.forward(x)));
  }
}
