package dev.modernbert.encoder.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;

/**
 * The encoder layers' matrix products {@code y = x W^T (+ b)} on a route other than DJL's float32
 * {@code linear}: float32 or bfloat16 weights, plain or pre-packed by oneDNN ({@link GemmRoute}).
 * Inputs and outputs are float32; for bfloat16 the input is rounded to bf16, oneDNN accumulates in
 * float32 and rounds its output to bf16 (libtorch 2.7 has no CPU bf16 product with a float32
 * output), which is widened back to float32 for the residual stream.
 *
 * <p>DJL's Java API cannot hold a bfloat16 or a oneDNN-layout tensor (a product of one aborts the
 * JVM), so the weights live inside a TorchScript module ({@link TorchScriptArchive}) as a list
 * attribute: {@link #put} converts a float32 weight once, when the model loads, and returns its
 * index; the caller may then free its float32 copy. No such tensor ever crosses into DJL. One
 * instance per loaded model; closing it frees the weights.
 */
public final class GemmProducts implements AutoCloseable {
  /** Scalar types as TorchScript's serialized code writes them: bfloat16 15, float32 6. */
  static final String SOURCE =
      """
      class Gemm(Module):
        __parameters__ = []
        __buffers__ = []
        training : bool
        weights : List[Tensor]
        def put_plain(self: __torch__.Gemm, w: Tensor, dtype: int) -> int:
          self.weights.append(w.to(dtype).contiguous())
          return len(self.weights) - 1
        def put_packed(self: __torch__.Gemm, w: Tensor, dtype: int) -> int:
          self.weights.append(ops.mkldnn._reorder_linear_weight(w.to(dtype), None))
          return len(self.weights) - 1
        def plain(self: __torch__.Gemm, i: int, x: Tensor) -> Tensor:
          w = self.weights[i]
          return torch.linear(x.to(w.dtype), w).to(6)
        def packed(self: __torch__.Gemm, i: int, x: Tensor) -> Tensor:
          w = self.weights[i]
          scalars = annotate(List[Optional[number]], [])
          return ops.mkldnn._linear_pointwise(x.to(w.dtype), w, None, "none", scalars, None).to(6)
        def plain_bias(self: __torch__.Gemm, i: int, x: Tensor, b: Tensor) -> Tensor:
          return self.plain(i, x) + b
        def packed_bias(self: __torch__.Gemm, i: int, x: Tensor, b: Tensor) -> Tensor:
          return self.packed(i, x) + b
      """;

  private static final long BFLOAT16 = 15;
  private static final long FLOAT32 = 6;

  private final PtSymbolBlock module;
  private final GemmRoute route;
  private final boolean bf16;

  private GemmProducts(PtSymbolBlock module, GemmRoute route, boolean bf16) {
    this.module = module;
    this.route = route;
    this.bf16 = bf16;
  }

  /**
   * Whether products on {@code route} in bf16 ({@code bf16}) or float32 need this class: all but
   * float32 on the default route, which is DJL's own {@code linear} on the float32 weight.
   */
  public static boolean needed(GemmRoute route, boolean bf16) {
    return bf16 || route != GemmRoute.DEFAULT;
  }

  /** A new, empty set of weights for products on {@code route}, in bf16 or float32 (loads). */
  public static GemmProducts create(GemmRoute route, boolean bf16) {
    return new GemmProducts(
        TorchScriptArchive.load("Gemm", SOURCE, "matrix product (" + route.id() + ")", "weights"),
        route,
        bf16);
  }

  /**
   * Stores {@code weight} ({@code [out, in]}, float32) in this route's dtype and layout; returns
   * its index. The module keeps its own copy: the caller may close {@code weight}.
   */
  public synchronized int put(NDArray weight) {
    String method = route == GemmRoute.ONEDNN ? "put_packed" : "put_plain";
    try (IValue w = IValue.from((PtNDArray) weight);
        IValue dtype = IValue.from(bf16 ? BFLOAT16 : FLOAT32);
        IValue index = IValueUtils.runMethod(module, method, w, dtype)) {
      return (int) index.toLong();
    }
  }

  /**
   * {@code x W^T + b} with the stored weight {@code index}; {@code bias} (float32) may be null. The
   * result is float32, owned by {@code x}'s manager. The bias is added inside the module: its
   * output is an inference-mode tensor, which DJL may not update in place.
   */
  public NDArray linear(int index, NDArray x, NDArray bias) {
    String method =
        (route == GemmRoute.ONEDNN ? "packed" : "plain") + (bias == null ? "" : "_bias");
    IValue[] args =
        bias == null
            ? new IValue[] {IValue.from(index), IValue.from((PtNDArray) x)}
            : new IValue[] {
              IValue.from(index), IValue.from((PtNDArray) x), IValue.from((PtNDArray) bias)
            };
    try (IValue out = IValueUtils.runMethod(module, method, args)) {
      return out.toTensor((PtNDManager) x.getManager());
    } finally {
      for (IValue a : args) {
        a.close();
      }
    }
  }

  @Override
  public void close() {
    module.close();
  }
}
