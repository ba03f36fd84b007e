package dev.modernbert.encoder.model;

import ai.djl.ndarray.NDArray;
import dev.modernbert.encoder.config.ModernBertConfig;
import dev.modernbert.encoder.runtime.GemmProducts;
import dev.modernbert.encoder.weights.Weights;
import java.util.stream.Stream;

/**
 * {@code attn}: fused QKV projection and RoPE on the packed rows, attention on the padded view of
 * the batch (through {@link AttentionKernel}), output projection back on the packed rows. On CUDA
 * in half precision, attention runs on the packed rows themselves ({@code VarlenFlashAttention}).
 */
final class Attention {
  private final Linear wq;
  private final Linear wk;
  private final Linear wv;
  private final Linear wo;
  private final int heads;
  private final int headDim;
  private final double ropeTheta;

  /** Sliding-window radius for local layers, -1 for global layers. */
  private final int radius;

  Attention(Weights w, ModernBertConfig c, int layer, GemmProducts products) {
    Linear[] wqkv = Linear.split(w.scope("Wqkv"), 3, products); // rows (q|k|v), then head, then dim
    this.wq = wqkv[0];
    this.wk = wqkv[1];
    this.wv = wqkv[2];
    this.wo = new Linear(w.scope("Wo"), products);
    this.heads = c.numAttentionHeads();
    this.headDim = c.headDim();
    boolean global = c.isGlobal(layer);
    this.ropeTheta = global ? c.globalRopeTheta() : c.localRopeTheta();
    this.radius = global ? -1 : c.windowRadius();
  }

  Stream<Linear> projections() {
    return Stream.of(wq, wk, wv, wo);
  }

  NDArray forward(NDArray x, BatchTensors batch, AttentionKernel kernel) {
    if (kernel.varlen(batch, headDim)) {
      return varlen(x, batch, kernel);
    }
    int b = batch.layout().batchSize();
    int width = batch.layout().width();
    // Projections on the packed rows; the rest on the padded view, where slot t of every sequence
    // is position t.
    Rope.Tables k = batch.rope(ropeTheta, headDim, 1.0);
    Rope.Tables q = batch.rope(ropeTheta, headDim, 1.0 / Math.sqrt(headDim)); // folds in the scale
    NDArray out =
        kernel.attend(
            perHead(q.apply(slots(wq, x, batch))),
            perHead(k.apply(slots(wk, x, batch))),
            perHead(slots(wv, x, batch)),
            batch,
            radius); // [b, width, heads, headDim]
    return wo.forward(batch.toRows(out.reshape((long) b * width, (long) heads * headDim)));
  }

  /**
   * CUDA: attention over the packed rows in one varlen FlashAttention call, RoPE with the tables
   * gathered by each row's position; no padded view, gather or mask.
   */
  private NDArray varlen(NDArray x, BatchTensors batch, AttentionKernel kernel) {
    long rows = batch.layout().rows();
    Rope.Tables k = batch.ropeRows(ropeTheta, headDim, 1.0);
    Rope.Tables q = batch.ropeRows(ropeTheta, headDim, 1.0 / Math.sqrt(headDim));
    NDArray out =
        kernel.attendRows(
            q.apply(wq.forward(x).reshape(rows, heads, headDim)),
            k.apply(wk.forward(x).reshape(rows, heads, headDim)),
            wv.forward(x).reshape(rows, heads, headDim),
            batch,
            radius); // [rows, heads, headDim]
    return wo.forward(out.reshape(rows, (long) heads * headDim));
  }

  /** One projection of the packed rows, as the padded view {@code [b, width, heads, headDim]}. */
  private NDArray slots(Linear projection, NDArray x, BatchTensors batch) {
    return batch
        .toSlots(projection.forward(x))
        .reshape(batch.layout().batchSize(), batch.layout().width(), heads, headDim);
  }

  /** {@code [b, width, heads, d]} as {@code [b, heads, width, d]}: a view, no copy. */
  private static NDArray perHead(NDArray x) {
    return x.transpose(0, 2, 1, 3);
  }
}
