package dev.modernbert.encoder.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.modernbert.encoder.batch.BatchLayout;
import dev.modernbert.encoder.runtime.ScaledDotProductAttention;
import dev.modernbert.encoder.runtime.VarlenFlashAttention;

/**
 * Scaled dot-product attention over the padded view {@code [batch, heads, width, headDim]}.
 *
 * <p>{@link #fused}: libtorch's fused attention ({@link ScaledDotProductAttention}, flash attention
 * on CPU), which never materialises a score tensor beyond one block per thread, whatever the
 * length. Global layers are one call over all queries and keys (key padding masked); local
 * (sliding-window) layers take blocks of about one window radius of queries against only the keys
 * within the radius, so their work grows with the window, not with the square of the length.
 *
 * <p>On CUDA in float16/bfloat16, {@link #fused} runs attention on the packed rows instead: one
 * varlen FlashAttention call per layer ({@link VarlenFlashAttention}, see {@link #varlen}), these
 * padded kernels being the fallback where the op is absent.
 *
 * <p>{@link #dense}: HF's eager path, {@code softmax(q k^T + mask) v} with all scores at once and a
 * full mask; the naive baseline and the reference in tests.
 */
public final class AttentionKernel {
  private final boolean dense;
  private final boolean varlenReference; // tests: the varlen route, its op emulated on any device

  private AttentionKernel(boolean dense, boolean varlenReference) {
    this.dense = dense;
    this.varlenReference = varlenReference;
  }

  private AttentionKernel(boolean dense) {
    this(dense, false);
  }

  /**
   * For tests on a CPU: the varlen route of {@link #fused} (packed q/k/v, RoPE by position,
   * cu_seqlens), with FlashAttention's op replaced by one masked SDPA call per sequence.
   */
  static AttentionKernel varlenReference() {
    return new AttentionKernel(false, true);
  }

  public static AttentionKernel fused() {
    return new AttentionKernel(false);
  }

  public static AttentionKernel dense() {
    return new AttentionKernel(true);
  }

  /**
   * True when attention of this batch runs on its packed rows through {@link VarlenFlashAttention}
   * (one call per layer): the fused kernel, a packed batch, and a GPU in half precision where the
   * op is present. Otherwise {@link #attend} runs on the padded view.
   */
  boolean varlen(BatchTensors batch, int headDim) {
    return !dense
        && !batch.layout().isPadded()
        && (varlenReference
            || VarlenFlashAttention.available(batch.manager(), batch.dtype(), headDim));
  }

  /**
   * Attention over packed rows {@code [rows, heads, headDim]} (queries scaled), within each
   * sequence and, for {@code radius >= 0}, the window.
   */
  NDArray attendRows(NDArray q, NDArray k, NDArray v, BatchTensors batch, int radius) {
    if (!varlenReference) {
      return VarlenFlashAttention.apply(q, k, v, batch.cuSeqlens(), batch.layout().width(), radius);
    }
    // The op's definition, one sequence at a time (host-built masks: tests only).
    BatchLayout layout = batch.layout();
    NDList parts = new NDList();
    for (int b = 0; b < layout.batchSize(); b++) {
      int r0 = layout.rowStart(b);
      int n = layout.length(b);
      NDIndex seq = new NDIndex("{}:{}", r0, r0 + n);
      NDArray mask = null;
      if (radius >= 0) {
        float hidden = q.getDataType() == DataType.FLOAT16 ? -65504f : -Float.MAX_VALUE;
        float[] m = new float[n * n];
        for (int i = 0; i < n; i++) {
          for (int j = 0; j < n; j++) {
            m[i * n + j] = Math.abs(i - j) > radius ? hidden : 0f;
          }
        }
        mask = batch.manager().create(m, new Shape(1, 1, n, n)).toType(q.getDataType(), false);
      }
      parts.add(
          ScaledDotProductAttention.apply(
                  perSequence(q.get(seq)), perSequence(k.get(seq)), perSequence(v.get(seq)), mask)
              .squeeze(0)
              .transpose(1, 0, 2));
    }
    return NDArrays.concat(parts, 0);
  }

  /** {@code [n, heads, d]} as {@code [1, heads, n, d]}. */
  private static NDArray perSequence(NDArray x) {
    return x.transpose(1, 0, 2).expandDims(0);
  }

  /**
   * @param q queries {@code [batch, heads, width, headDim]}, already scaled by {@code headDim^-0.5}
   * @param k keys, same shape
   * @param v values, same shape
   * @param radius window radius for local layers, -1 for global layers
   * @return {@code [batch, width, heads, headDim]} (a transposed view)
   */
  NDArray attend(NDArray q, NDArray k, NDArray v, BatchTensors batch, int radius) {
    int width = (int) q.getShape().get(2);
    NDArray out;
    if (dense) {
      out = eager(q, k, v, batch.mask(radius, 0, width, 0, width, DataType.FLOAT32));
    } else if (radius < 0) {
      out =
          ScaledDotProductAttention.apply(
              q, k, v, batch.mask(radius, 0, width, 0, width, q.getDataType()));
    } else {
      out = banded(q, k, v, batch, radius);
    }
    return out.transpose(0, 2, 1, 3);
  }

  /** Blocks of {@code max(32, radius)} queries against the keys within the radius of the block. */
  private static NDArray banded(NDArray q, NDArray k, NDArray v, BatchTensors batch, int radius) {
    int width = (int) q.getShape().get(2);
    int block = Math.min(width, Math.max(32, radius)); // 1.5x-3x the band's work
    NDList blocks = new NDList();
    for (int q0 = 0; q0 < width; q0 += block) {
      int q1 = Math.min(width, q0 + block);
      int k0 = Math.max(0, q0 - radius);
      int k1 = Math.min(width, q1 + radius);
      try (NDScope scope = new NDScope()) {
        NDArray out =
            ScaledDotProductAttention.apply(
                q.get(new NDIndex(":, :, {}:{}", q0, q1)),
                k.get(new NDIndex(":, :, {}:{}", k0, k1)),
                v.get(new NDIndex(":, :, {}:{}", k0, k1)),
                batch.mask(radius, q0, q1, k0, k1, q.getDataType()));
        NDScope.unregister(out);
        blocks.add(out); // [batch, heads, q1 - q0, headDim]
      }
    }
    if (blocks.size() == 1) {
      return blocks.get(0);
    }
    NDArray all = NDArrays.concat(blocks, 2);
    blocks.close();
    return all;
  }

  /** Softmax in float32 (with a float32 mask), as HF's eager path. */
  private static NDArray eager(NDArray q, NDArray k, NDArray v, NDArray mask) {
    NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)); // [batch, heads, queries, keys]
    DataType dtype = scores.getDataType();
    if (dtype != DataType.FLOAT32) {
      scores = scores.toType(DataType.FLOAT32, false);
    }
    if (mask != null) {
      scores = scores.addi(mask);
    }
    NDArray probs = scores.softmax(-1);
    if (dtype != DataType.FLOAT32) {
      probs = probs.toType(dtype, false);
    }
    return probs.matMul(v);
  }
}
