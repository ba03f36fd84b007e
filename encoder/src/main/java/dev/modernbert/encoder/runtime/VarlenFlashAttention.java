package dev.modernbert.encoder.runtime;

import static dev.modernbert.encoder.runtime.ScriptModule.arg;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Attention over packed rows on CUDA: one {@code aten::_flash_attention_forward} call per layer,
 * the varlen FlashAttention-2 kernel, with the sequences delimited by {@code cu_seqlens} (int32
 * {@code [batch + 1]}) instead of padding and masks, and a sliding window ({@code
 * window_size_left/right}) for local layers. No padded view, gather or mask exists on this path.
 *
 * <p>The op has no CPU kernel and takes only float16/bfloat16, so it is used only on a GPU in half
 * precision, and only after a probe on that device succeeded ({@link #available}); everywhere else
 * attention runs on the padded view ({@code AttentionKernel}). The window arguments arrived in
 * PyTorch 2.5; libtorch 2.7.1 (what DJL 0.35.1 is built for) has them.
 *
 * <p>Set the system property {@code modernbert.attention.varlen=false} to turn the path off.
 */
public final class VarlenFlashAttention {
  private static final Logger LOG = LoggerFactory.getLogger(VarlenFlashAttention.class);

  /** The system property that turns the varlen path off ({@code false}). */
  public static final String PROPERTY = "modernbert.attention.varlen";

  /**
   * {@code scale=1.}: callers fold {@code head_dim^-0.5} into the queries. Output 0 of the op's
   * tuple is the attention output {@code [rows, heads, headDim]}.
   */
  static final String SOURCE =
      """
      class VarlenFlash(Module):
        __parameters__ = []
        __buffers__ = []
        training : bool
        def forward(self: __torch__.VarlenFlash, q: Tensor, k: Tensor, v: Tensor, cu: Tensor, max_len: int) -> Tensor:
          out = ops.aten._flash_attention_forward(q, k, v, cu, cu, max_len, max_len, 0., False, False, scale=1.)
          return out[0]
        def local(self: __torch__.VarlenFlash, q: Tensor, k: Tensor, v: Tensor, cu: Tensor, max_len: int, radius: int) -> Tensor:
          out = ops.aten._flash_attention_forward(q, k, v, cu, cu, max_len, max_len, 0., False, False, scale=1., window_size_left=radius, window_size_right=radius)
          return out[0]
      """;

  private VarlenFlashAttention() {}

  /**
   * {@code softmax(q k^T) v} within each sequence, unscaled; for {@code radius >= 0} only keys with
   * {@code |q - k| <= radius}.
   *
   * @param q queries {@code [rows, heads, headDim]}, float16 or bfloat16, on a GPU
   * @param k keys, same shape
   * @param v values, same shape
   * @param cuSeqlens int32 {@code [batch + 1]}: 0, then the running total of the lengths
   * @param maxLength the longest sequence
   * @param radius the window radius of a local layer, -1 for a global layer
   * @return {@code [rows, heads, headDim]}, owned by {@code q}'s manager
   */
  public static NDArray apply(
      NDArray q, NDArray k, NDArray v, NDArray cuSeqlens, int maxLength, int radius) {
    return radius < 0
        ? MODULE.run("forward", q, arg(q), arg(k), arg(v), arg(cuSeqlens), arg(maxLength))
        : MODULE.run(
            "local", q, arg(q), arg(k), arg(v), arg(cuSeqlens), arg(maxLength), arg(radius));
  }

  private static final ScriptModule MODULE =
      new ScriptModule("VarlenFlash", SOURCE, "varlen flash attention");

  private static final Map<String, Boolean> AVAILABLE = new ConcurrentHashMap<>();

  /**
   * Whether the varlen path runs for arrays of {@code dtype} on {@code device}: a GPU, float16 or
   * bfloat16, head size at most 256, the property not {@code false}, and one probe call on that
   * device (a 2-row batch built on the device, so nothing is uploaded) succeeded. The probe runs
   * once per device and dtype; a failure is logged once, and attention then takes the padded path.
   */
  public static boolean available(NDManager manager, DataType dtype, int headDim) {
    Device device = manager.getDevice();
    if (!device.isGpu()
        || (dtype != DataType.FLOAT16 && dtype != DataType.BFLOAT16)
        || headDim > 256
        || headDim % 8 != 0
        || "false".equalsIgnoreCase(System.getProperty(PROPERTY))) {
      return false;
    }
    return AVAILABLE.computeIfAbsent(
        device + "/" + dtype + "/" + headDim, key -> probe(manager, dtype, headDim));
  }

  private static boolean probe(NDManager parent, DataType dtype, int headDim) {
    try (NDManager m = parent.newSubManager()) {
      NDArray q = m.ones(new Shape(2, 1, headDim), dtype);
      NDArray cu = m.arange(0, 4, 2, DataType.INT32); // one sequence of 2 rows
      apply(q, q, q, cu, 2, -1).close();
      apply(q, q, q, cu, 2, 1).close();
      LOG.info("attention on {}: varlen FlashAttention ({})", parent.getDevice(), dtype);
      return true;
    } catch (RuntimeException e) {
      LOG.warn(
          "attention on {}: varlen FlashAttention unavailable ({}); using the padded kernels",
          parent.getDevice(),
          e.toString());
      return false;
    }
  }
}
