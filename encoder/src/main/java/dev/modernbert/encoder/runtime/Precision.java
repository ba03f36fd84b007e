package dev.modernbert.encoder.runtime;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import java.util.Locale;

/**
 * How the model computes, from a {@code dtype} string: {@code float32} (exact, the CPU default),
 * {@code float16} (the GPU path; {@code auto} on a GPU), or {@code bfloat16}: float32 everywhere
 * except the encoder layers' matrix products, which run in bfloat16 on CPUs built for it ({@link
 * GemmProducts}, on the route {@link GemmCalibration} picks).
 */
public enum Precision {
  FLOAT32(DataType.FLOAT32),
  FLOAT16(DataType.FLOAT16),
  BFLOAT16(DataType.FLOAT32);

  private final DataType dataType;

  Precision(DataType dataType) {
    this.dataType = dataType;
  }

  /** The dtype of weights and activations (float32 for {@code BFLOAT16}: only products differ). */
  public DataType dataType() {
    return dataType;
  }

  /** True when the encoder layers' products run in bfloat16. */
  public boolean bf16Products() {
    return this == BFLOAT16;
  }

  /** The name users give ({@code float32}, {@code float16}, {@code bfloat16}). */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** True when this machine's CPU multiplies bfloat16 natively (AVX512-BF16 or AMX). */
  public static boolean cpuHasBf16() {
    return hasBf16(CpuInfo.flags());
  }

  /** {@code dtype} on {@code device}, checked against this machine's CPU. */
  public static Precision of(String dtype, Device device) {
    return of(DtypeSpec.parse(dtype), device);
  }

  /** {@code dtype} on {@code device}, checked against this machine's CPU. */
  public static Precision of(DtypeSpec dtype, Device device) {
    boolean bf16 = dtype.on(device.isGpu()) == BFLOAT16;
    return of(dtype, device, bf16 ? CpuInfo.flags() : ""); // /proc/cpuinfo only when it matters
  }

  /** {@link #of(DtypeSpec, Device, String)} of a dtype string. */
  static Precision of(String dtype, Device device, String cpuFlags) {
    return of(DtypeSpec.parse(dtype), device, cpuFlags);
  }

  /**
   * {@code dtype} ({@code auto} is float16 on a GPU, float32 on the CPU) on {@code device}, for a
   * CPU with {@code cpuFlags} (the {@code flags} line of /proc/cpuinfo).
   *
   * @throws IllegalArgumentException for bfloat16 on a GPU, or on a CPU without native bf16
   */
  static Precision of(DtypeSpec dtype, Device device, String cpuFlags) {
    Precision p = dtype.on(device.isGpu());
    if (p == BFLOAT16 && !hasBf16(cpuFlags)) {
      throw new IllegalArgumentException(
          "dtype bfloat16 needs a CPU with native bfloat16 products (AVX512-BF16 or AMX, e.g."
              + " AMD Zen 4 or later, Intel Cooper Lake, Sapphire Rapids or later); this CPU has"
              + " neither, so bf16 would run slower than float32. Use dtype float32.");
    }
    return p;
  }

  /** Whether a CPU with {@code flags} multiplies bf16 natively (AVX512-BF16 or AMX). */
  static boolean hasBf16(String flags) {
    return CpuInfo.hasFlag(flags, "avx512_bf16") || CpuInfo.hasFlag(flags, "amx_bf16");
  }
}
