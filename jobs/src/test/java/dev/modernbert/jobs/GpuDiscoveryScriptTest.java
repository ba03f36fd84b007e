package dev.modernbert.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * conf/gpu-discovery.sh run by bash with a fake {@code nvidia-smi} (4 GPUs) alone on its PATH: the
 * addresses are the process's CUDA ordinals 0..n-1, which DeviceResolver turns into {@code cuda:N},
 * whatever physical ids or UUIDs {@code CUDA_VISIBLE_DEVICES} names.
 */
class GpuDiscoveryScriptTest {
  static final Path SCRIPT = Path.of("..", "conf", "gpu-discovery.sh");

  /** What the fake nvidia-smi lists: physical indices 0-3, as {@code --format=csv,noheader}. */
  static final int NODE_GPUS = 4;

  @TempDir Path tmp;
  Path fakeBin;
  Path emptyBin;

  record Result(int exit, String stdout, String stderr) {}

  @BeforeEach
  void fakeNvidiaSmi() throws IOException {
    fakeBin = Files.createDirectories(tmp.resolve("bin"));
    emptyBin = Files.createDirectories(tmp.resolve("empty"));
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < NODE_GPUS; i++) {
      lines.append(i).append("\\n");
    }
    writeExecutable(
        fakeBin.resolve("nvidia-smi"),
        "#!/bin/sh\n"
            + "[ \"$1\" = \"--query-gpu=index\" ] && [ \"$2\" = \"--format=csv,noheader\" ]"
            + " || exit 2\n"
            + "printf '"
            + lines
            + "'\n");
  }

  static String json(String... addresses) {
    StringBuilder sb = new StringBuilder("{\"name\":\"gpu\",\"addresses\":[");
    for (int i = 0; i < addresses.length; i++) {
      sb.append(i == 0 ? "" : ",").append('"').append(addresses[i]).append('"');
    }
    return sb.append("]}").toString();
  }

  static String[] ordinals(int n) {
    String[] out = new String[n];
    for (int i = 0; i < n; i++) {
      out[i] = Integer.toString(i);
    }
    return out;
  }

  @Test
  void withoutCudaVisibleDevicesEveryGpuNvidiaSmiLists() throws Exception {
    assertEquals(json(ordinals(NODE_GPUS)), run(null, fakeBin).stdout());
  }

  @Test
  void physicalIdsInCudaVisibleDevicesBecomeOrdinalsFromZero() throws Exception {
    // The process sees GPUs 2 and 3 of the node as cuda:0 and cuda:1.
    assertEquals(json("0", "1"), run("2,3", fakeBin).stdout());
    assertEquals(json("0"), run("3", fakeBin).stdout());
    assertEquals(json("0", "1", "2"), run(" 1, 3 ,0", fakeBin).stdout());
  }

  @Test
  void uuidsInCudaVisibleDevicesBecomeOrdinalsFromZero() throws Exception {
    assertEquals(json("0", "1"), run("GPU-uuid-a,GPU-uuid-b", fakeBin).stdout());
    assertEquals(json("0"), run("MIG-uuid-c", fakeBin).stdout());
  }

  @Test
  void anEmptyCudaVisibleDevicesOrMinusOneHidesTheGpus() throws Exception {
    // As CUDA: an empty list hides every GPU, and enumeration stops at an entry of -1.
    assertEquals(json(), run("", fakeBin).stdout());
    assertEquals(json(), run("-1", fakeBin).stdout());
    assertEquals(json("0"), run("2,-1,3", fakeBin).stdout());
  }

  @Test
  void noNvidiaSmiOrAFailingOneMeansNoGpus() throws Exception {
    Result none = run(null, emptyBin);
    assertEquals(0, none.exit(), none.stderr());
    assertEquals(json(), none.stdout());

    writeExecutable(
        fakeBin.resolve("nvidia-smi"), "#!/bin/sh\necho 'driver not loaded' >&2\nexit 9\n");
    Result failing = run(null, fakeBin);
    assertEquals(0, failing.exit(), failing.stderr());
    assertEquals(json(), failing.stdout());
    assertTrue(failing.stderr().contains("nvidia-smi"), failing.stderr());
  }

  /** Runs the script with {@code CUDA_VISIBLE_DEVICES} (null: unset) and {@code path} as PATH. */
  private Result run(String cudaVisibleDevices, Path path) throws Exception {
    assertTrue(Files.isRegularFile(SCRIPT), SCRIPT.toAbsolutePath() + " is missing");
    ProcessBuilder pb = new ProcessBuilder(List.of("/bin/bash", SCRIPT.toString()));
    Map<String, String> env = pb.environment();
    env.put("PATH", path.toString()); // nothing else: only the fake (or no) nvidia-smi
    if (cudaVisibleDevices == null) {
      env.remove("CUDA_VISIBLE_DEVICES");
    } else {
      env.put("CUDA_VISIBLE_DEVICES", cudaVisibleDevices);
    }
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the script did not finish");
    Result r = new Result(p.exitValue(), out.strip(), err);
    assertEquals(0, r.exit(), "exit status; stderr: " + err);
    return r;
  }

  private static void writeExecutable(Path file, String content) throws IOException {
    Files.writeString(file, content, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
