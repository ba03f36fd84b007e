package dev.modernbert.spark.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DeviceResolverTest {
  @Test
  void autoUsesTheTasksGpuElseCpu() {
    assertEquals(
        new ResolvedDevice("cpu", "float32"), DeviceResolver.resolve("auto", "auto", List.of()));
    assertEquals(
        new ResolvedDevice("cuda:3", "float16"),
        DeviceResolver.resolve("auto", "auto", List.of("3", "4")));
    assertEquals(
        new ResolvedDevice("cuda:1", "float32"),
        DeviceResolver.resolve("auto", "float32", List.of("1")));
  }

  @Test
  void cudaNeedsAGpuResource() {
    assertEquals(
        new ResolvedDevice("cuda:0", "float16"),
        DeviceResolver.resolve("cuda", "auto", List.of("0")));
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> DeviceResolver.resolve("cuda", "auto", List.of()));
    assertTrue(e.getMessage().startsWith("device=cuda but this task has no GPU resource"));
    assertTrue(e.getMessage().contains("spark.task.resource.gpu.amount"));
  }

  @Test
  void cpuIgnoresGpusAndExplicitOrdinalsPassThrough() {
    assertEquals(
        new ResolvedDevice("cpu", "float32"), DeviceResolver.resolve("cpu", "auto", List.of("0")));
    assertEquals(
        new ResolvedDevice("cuda:2", "float16"),
        DeviceResolver.resolve("cuda:2", "float16", List.of()));
  }

  @Test
  void badInputsAreRefused() {
    assertThrows(
        IllegalArgumentException.class, () -> DeviceResolver.resolve("tpu", "auto", List.of()));
    assertThrows(
        IllegalArgumentException.class, () -> DeviceResolver.resolve("cpu", "int8", List.of()));
    // bfloat16 is CPU mixed precision (checked against the CPU when the model loads); on a GPU
    // it is refused here, before any model loads
    IllegalArgumentException bf16OnGpu =
        assertThrows(
            IllegalArgumentException.class,
            () -> DeviceResolver.resolve("auto", "bfloat16", List.of("0")));
    assertTrue(bf16OnGpu.getMessage().contains("on a GPU use float16"), bf16OnGpu.getMessage());
    assertEquals(
        new ResolvedDevice("cpu", "bfloat16"),
        DeviceResolver.resolve("cpu", "bfloat16", List.of()));
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> DeviceResolver.resolve("auto", "auto", List.of("GPU-1a2b")));
    assertTrue(e.getMessage().contains("not a CUDA ordinal"));
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
