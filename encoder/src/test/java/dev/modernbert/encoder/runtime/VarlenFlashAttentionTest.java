package dev.modernbert.encoder.runtime;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/**
 * What of the CUDA-only varlen path can be checked on a CPU: that it is never chosen there, and
 * that its TorchScript source compiles against this libtorch's schema of {@code
 * aten::_flash_attention_forward} (the call reaches the dispatcher, which has no CPU kernel).
 */
class VarlenFlashAttentionTest {
  @Test
  void neverChosenOnTheCpu() {
    try (NDManager m = TorchRuntime.engine().newBaseManager(Device.cpu())) {
      for (DataType t : new DataType[] {DataType.FLOAT16, DataType.BFLOAT16, DataType.FLOAT32}) {
        assertFalse(VarlenFlashAttention.available(m, t, 64), t.toString());
      }
    }
  }

  @Test
  void sourceCompilesAndReachesTheDispatcher() {
    try (NDManager m = TorchRuntime.engine().newBaseManager(Device.cpu())) {
      NDArray q = m.ones(new Shape(4, 2, 64), DataType.FLOAT16);
      NDArray cu = m.arange(0, 6, 2, DataType.INT32); // two sequences of 2 rows
      for (int radius : new int[] {-1, 1}) {
        RuntimeException e =
            assertThrows(
                RuntimeException.class, () -> VarlenFlashAttention.apply(q, q, q, cu, 2, radius));
        String msg = String.valueOf(e.getMessage());
        // A schema mismatch would fail in the compiler ("Unknown builtin op", "keyword argument",
        // "Arguments for call are not valid"); a compiled call fails for want of a CPU kernel.
        assertFalse(
            msg.contains("could not load")
                || msg.contains("Unknown builtin op")
                || msg.contains("Arguments for call are not valid")
                || msg.contains("keyword argument"),
            msg);
        assertTrue(
            msg.contains("Could not run 'aten::_flash_attention_forward'")
                && msg.contains("'CPU' backend"),
            msg);
      }
    }
  }
}
