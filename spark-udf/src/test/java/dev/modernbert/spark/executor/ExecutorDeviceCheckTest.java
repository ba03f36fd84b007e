package dev.modernbert.spark.executor;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modernbert.encoder.runtime.DeviceSpec;
import dev.modernbert.encoder.runtime.DtypeSpec;
import dev.modernbert.encoder.runtime.GemmSpec;
import dev.modernbert.encoder.runtime.TorchCheck;
import dev.modernbert.encoder.source.ModelSource;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The executor-start check, on this machine's default jars (the bundled CPU libtorch). */
class ExecutorDeviceCheckTest {
  static boolean defaultJarsHere() {
    return System.getenv("PYTORCH_LIBRARY_PATH") == null && System.getenv("PYTORCH_FLAVOR") == null;
  }

  @Test
  void aCudaTaskFailsAtOnceWithTheCauseBeforeAnyModelIsFetched() {
    assumeTrue(defaultJarsHere());
    // the model path does not exist: had the files been fetched first, that would be the error
    StageSpec spec =
        new StageSpec(
            ModelSource.parse("/nonexistent/model"),
            0,
            2048,
            64,
            64,
            DeviceSpec.parse("cuda"),
            DtypeSpec.AUTO,
            GemmSpec.AUTO,
            0,
            "fail");
    TorchCheck.TorchSetupException e =
        assertThrows(
            TorchCheck.TorchSetupException.class,
            () -> ExecutorModels.acquire(spec, null, List.of("1")));
    assertEquals(TorchCheck.Cause.CPU_ONLY_LIBTORCH, e.reason());
    assertTrue(e.getMessage().startsWith("device \"cuda:1\" needs CUDA"), e.getMessage());
    assertTrue(e.getMessage().contains("PYTORCH_LIBRARY_PATH"), e.getMessage());
  }

  @Test
  void cpuAndAutoWithoutAGpuPass() {
    assertDoesNotThrow(() -> ExecutorModels.checkDevice(DeviceSpec.CPU));
    assertDoesNotThrow(() -> ExecutorModels.checkDevice(DeviceSpec.parse("auto")));
  }
}
