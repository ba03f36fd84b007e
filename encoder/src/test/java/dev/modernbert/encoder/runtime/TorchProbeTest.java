package dev.modernbert.encoder.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modernbert.encoder.runtime.TorchCheck.Cause;
import dev.modernbert.encoder.runtime.TorchFacts.JniSource;
import dev.modernbert.encoder.runtime.TorchFacts.LibtorchSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The facts as gathered on this machine (the default jars: the bundled CPU libtorch), and for fake
 * libtorch folders given through the PYTORCH_* system properties, which DJL reads like the
 * environment variables. Nothing here loads a fake libtorch: the checks refuse it first.
 */
class TorchProbeTest {
  @TempDir Path tmp;

  static boolean defaultJarsHere() {
    return System.getenv("PYTORCH_LIBRARY_PATH") == null
        && System.getenv("PYTORCH_FLAVOR") == null
        && System.getenv("PYTORCH_VERSION") == null;
  }

  @Test
  void theDefaultJarsGiveTheBundledCpuBuildAndItsJni() {
    assumeTrue(defaultJarsHere());
    TorchFacts f = TorchProbe.gather();
    assertEquals(LibtorchSource.BUNDLED, f.libtorchSource());
    assertEquals("cpu", f.flavor());
    assertTrue(f.jarJniVersion().startsWith("2.7.1-"), f.jarJniVersion());
    assertTrue(
        f.jarJniFlavors().containsAll(List.of("cpu", "cu128")), f.jarJniFlavors().toString());
    assertTrue(f.jniSource() != JniSource.NONE, f.toString());
    assertEquals("cpu", f.jniFlavor());
    assertEquals("2.7.1", f.jniBuiltFor());
    assertTrue(TorchCheck.load(f).ok());
    assertEquals(Cause.CPU_ONLY_LIBTORCH, TorchCheck.cuda(-1, "cuda", f).cause());
  }

  @Test
  void cudaOnTheDefaultJarsFailsAtOnceNamingTheCause() {
    assumeTrue(defaultJarsHere());
    TorchCheck.TorchSetupException e =
        assertThrows(
            TorchCheck.TorchSetupException.class,
            () -> TorchRuntime.device(DeviceSpec.parse("cuda:0")));
    assertEquals(Cause.CPU_ONLY_LIBTORCH, e.reason());
    assertTrue(e.getMessage().contains("bundled CPU build"), e.getMessage());
    // auto keeps its meaning: the CPU when there is no GPU
    assertEquals(ai.djl.Device.cpu(), TorchRuntime.device(DeviceSpec.parse("auto")));
    TorchFacts loaded = TorchRuntime.facts();
    assertTrue(loaded.engineLoaded());
    assertEquals(0, loaded.engineGpuCount());
  }

  /** A fake libtorch folder: libtorch.so (and libtorch_cuda.so), its version file one level up. */
  private Path fakeLibtorch(String version, boolean cuda, String... extra) throws IOException {
    Path lib = Files.createDirectories(tmp.resolve("torch/lib"));
    Files.write(lib.resolve("libtorch.so"), new byte[0]);
    if (cuda) {
      Files.write(lib.resolve("libtorch_cuda.so"), new byte[0]);
    }
    for (String name : extra) {
      Files.write(lib.resolve(name), new byte[0]);
    }
    Files.writeString(tmp.resolve("torch/version.py"), "__version__ = '" + version + "'\n");
    return lib;
  }

  private static TorchFacts gatherWith(String libraryPath, String flavor, String version) {
    return with(libraryPath, flavor, version, TorchProbe::gather);
  }

  private static <T> T with(String libraryPath, String flavor, String version, Supplier<T> body) {
    String[] names = {"PYTORCH_LIBRARY_PATH", "PYTORCH_FLAVOR", "PYTORCH_VERSION"};
    String[] values = {libraryPath, flavor, version};
    try {
      for (int i = 0; i < names.length; i++) {
        if (values[i] != null) {
          System.setProperty(names[i], values[i]);
        }
      }
      return body.get();
    } finally {
      for (String n : names) {
        System.clearProperty(n);
      }
    }
  }

  @Test
  void aPipTorchOfAnotherVersionIsRefusedBeforeLoading() throws IOException {
    assumeTrue(defaultJarsHere());
    Path lib = fakeLibtorch("2.11.0+cu130", true);
    TorchFacts f = gatherWith(lib.toString(), "cu128", null);
    assertEquals(LibtorchSource.PYTORCH_LIBRARY_PATH, f.libtorchSource());
    assertEquals(lib.toAbsolutePath().toString(), f.libtorchDir());
    assertEquals("2.11.0+cu130", f.libtorchVersion());
    assertTrue(f.libtorchCuda());
    assertEquals(JniSource.JAR, f.jniSource());
    assertEquals("cu128", f.jniFlavor());
    TorchCheck.Verdict v = TorchCheck.load(f);
    assertEquals(Cause.VERSION_MISMATCH, v.cause(), v.message());
    assertTrue(v.message().contains("set PYTORCH_VERSION=2.11.0"), v.message());
  }

