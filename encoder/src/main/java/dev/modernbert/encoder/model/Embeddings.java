package dev.modernbert.encoder.model;

import ai.djl.ndarray.NDArray;
import dev.modernbert.encoder.config.ModernBertConfig;
import dev.modernbert.encoder.weights.Weights;

/** {@code embeddings}: LayerNorm(tok_embeddings[ids]); no position embeddings (RoPE does that). */
final class Embeddings {
  private final NDArray tokEmbeddings;
  private final LayerNorm norm;

  Embeddings(Weights w, ModernBertConfig c) {
    this.tokEmbeddings = w.get("tok_embeddings.weight");
    this.norm = new LayerNorm(w.scope("norm"), c.normEps());
  }

  NDArray forward(NDArray ids) {
    NDArray tokens = Rows.gather(tokEmbeddings, ids);
    // Every later array derives from this one: make the batch's manager own it, not the model's.
    tokens.attach(ids.getManager());
    NDArray out = norm.forward(tokens);
    tokens.close();
    return out;
  }
}
