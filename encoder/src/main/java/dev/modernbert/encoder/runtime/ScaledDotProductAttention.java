package dev.modernbert.encoder.runtime;

import static dev.modernbert.encoder.runtime.ScriptModule.arg;

import ai.djl.ndarray.NDArray;

/**
 * libtorch's fused {@code torch.nn.functional.scaled_dot_product_attention}, which DJL's NDArray
 * API does not expose. On CPU it runs flash attention: query blocks against key blocks with an
 * online softmax, so no score tensor larger than one block per thread ever exists, and the scores
 * are never written out to memory and read back; on CUDA it picks flash or memory-efficient
 * attention.
 *
 * <p>The op is reached through a TorchScript module with no weights whose source is the two methods
 * in {@link #SOURCE}, written in memory by {@link TorchScriptArchive} and loaded once per process
 * ({@link ScriptModule}).
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
    return mask == null
        ? MODULE.run("forward", q, arg(q), arg(k), arg(v))
        : MODULE.run("masked", q, arg(q), arg(k), arg(v), arg(mask));
  }

  private static final ScriptModule MODULE =
      new ScriptModule("Sdpa", SOURCE, "scaled_dot_product_attention");
}
