package dev.modernbert.encoder.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import dev.modernbert.encoder.config.ModernBertConfig;
import dev.modernbert.encoder.weights.Weights;

/**
 * {@code attn}: fused QKV projection and RoPE on the packed rows, attention on the padded view of
 * the batch (through {@link AttentionKernel}), output projection back on the packed rows.
 */
final class Attention {
  private final Linear wqkv;
  private final Linear wo;
  private final int heads;
  private final int headDim;
  private final double ropeTheta;

  /** Sliding-window radius for local layers, -1 for global layers. */
  private final int radius;

  Attention(Weights w, ModernBertConfig c, int layer) {
    this.wqkv = new Linear(w.scope("Wqkv"));
    this.wo = new Linear(w.scope("Wo"));
    this.heads = c.numAttentionHeads();
    this.headDim = c.headDim();
    boolean global = c.isGlobal(layer);
    this.ropeTheta = global ? c.globalRopeTheta() : c.localRopeTheta();
    this.radius = global ? -1 : c.windowRadius();
  }

  NDArray forward(NDArray x, BatchTensors batch, AttentionKernel kernel) {
    int b = batch.layout().batchSize();
    int width = batch.layout().width();
    int hidden = heads * headDim;
    // Wqkv rows are ordered (q|k|v), then head, then dim. Projection on the packed rows; the rest
    // on the padded view, where slot t of every sequence is position t.
    NDArray qkv = batch.toSlots(wqkv.forward(x)).reshape(b, width, 3, heads, headDim);
    NDArray[] cosSin = batch.rope(ropeTheta, headDim); // [width, 1, headDim]
    NDArray q = rotate(qkv.get(new NDIndex(":, :, 0")), cosSin).muli(1.0 / Math.sqrt(headDim));
    NDArray k = rotate(qkv.get(new NDIndex(":, :, 1")), cosSin);
    NDArray v = qkv.get(new NDIndex(":, :, 2"));
    NDArray out =
        kernel.attend(
            q.transpose(0, 2, 1, 3),
            k.transpose(0, 2, 1, 3),
            v.transpose(0, 2, 1, 3),
            batch,
            radius);
    NDArray slots = out.transpose(0, 2, 1, 3).reshape((long) b * width, hidden);
    return wo.forward(batch.toRows(slots));
  }

  /** RoPE, non-interleaved ("rotate_half"): x * cos + [-x2, x1] * sin. */
  private NDArray rotate(NDArray x, NDArray[] cosSin) {
    int half = headDim / 2;
    NDArray x1 = x.get(new NDIndex("..., :{}", half));
    NDArray x2 = x.get(new NDIndex("..., {}:", half));
    NDArray rotated = x2.neg().concat(x1, -1);
    return x.mul(cosSin[0]).addi(rotated.muli(cosSin[1]));
  }
}
