package dev.modernbert.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Spark GPU scheduling on a standalone cluster, without a GPU: one 1-core Worker on a fake 4-GPU
 * node (a fake {@code nvidia-smi} on its PATH) that may use physical GPU 3 only ({@code
 * CUDA_VISIBLE_DEVICES=3}, inherited by its executors), with {@code
 * spark.worker.resource.gpu.amount 1} and the real {@code conf/gpu-discovery.sh} as its discovery
 * script. EmbedJob with {@code --device auto} and one GPU per executor and task: the task must get
 * address 0 (the CUDA ordinal of GPU 3 in its process) and resolve {@code cuda:0}, not {@code
 * cuda:3}; since the libtorch here is CPU-only, loading the model on cuda:0 fails, and the job
 * exits non-zero with that message.
 */
class GpuDiscoveryClusterTest {
  static final Duration SUBMIT_TIMEOUT = Duration.ofMinutes(4);

  /** The physical GPU the Worker's process may use: its only CUDA ordinal is 0. */
  static final String PHYSICAL_GPU = "3";

  static SparkCluster cluster;
  static Path work;

  @BeforeAll
  static void startCluster() throws Exception {
    work = SparkCluster.WORK.resolve("gpu-discovery-test");
    Data.deleteTree(work);
    Path fakeBin = Files.createDirectories(work.resolve("bin"));
    Path nvidiaSmi = fakeBin.resolve("nvidia-smi");
    // A node with GPUs 0-3 (used by the script only when CUDA_VISIBLE_DEVICES is not set).
    Files.writeString(nvidiaSmi, "#!/bin/sh\nprintf '0\\n1\\n2\\n3\\n'\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(nvidiaSmi, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path script = SparkCluster.REPO_ROOT.resolve("conf/gpu-discovery.sh");
    assertTrue(Files.isExecutable(script), script + " must be executable (Spark runs it directly)");
    SparkCluster.WorkerSetup gpuWorker =
        new SparkCluster.WorkerSetup(
            List.of(
                "-Dspark.worker.resource.gpu.amount=1",
                "-Dspark.worker.resource.gpu.discoveryScript=" + script),
            Map.of(
                "CUDA_VISIBLE_DEVICES",
                PHYSICAL_GPU,
                "PATH",
                fakeBin
                    + File.pathSeparator
                    + System.getenv().getOrDefault("PATH", "/usr/bin:/bin")));
    cluster = SparkCluster.start(work.resolve("cluster"), 1, gpuWorker);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void tasksResolveTheCudaOrdinalNotThePhysicalId() throws Exception {
    long t0 = System.nanoTime();
    Path in = Files.createDirectories(work.resolve("input"));
    Data.writeJsonl(in, Data.texts(8, 20, 11L), 1);
    Path out = work.resolve("out");
    SparkCluster.Submitted r =
        cluster.submit(
            "gpu-auto",
            List.of(
                "--input",
                in.toString(),
                "--output",
                out.toString(),
                "--model",
                "demo",
                "--device",
                "auto",
                "--partitions",
                "1"),
            SUBMIT_TIMEOUT,
            Map.of(
                "spark.executor.resource.gpu.amount", "1",
                "spark.task.resource.gpu.amount", "1",
                // the model load fails the same way on every attempt: fail at the first
                "spark.task.maxFailures", "1"),
            null);
    String log = SparkCluster.tail(r.log());

    // The Worker ran the discovery script: one GPU, address 0.
    String workerLog =
        Files.readString(cluster.dir().resolve("worker-0.log"), StandardCharsets.ISO_8859_1);
    assertTrue(
        workerLog.contains("gpu -> [name: gpu, addresses: 0]"),
        "the Worker should have discovered GPU address 0:\n" + workerLog);

    // The task got address 0 and resolved cuda:0 (logged by DeviceResolver in the executor).
    List<String> resolved = cluster.executorLogLines("Spark GPU address");
    assertEquals(1, resolved.size(), "DeviceResolver's line in the executor log: " + resolved);
    assertTrue(
        resolved
            .get(0)
            .endsWith(
                "Spark GPU address 0 -> device cuda:0 (addresses are CUDA ordinals of this"
                    + " process; CUDA_VISIBLE_DEVICES=\""
                    + PHYSICAL_GPU
                    + "\")"),
        resolved.get(0));

    // libtorch here is CPU-only: the job fails, naming cuda:0 and libtorch, and commits nothing.
    assertEquals(1, r.exitCode(), "a CPU-only libtorch fails the job while running:\n" + log);
    String error =
        r.output()
            .lines()
            .filter(l -> l.contains("modernbert-embed: ERROR:"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no modernbert-embed: ERROR line:\n" + log));
    assertTrue(error.contains("cuda:0"), error);
    assertTrue(error.contains("libtorch"), error);
    assertFalse(error.contains("cuda:" + PHYSICAL_GPU), error);
    assertFalse(Files.exists(out.resolve("_SUCCESS")), "_SUCCESS left behind");
    System.out.printf(
        "GpuDiscoveryClusterTest: submission %.1f s%n", (System.nanoTime() - t0) / 1e9);
  }
}
