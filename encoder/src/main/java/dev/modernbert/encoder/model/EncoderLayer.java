package dev.modernbert.encoder.model;

import ai.djl.ndarray.NDArray;
import dev.modernbert.encoder.config.ModernBertConfig;
import dev.modernbert.encoder.runtime.BFloat16Products;
import dev.modernbert.encoder.weights.Weights;

/**
 * {@code layers.N}: pre-norm, two residuals. Layer 0 has no {@code attn_norm} (an Identity in HF:
 * the embeddings were just normalised).
 */
final class EncoderLayer {
  private final LayerNorm attnNorm;
  private final Attention attn;
  private final LayerNorm mlpNorm;
  private final Mlp mlp;

  /** {@code bf16}: where the layer's products run in bfloat16, else null. */
  EncoderLayer(Weights w, ModernBertConfig c, int layer, BFloat16Products bf16) {
    this.attnNorm = layer == 0 ? null : new LayerNorm(w.scope("attn_norm"), c.normEps());
    this.attn = new Attention(w.scope("attn"), c, layer, bf16);
    this.mlpNorm = new LayerNorm(w.scope("mlp_norm"), c.normEps());
    this.mlp = new Mlp(w.scope("mlp"), c, bf16);
  }

  NDArray forward(NDArray x, BatchTensors batch, AttentionKernel kernel) {
    NDArray attnIn = attnNorm == null ? x : attnNorm.forward(x);
    NDArray h = x.add(attn.forward(attnIn, batch, kernel));
    return h.addi(mlp.forward(mlpNorm.forward(h)));
  }
}
