package dev.modernbert.encoder.model;

import ai.djl.ndarray.NDArray;
import dev.modernbert.encoder.config.ModernBertConfig;
import dev.modernbert.encoder.runtime.GemmProducts;
import dev.modernbert.encoder.weights.Weights;
import java.util.stream.Stream;

/**
 * {@code layers.N}: pre-norm, two residuals. Layer 0 has no {@code attn_norm} (an Identity in HF:
 * the embeddings were just normalised).
 */
final class EncoderLayer {
  private final LayerNorm attnNorm;
  private final Attention attn;
  private final LayerNorm mlpNorm;
  private final Mlp mlp;

  /** {@code products}: the route of the layer's products, or null for DJL's float32/float16. */
  EncoderLayer(Weights w, ModernBertConfig c, int layer, GemmProducts products) {
    this.attnNorm = layer == 0 ? null : new LayerNorm(w.scope("attn_norm"), c.normEps());
    this.attn = new Attention(w.scope("attn"), c, layer, products);
    this.mlpNorm = new LayerNorm(w.scope("mlp_norm"), c.normEps());
    this.mlp = new Mlp(w.scope("mlp"), c, products);
  }

  /** The layer's projections (attention, then MLP). */
  Stream<Linear> projections() {
    return Stream.concat(attn.projections(), mlp.projections());
  }

  NDArray forward(NDArray x, BatchTensors batch, AttentionKernel kernel) {
    NDArray attnIn = attnNorm == null ? x : attnNorm.forward(x);
    NDArray h = x.add(attn.forward(attnIn, batch, kernel));
    return h.addi(mlp.forward(mlpNorm.forward(h)));
  }
}
