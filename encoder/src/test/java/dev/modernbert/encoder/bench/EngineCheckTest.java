package dev.modernbert.encoder.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modernbert.encoder.runtime.TorchRuntime;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** gpu-check's engine step, on this machine's CPU libtorch. */
class EngineCheckTest {
  private static String[] run(String spec, int expectedCode) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int code = EngineCheck.run(spec, new PrintStream(buf, true, StandardCharsets.UTF_8));
    String out = buf.toString(StandardCharsets.UTF_8);
    assertEquals(expectedCode, code, out);
    return out.split("\n");
  }

  @Test
  void theCpuRunsTheOpAndReadsItBack() {
    String[] lines = run("cpu", 0);
    assertTrue(lines[0].startsWith("ENGINE name=PyTorch libtorch="), lines[0]);
    assertTrue(lines[1].startsWith("ENGINE_OP device=cpu() sum_xxT=1134.0"), lines[1]);
  }

  @Test
  void anUnavailableGpuPrintsTheChainOfCauses() {
    Assumptions.assumeTrue(TorchRuntime.engine().getGpuCount() == 0, "a GPU is visible");
    String[] lines = run("cuda:0", 1);
    assertEquals("ENGINE_FAILED cuda:0", lines[1]);
    assertTrue(lines[2].startsWith("  cause: "), lines[2]);
    assertTrue(lines[2].contains("device \"cuda:0\" needs CUDA"), lines[2]);
  }

  @Test
  void aBadDeviceStringFailsBeforeLibtorchStarts() {
    String[] lines = run("gpu0", 1);
    assertEquals("ENGINE_FAILED gpu0", lines[0]);
    assertTrue(lines[1].contains("bad device \"gpu0\""), lines[1]);
  }
}
