package dev.modernbert.encoder.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;

/**
 * Matrix products in bfloat16 on the CPU, for {@code dtype=bfloat16}: {@code y = bf16(x) bf16(W)^T
 * (+ b)}, through oneDNN's bf16 GEMM (AVX512-BF16 or AMX), then widened back to float32; everything
 * else of the model stays float32.
 *
 * <p>DJL's Java API cannot hold a bfloat16 tensor (a product of one aborts the JVM), so the bf16
 * weights live inside a TorchScript module ({@link TorchScriptArchive}) as a list attribute: {@link
 * #put} converts a float32 weight once, when the model loads, and returns its index; {@link
 * #linear} takes and returns float32 tensors. No bf16 tensor ever crosses into DJL. One instance
 * per loaded model; closing it frees the bf16 weights.
 *
 * <p>libtorch 2.7 accumulates in float32 inside the GEMM and rounds its output to bfloat16 (it has
 * no CPU bf16 product with a float32 output: {@code mm(out_dtype=)} came later, {@code mm.out} with
 * a float32 {@code out} is refused); the output is then widened to float32 for the residual stream.
 */
public final class BFloat16Products implements AutoCloseable {
  /** Scalar types as TorchScript's serialized code writes them: bfloat16 15, float32 6. */
  static final String SOURCE =
      """
      class Bf16(Module):
        __parameters__ = []
        __buffers__ = []
        training : bool
        weights : List[Tensor]
        def put(self: __torch__.Bf16, w: Tensor) -> int:
          self.weights.append(w.to(15).contiguous())
          return len(self.weights) - 1
        def linear(self: __torch__.Bf16, i: int, x: Tensor) -> Tensor:
          return torch.linear(x.to(15), self.weights[i]).to(6)
        def linear_bias(self: __torch__.Bf16, i: int, x: Tensor, b: Tensor) -> Tensor:
          return torch.linear(x.to(15), self.weights[i]).to(6) + b
      """;

  private final PtSymbolBlock module;

  private BFloat16Products(PtSymbolBlock module) {
    this.module = module;
  }

  /** A new, empty set of bf16 weights (loads the module). */
  public static BFloat16Products create() {
    return new BFloat16Products(
        TorchScriptArchive.load("Bf16", SOURCE, "bfloat16 matrix product", "weights"));
  }

  /** Stores {@code weight} ({@code [out, in]}, float32) as bfloat16; returns its index. */
  public synchronized int put(NDArray weight) {
    try (IValue w = IValue.from((PtNDArray) weight);
        IValue index = IValueUtils.runMethod(module, "put", w)) {
      return (int) index.toLong();
    }
  }

  /**
   * {@code x W^T + b} with the bf16 weight {@code index}; {@code bias} (float32) may be null. The
   * result is float32, owned by {@code x}'s manager.
   */
  public NDArray linear(int index, NDArray x, NDArray bias) {
    IValue[] args =
        bias == null
            ? new IValue[] {IValue.from(index), IValue.from((PtNDArray) x)}
            : new IValue[] {
              IValue.from(index), IValue.from((PtNDArray) x), IValue.from((PtNDArray) bias)
            };
    try (IValue out =
        IValueUtils.runMethod(module, bias == null ? "linear" : "linear_bias", args)) {
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
