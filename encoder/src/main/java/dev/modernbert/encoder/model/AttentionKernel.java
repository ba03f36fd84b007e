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
  /** Default bound on one score tensor: 16M floats (64 MiB in float32). */
  public static final long DEFAULT_SCORE_BUDGET = 16L << 20;

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
   * @param q queries, already scaled by {@code headDim^-0.5}
   * @param radius window radius for local layers, -1 for global layers
   * @return {@code [batch, heads, width, headDim]}
   */
  NDArray attend(NDArray q, NDArray k, NDArray v, BatchTensors batch, int radius) {
    int width = (int) q.getShape().get(2);
    long batchHeads = q.getShape().get(0) * q.getShape().get(1);
    int block = blockSize(width, batchHeads, radius);
    NDList outputs = new NDList();
    for (int q0 = 0; q0 < width; q0 += block) {
      int q1 = Math.min(width, q0 + block);
      int k0 = dense || radius < 0 ? 0 : Math.max(0, q0 - radius);
      int k1 = dense || radius < 0 ? width : Math.min(width, q1 + radius);
      try (NDScope scope = new NDScope()) {
        NDArray out = attendBlock(q, k, v, batch, radius, q0, q1, k0, k1);
        NDScope.unregister(out);
        outputs.add(out);
      }
    }
    if (outputs.size() == 1) {
      return outputs.get(0);
    }
    NDArray all = ai.djl.ndarray.NDArrays.concat(outputs, 2);
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
    int width = (int) q.getShape().get(2);
    NDArray qb = q0 == 0 && q1 == width ? q : q.get(new NDIndex(":, :, {}:{}", q0, q1));
    boolean allKeys = k0 == 0 && k1 == width;
    NDArray kb = allKeys ? k : k.get(new NDIndex(":, :, {}:{}", k0, k1));
    NDArray vb = allKeys ? v : v.get(new NDIndex(":, :, {}:{}", k0, k1));
    NDArray scores = qb.matMul(kb.transpose(0, 1, 3, 2));
    DataType dtype = scores.getDataType();
    if (dtype != DataType.FLOAT32) {
      scores = scores.toType(DataType.FLOAT32, false); // softmax in float32, as HF's eager path
    }
    NDArray mask = batch.mask(radius, q0, q1, k0, k1);
    if (mask != null) {
      scores = scores.addi(mask);
    }
    NDArray probs = scores.softmax(-1);
    if (dtype != DataType.FLOAT32) {
      probs = probs.toType(dtype, false);
    }
    return probs.matMul(vb);
  }
}
