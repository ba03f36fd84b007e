package dev.modernbert.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.modernbert.encoder.batch.BatchPlanner;
import dev.modernbert.encoder.runtime.GemmSpec;
import org.junit.jupiter.api.Test;

/** The GPU's larger default batch applies only where the CPU default was left in place. */
class EncoderOptionsTest {
  @Test
  void gpuDefaultsReplaceOnlyTheCpuDefaults() {
    EncoderOptions cpu = EncoderOptions.defaults();
    assertSame(cpu, cpu.forDevice(false));
    EncoderOptions gpu = cpu.forDevice(true);
    assertEquals(BatchPlanner.DEFAULT_GPU_BATCH_TOKENS, gpu.batchTokens());
    assertEquals(BatchPlanner.DEFAULT_GPU_MAX_BATCH_ROWS, gpu.maxBatchRows());
    assEqualsPlanner(BatchPlanner.defaults(true), gpu.planner());
    assEqualsPlanner(BatchPlanner.defaults(false), cpu.planner());
    EncoderOptions chosen =
        new EncoderOptions(cpu.device(), cpu.dtype(), 0, 8192, 64, 0, GemmSpec.ONEDNN)
            .forDevice(true);
    assertEquals(8192, chosen.batchTokens());
    assertEquals(64, chosen.maxBatchRows());
    assertEquals(cpu.device(), gpu.device());
    assertEquals(cpu.dtype(), gpu.dtype());
    assertEquals(GemmSpec.AUTO, cpu.gemm());
    assertEquals(GemmSpec.ONEDNN, chosen.gemm());
    assertEquals(GemmSpec.DEFAULT, cpu.withGemm(GemmSpec.DEFAULT).gemm());
  }

  private static void assEqualsPlanner(BatchPlanner want, BatchPlanner got) {
    assertEquals(want, got);
  }
}
