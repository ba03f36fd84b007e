package dev.modernbert.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.modernbert.encoder.batch.BatchPlanner;
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
        new EncoderOptions(cpu.device(), cpu.dtype(), 0, 8192, 64, 0, "auto").forDevice(true);
    assertEquals(8192, chosen.batchTokens());
    assertEquals(64, chosen.maxBatchRows());
    assertEquals(cpu.device(), gpu.device());
    assertEquals(cpu.dtype(), gpu.dtype());
  }

  private static void assEqualsPlanner(BatchPlanner want, BatchPlanner got) {
    assertEquals(want, got);
  }
}