  @Test
  void aCudaLibtorchWithoutPytorchFlavorHasNoJni() throws IOException {
    assumeTrue(defaultJarsHere());
    Path lib = fakeLibtorch("2.7.1+cu128", true);
    TorchFacts f = gatherWith(lib.toString(), null, "2.7.1");
    assertNull(f.pytorchFlavor());
    assertEquals(JniSource.NONE, f.jniSource(), f.toString());
    TorchCheck.Verdict v = TorchCheck.load(f);
    assertEquals(Cause.NO_JNI, v.cause(), v.message());
    assertTrue(v.message().contains("PYTORCH_FLAVOR is not set"), v.message());
  }

  @Test
  void aCudaLibtorchSetUpRightButWithoutCudartNamesTheCudartFiles() throws IOException {
    assumeTrue(defaultJarsHere());
    Path lib = fakeLibtorch("2.7.1+cu128", true, "libcudart-9335f6a2.so.12");
    TorchFacts f = gatherWith(lib.toString(), "cu128", "2.7.1");
    assumeTrue(!f.cudartLoaded(), "this machine has a CUDA runtime");
    assertTrue(TorchCheck.load(f).ok(), () -> TorchCheck.load(f).message());
    TorchCheck.Verdict v = TorchCheck.cuda(-1, "cuda", f);
    assertEquals(Cause.NO_CUDART, v.cause(), v.message());
    assertTrue(
        v.message().contains(lib.resolve("libcudart-9335f6a2.so.12").toString()), v.message());
  }

  @Test
  void aCpuLibtorchAtPytorchLibraryPathIsNoCudaBuild() throws IOException {
    assumeTrue(defaultJarsHere());
    Path lib = fakeLibtorch("2.7.1+cpu", false);
    TorchFacts f = gatherWith(lib.toString(), "cpu", "2.7.1");
    assertEquals(JniSource.JAR, f.jniSource());
    assertTrue(TorchCheck.load(f).ok());
    assertEquals(Cause.CPU_ONLY_LIBTORCH, TorchCheck.cuda(0, "cuda:0", f).cause());
  }

  @Test
  void pytorchVersionKeepsTheBundledBuildOnlyWhenItsVersionStartsWithIt() {
    assumeTrue(defaultJarsHere());
    assertEquals(LibtorchSource.BUNDLED, gatherWith(null, null, "2.7.1").libtorchSource());
    TorchFacts other = gatherWith(null, null, "2.6.0");
    assertEquals(LibtorchSource.NONE, other.libtorchSource());
    TorchCheck.Verdict v = TorchCheck.load(facts(other, true));
    assertEquals(Cause.NO_LIBTORCH, v.cause(), v.message());
    assertTrue(v.message().contains("PYTORCH_VERSION=2.6.0 does not match"), v.message());
  }

  /** The facts in offline mode (the project's default, whether or not set in this JVM yet). */
  private static TorchFacts facts(TorchFacts f, boolean offline) {
    return offline == f.offline()
        ? f
        : new TorchFacts(
            f.djlVersion(),
            offline,
            f.cacheDir(),
            f.cacheWritable(),
            f.pytorchLibraryPath(),
            f.pytorchFlavor(),
            f.pytorchVersion(),
            f.bundledVersion(),
            f.libtorchSource(),
            f.libtorchDir(),
            f.libtorchVersion(),
            f.libtorchCuda(),
            f.djlTorchVersion(),
            f.flavor(),
            f.jarJniVersion(),
            f.jarJniFlavors(),
            f.jniSource(),
            f.jniPath(),
            f.jniFlavor(),
            f.jniBuiltFor(),
            f.cudartLoaded(),
            f.cudaRuntimeVersion(),
            f.cudartGpuCount(),
            f.cudartCandidates(),
            f.cudaVisibleDevices(),
            f.engineLoaded(),
            f.engineCuda(),
            f.engineGpuCount());
  }

  @Test
  void libtorchVersionsFromTheZipAndFromPip() throws IOException {
    Path zip = Files.createDirectories(tmp.resolve("libtorch/lib"));
    Files.writeString(tmp.resolve("libtorch/build-version"), "2.7.1+cu128\n");
    assertEquals("2.7.1+cu128", TorchProbe.libtorchVersion(zip));
    Path pip = Files.createDirectories(tmp.resolve("site/torch/lib"));
    Files.writeString(
        tmp.resolve("site/torch/version.py"),
        "from typing import Optional\n__version__ = '2.7.1+cu126'\ncuda: Optional[str] = '12.6'\n");
    assertEquals("2.7.1+cu126", TorchProbe.libtorchVersion(pip));
    assertNull(TorchProbe.libtorchVersion(Files.createDirectories(tmp.resolve("bare/lib"))));
  }

  @Test
  void cudartCandidatesIncludeAPipTorchsNvidiaRuntime() throws IOException {
    Path torchLib = Files.createDirectories(tmp.resolve("site/torch/lib"));
    Path runtime = Files.createDirectories(tmp.resolve("site/nvidia/cuda_runtime/lib"));
    Files.write(runtime.resolve("libcudart.so.12"), new byte[0]);
    Files.write(runtime.resolve("libcudnn.so.9"), new byte[0]);
    List<String> found = TorchProbe.cudartCandidates(torchLib);
    assertTrue(found.contains(runtime.resolve("libcudart.so.12").toString()), found.toString());
    assertTrue(found.stream().noneMatch(s -> s.contains("cudnn")), found.toString());
  }
}
