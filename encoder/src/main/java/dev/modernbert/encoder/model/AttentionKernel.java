package dev.modernbert.encoder.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;

/**
 * Scaled dot-product attention over the padded view {@code [batch, heads, width, headDim]}, one
 * block of queries at a time against the keys that block can see.
 *
 * <p>{@link #chunked}: global layers take query blocks sized so that no score tensor exceeds a
 * fixed element budget; local (sliding window) layers take blocks of about one window radius
 * against only the keys within the radius, so memory and work grow with the window, not with the
 * square of the length. {@link #dense}: one block of all queries against all keys with a full mask,
 * HF's eager path and the naive baseline.
 */
public final class AttentionKernel {
  /** Default bound on one score tensor: 32M floats (128 MiB in float32). */
  public static final long DEFAULT_SCORE_BUDGET = 32L << 20;

  private final long scoreBudget;
  private final boolean dense;

  private AttentionKernel(long scoreBudget, boolean dense) {
    this.scoreBudget = scoreBudget;
    this.dense = dense;
  }

  public static AttentionKernel chunked(long scoreBudget) {
    return new AttentionKernel(scoreBudget, false);
  }

  public static AttentionKernel dense() {
    return new AttentionKernel(Long.MAX_VALUE, true);
  }

  /**
   * @param q queries {@code [batch * heads, width, headDim]}, contiguous, already scaled by {@code
   *     headDim^-0.5}
   * @param k keys, same shape
   * @param v values, same shape
   * @param radius window radius for local layers, -1 for global layers
   * @return {@code [batch, width, heads, headDim]}
   */
  NDArray attend(NDArray q, NDArray k, NDArray v, BatchTensors batch, int radius) {
    int batchSize = batch.layout().batchSize();
    long batchHeads = q.getShape().get(0);
    int width = (int) q.getShape().get(1);
    int block = blockSize(width, batchHeads, radius);
    NDList outputs = new NDList();
    for (int q0 = 0; q0 < width; q0 += block) {
      int q1 = Math.min(width, q0 + block);
      int k0 = dense || radius < 0 ? 0 : Math.max(0, q0 - radius);
      int k1 = dense || radius < 0 ? width : Math.min(width, q1 + radius);
      try (NDScope scope = new NDScope()) {
        NDArray out = attendBlock(q, k, v, batch, radius, q0, q1, k0, k1); // [b*h, q1-q0, d]
        // [b, h, block, d] -> [b, block, h, d]: a view; the concat below makes it contiguous.
        NDArray view =
            out.reshape(batchSize, batchHeads / batchSize, q1 - q0, out.getShape().get(2))
                .transpose(0, 2, 1, 3);
        NDScope.unregister(view);
        outputs.add(view);
      }
    }
    if (outputs.size() == 1) {
      return outputs.get(0); // a transposed view: the caller's reshape makes the one copy
    }
    NDArray all = ai.djl.ndarray.NDArrays.concat(outputs, 1);
    outputs.close();
    return all;
  }

  private int blockSize(int width, long batchHeads, int radius) {
    if (dense) {
      return width;
    }
    if (radius >= 0) {
      // About one radius of queries against radius + block + radius keys: 1.5x-3x the band's work.
      return Math.min(width, Math.max(32, radius));
    }
    long perQuery = batchHeads * width;
    int maxBlock = (int) Math.max(1, Math.min(width, scoreBudget / perQuery));
    int blocks = (width + maxBlock - 1) / maxBlock;
    return (width + blocks - 1) / blocks; // even blocks rather than a small remainder
  }

  /** Blocks are views along the width axis: no copies of q, k or v. */
  private static NDArray attendBlock(
      NDArray q,
      NDArray k,
      NDArray v,
      BatchTensors batch,
      int radius,
      int q0,
      int q1,
      int k0,
      int k1) {
    int width = (int) q.getShape().get(1);
    NDArray qb = q0 == 0 && q1 == width ? q : q.get(new NDIndex(":, {}:{}", q0, q1));
    boolean allKeys = k0 == 0 && k1 == width;
    NDArray kb = allKeys ? k : k.get(new NDIndex(":, {}:{}", k0, k1));
    NDArray vb = allKeys ? v : v.get(new NDIndex(":, {}:{}", k0, k1));
    NDArray scores = qb.matMul(kb.transpose(0, 2, 1)); // [b*h, block, keys]
    DataType dtype = scores.getDataType();
    if (dtype != DataType.FLOAT32) {
      scores = scores.toType(DataType.FLOAT32, false); // softmax in float32, as HF's eager path
    }
    NDArray mask = batch.mask(radius, q0, q1, k0, k1); // [b, 1, queries or 1, keys]
    if (mask != null) {
      long b = mask.getShape().get(0);
      scores = scores.reshape(b, scores.getShape().get(0) / b, q1 - q0, k1 - k0).addi(mask);
    }
    NDArray probs = scores.softmax(-1).reshape(q.getShape().get(0), q1 - q0, k1 - k0);
    if (dtype != DataType.FLOAT32) {
      probs = probs.toType(dtype, false);
    }
    return probs.matMul(vb);
  }
}
