package dev.modernbert.encoder.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Test;

class PrecisionTest {
  static final String ZEN4 = "flags\t\t: fpu vme avx2 avx512f avx512_bf16 clzero";
  static final String SAPPHIRE_RAPIDS = "flags\t\t: fpu avx512f amx_bf16 amx_tile amx_int8";
  static final String ZEN3 = "flags\t\t: fpu vme avx2 sha_ni clzero";

  @Test
  void dtypesMapToPrecisions() {
    assertEquals(Precision.FLOAT32, Precision.of("auto", Device.cpu(), ZEN3));
    assertEquals(Precision.FLOAT32, Precision.of("float32", Device.cpu(), ZEN3));
    assertEquals(Precision.FLOAT16, Precision.of("float16", Device.cpu(), ZEN3));
    assertEquals(Precision.FLOAT16, Precision.of("auto", Device.gpu(0), ZEN3));
    assertEquals(Precision.BFLOAT16, Precision.of("bfloat16", Device.cpu(), ZEN4));
    assertEquals(Precision.BFLOAT16, Precision.of("BFloat16", Device.cpu(), SAPPHIRE_RAPIDS));
    assertEquals(DataType.FLOAT32, Precision.BFLOAT16.dataType(), "only products are bf16");
    assertTrue(Precision.BFLOAT16.bf16Products());
  }

  @Test
  void bfloat16IsRefusedWhereItWouldBeSlowOrWrong() {
    IllegalArgumentException noBf16 =
        assertThrows(
            IllegalArgumentException.class, () -> Precision.of("bfloat16", Device.cpu(), ZEN3));
    assertTrue(noBf16.getMessage().contains("AVX512-BF16 or AMX"), noBf16.getMessage());
    assertTrue(noBf16.getMessage().contains("Use dtype float32"), noBf16.getMessage());
    IllegalArgumentException gpu =
        assertThrows(
            IllegalArgumentException.class, () -> Precision.of("bfloat16", Device.gpu(0), ZEN4));
    assertTrue(gpu.getMessage().contains("on a GPU use float16"), gpu.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Precision.of("int8", Device.cpu(), ZEN4));
  }
}
