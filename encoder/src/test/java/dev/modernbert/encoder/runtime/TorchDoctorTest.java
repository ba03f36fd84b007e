package dev.modernbert.encoder.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The CPU lines of the doctor, from /proc/cpuinfo text. */
class TorchDoctorTest {
  static final String CPUINFO =
      """
      processor\t: 0
      vendor_id\t: AuthenticAMD
      model name\t: AMD EPYC 9654 96-Core Processor
      flags\t\t: fpu vme avx2 avx512f avx512_bf16 clzero
      processor\t: 1
      model name\t: AMD EPYC 9654 96-Core Processor
      """;

  @Test
  void cpuModelAndIsaFlags() {
    assertEquals("AMD EPYC 9654 96-Core Processor", CpuInfo.value(CPUINFO, "model name"));
    String flags = CpuInfo.value(CPUINFO, "flags");
    assertEquals("avx2 yes, avx512f yes, avx512_bf16 yes, amx_bf16 no", TorchDoctor.isa(flags));
    assertEquals(
        "avx2 yes, avx512f no, avx512_bf16 no, amx_bf16 no",
        TorchDoctor.isa("fpu avx2 avx512_vnni"));
    assertEquals("", CpuInfo.value("", "flags"));
    assertEquals("unknown (no /proc/cpuinfo flags)", TorchDoctor.isa(""));
  }
}
