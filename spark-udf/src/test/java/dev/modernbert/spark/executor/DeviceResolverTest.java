package dev.modernbert.spark.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modernbert.encoder.runtime.DeviceSpec;
import dev.modernbert.encoder.runtime.DtypeSpec;
import dev.modernbert.encoder.runtime.Precision;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class DeviceResolverTest {
  /** What the options parse to, resolved as the executor resolves them. */
  private static ResolvedDevice resolve(String device, String dtype, List<String> gpus) {
    return DeviceResolver.resolve(DeviceSpec.parse(device), DtypeSpec.parse(dtype), gpus);
  }

  private static ResolvedDevice resolve(
      String device, String dtype, List<String> gpus, String cudaVisibleDevices) {
    return DeviceResolver.resolve(
        DeviceSpec.parse(device), DtypeSpec.parse(dtype), gpus, cudaVisibleDevices);
  }

  private static ResolvedDevice resolved(String device, String precision) {
    return new ResolvedDevice(
        DeviceSpec.parse(device), Precision.valueOf(precision.toUpperCase(Locale.ROOT)));
  }

  @Test
  void autoUsesTheTasksGpuElseCpu() {
    assertEquals(resolved("cpu", "float32"), resolve("auto", "auto", List.of()));
    assertEquals(resolved("cuda:3", "float16"), resolve("auto", "auto", List.of("3", "4"), null));
    assertEquals(resolved("cuda:1", "float32"), resolve("auto", "float32", List.of("1"), null));
  }

  @Test
  void cudaNeedsAGpuResource() {
    assertEquals(resolved("cuda:0", "float16"), resolve("cuda", "auto", List.of("0"), null));
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> resolve("cuda", "auto", List.of()));
    assertTrue(e.getMessage().startsWith("device=cuda but this task has no GPU resource"));
    assertTrue(e.getMessage().contains("spark.task.resource.gpu.amount"));
  }

  @Test
  void cpuIgnoresGpusAndExplicitOrdinalsPassThrough() {
    assertEquals(resolved("cpu", "float32"), resolve("cpu", "auto", List.of("0")));
    assertEquals(resolved("cuda:2", "float16"), resolve("cuda:2", "float16", List.of()));
  }

  @Test
  void badInputsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> resolve("tpu", "auto", List.of()));
    assertThrows(IllegalArgumentException.class, () -> resolve("cpu", "int8", List.of()));
    // bfloat16 is CPU mixed precision (checked against the CPU when the model loads); on a GPU
    // it is refused here, before any model loads
    IllegalArgumentException bf16OnGpu =
        assertThrows(
            IllegalArgumentException.class, () -> resolve("auto", "bfloat16", List.of("0")));
    assertTrue(bf16OnGpu.getMessage().contains("on a GPU use float16"), bf16OnGpu.getMessage());
    assertEquals(resolved("cpu", "bfloat16"), resolve("cpu", "bfloat16", List.of()));
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> resolve("auto", "auto", List.of("GPU-1a2b")));
    assertTrue(e.getMessage().contains("not a CUDA ordinal"));
  }

  @Test
  void addressesThatAreNotOrdinalsNameTheDiscoveryScript() {
    // UUIDs (what nvidia-smi -L and some discovery scripts print), signs, blanks, overflow
    for (String address :
        List.of(
            "GPU-8f3a1c2e-1111-2222-3333-444455556666",
            "MIG-0c1d",
            "-1",
            "+1",
            "1.0",
            "0x1",
            "",
            " ",
            "99999999999")) {
      for (String device : List.of("auto", "cuda")) {
        IllegalStateException e =
            assertThrows(
                IllegalStateException.class,
                () -> resolve(device, "auto", List.of(address), null),
                device + " with address \"" + address + "\"");
        assertTrue(
            e.getMessage().startsWith("GPU address \"" + address + "\" is not a CUDA ordinal"),
            e.getMessage());
        assertTrue(e.getMessage().contains("conf/gpu-discovery.sh"), e.getMessage());
      }
    }
    // only the task's first address is the device; surrounding spaces are tolerated
    assertEquals(
        resolved("cuda:0", "float16"), resolve("auto", "auto", List.of(" 0 ", "GPU-x"), null));
  }

  @Test
  void ordinalsMustBeBelowTheGpusCudaVisibleDevicesLeaves() {
    // The process sees physical GPU 3 as cuda:0: address 0 is right, address 3 (the physical id,
    // what a discovery script echoing CUDA_VISIBLE_DEVICES reports) does not exist in it.
    assertEquals(resolved("cuda:0", "float16"), resolve("auto", "auto", List.of("0"), "3"));
    IllegalStateException physical =
        assertThrows(IllegalStateException.class, () -> resolve("auto", "auto", List.of("3"), "3"));
    assertTrue(
        physical
            .getMessage()
            .startsWith("GPU address \"3\" is not a CUDA ordinal of this executor:"),
        physical.getMessage());
    assertTrue(
        physical
            .getMessage()
            .contains("CUDA_VISIBLE_DEVICES=\"3\" makes 1 GPU visible to it (cuda:0)"),
        physical.getMessage());
    assertTrue(physical.getMessage().contains("conf/gpu-discovery.sh"), physical.getMessage());
    // Two GPUs visible: ordinals 0 and 1 only.
    assertEquals(resolved("cuda:1", "float16"), resolve("cuda", "auto", List.of("1"), "2,3"));
    IllegalStateException beyond =
        assertThrows(
            IllegalStateException.class, () -> resolve("cuda", "auto", List.of("2"), "2,3"));
    assertTrue(
        beyond.getMessage().contains("makes 2 GPUs visible to it (cuda:0..cuda:1)"),
        beyond.getMessage());
    // An empty value hides every GPU.
    IllegalStateException none =
        assertThrows(IllegalStateException.class, () -> resolve("auto", "auto", List.of("0"), ""));
    assertTrue(none.getMessage().contains("hides every GPU"), none.getMessage());
    // Unset: any ordinal may exist (libtorch checks it when the model loads).
    assertEquals(resolved("cuda:7", "float16"), resolve("auto", "auto", List.of("7"), null));
    // An explicit cuda:N is the user's choice, not a Spark address: not checked here.
    assertEquals(resolved("cuda:5", "float16"), resolve("cuda:5", "auto", List.of("0"), "3"));
  }

  @Test
  void visibleCountFollowsCudasRules() {
    assertEquals(0, DeviceResolver.visibleCount(""));
    assertEquals(1, DeviceResolver.visibleCount("3"));
    assertEquals(2, DeviceResolver.visibleCount("2,3"));
    assertEquals(3, DeviceResolver.visibleCount(" 1, 3 ,0"));
    assertEquals(2, DeviceResolver.visibleCount("GPU-8f3a,MIG-0c1d"));
    assertEquals(1, DeviceResolver.visibleCount("0,-1,2"), "-1 ends the list");
    assertEquals(1, DeviceResolver.visibleCount("0,,2"), "an empty entry ends the list");
    assertEquals(0, DeviceResolver.visibleCount("-1"));
    assertEquals(1, DeviceResolver.visibleCount("0,"));
  }

  @Test
  void threadsFollowTheExecutorsCores() {
    assertEquals(3, ExecutorThreads.resolve(3, 1, "8", "yarn", 16));
    assertEquals(4, ExecutorThreads.resolve(0, null, "4", "yarn", 16));
    assertEquals(2, ExecutorThreads.resolve(0, null, null, "local[2]", 16));
    assertEquals(16, ExecutorThreads.resolve(0, null, null, "local[*]", 16));
    assertEquals(1, ExecutorThreads.resolve(0, null, null, "local", 16));
    assertEquals(16, ExecutorThreads.resolve(0, null, null, "spark://host:7077", 16));
    assertEquals(
        16, ExecutorThreads.resolve(0, null, "32", "yarn", 16), "never more than the machine");
    assertEquals(
        1,
        ExecutorThreads.resolve(0, 1, null, "spark://host:7077", 16),
        "a 1-core executor of a standalone Worker on a 16-core machine");
  }

  @Test
  void backendCoresComeFromTheExecutorCommandLine() {
    List<String> standalone =
        List.of(
            "-cp",
            "/spark/jars/*",
            "-Xmx2048M",
            "org.apache.spark.executor.CoarseGrainedExecutorBackend",
            "--driver-url",
            "spark://CoarseGrainedScheduler@127.0.0.1:42497",
            "--executor-id",
            "0",
            "--cores",
            "1",
            "--app-id",
            "app-1");
    assertEquals(1, ExecutorThreads.backendCores(standalone));
    assertEquals(
        6,
        ExecutorThreads.backendCores(
            List.of("org.apache.spark.executor.YarnCoarseGrainedExecutorBackend", "--cores", "6")));
    assertNull(
        ExecutorThreads.backendCores(
            List.of("-cp", "x", "dev.modernbert.jobs.EmbedJob", "--cores", "3")),
        "a driver or CLI JVM is not an executor");
    assertNull(
        ExecutorThreads.backendCores(
            List.of("--cores", "4", "org.apache.spark.executor.CoarseGrainedExecutorBackend")),
        "only arguments after the main class count");
    assertNull(
        ExecutorThreads.backendCores(
            List.of("org.apache.spark.executor.CoarseGrainedExecutorBackend", "--cores", "two")),
        "an unreadable --cores falls back to spark.executor.cores and the machine");
  }
}
