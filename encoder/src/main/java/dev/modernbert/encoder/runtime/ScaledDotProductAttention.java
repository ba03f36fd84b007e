package dev.modernbert.encoder.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;

/**
 * libtorch's fused {@code torch.nn.functional.scaled_dot_product_attention}, which DJL's NDArray
 * API does not expose. On CPU it runs flash attention: query blocks against key blocks with an
 * online softmax, so no score tensor larger than one block per thread ever exists, and the scores
 * are never written out to memory and read back; on CUDA it picks flash or memory-efficient
 * attention.
 *
 * <p>The op is reached through a TorchScript module with no weights whose source is the two methods
 * in {@link #SOURCE}, written in memory by {@link TorchScriptArchive} and loaded once per process.
 */
public final class ScaledDotProductAttention {
  /** {@code scale=1.}: callers fold {@code head_dim^-0.5} into the queries. */
  static final String SOURCE =
      """
      class Sdpa(Module):
        __parameters__ = []
        __buffers__ = []
        training : bool
        def forward(self: __torch__.Sdpa, q: Tensor, k: Tensor, v: Tensor) -> Tensor:
          return torch.scaled_dot_product_attention(q, k, v, None, 0., False, scale=1.)
        def masked(self: __torch__.Sdpa, q: Tensor, k: Tensor, v: Tensor, mask: Tensor) -> Tensor:
          return torch.scaled_dot_product_attention(q, k, v, mask, 0., False, scale=1.)
      """;

  private ScaledDotProductAttention() {}

  /**
   * {@code softmax(q k^T + mask) v}, unscaled.
   *
   * @param q queries {@code [batch, heads, queries, headDim]}
   * @param k keys {@code [batch, heads, keys, headDim]}
   * @param v values, same shape as {@code k}
   * @param mask additive, of {@code q}'s dtype, broadcastable to {@code [batch, heads, queries,
   *     keys]}; null when nothing is masked
   * @return {@code [batch, heads, queries, headDim]}, owned by {@code q}'s manager
   */
  public static NDArray apply(NDArray q, NDArray k, NDArray v, NDArray mask) {
    IValue[] args =
        mask == null
            ? new IValue[] {ivalue(q), ivalue(k), ivalue(v)}
            : new IValue[] {ivalue(q), ivalue(k), ivalue(v), ivalue(mask)};
    try (IValue out = IValueUtils.runMethod(module(), mask == null ? "forward" : "masked", args)) {
      return out.toTensor((PtNDManager) q.getManager());
    } finally {
      for (IValue a : args) {
        a.close();
      }
    }
  }

  private static IValue ivalue(NDArray a) {
    return IValue.from((PtNDArray) a);
  }

  private static volatile PtSymbolBlock module;

  /**
   * Loaded on first use; it holds no tensors, so one module serves every device and thread. A
   * failed load is not cached: every call reports it with its cause.
   */
  private static PtSymbolBlock module() {
    PtSymbolBlock m = module;
    if (m == null) {
      synchronized (ScaledDotProductAttention.class) {
        if (module == null) {
          module = load();
        }
        m = module;
      }
    }
    return m;
  }

  private static PtSymbolBlock load() {
    return TorchScriptArchive.load("Sdpa", SOURCE, "scaled_dot_product_attention");
  }
}
