package dev.modernbert.encoder.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modernbert.encoder.runtime.TorchCheck.Cause;
import dev.modernbert.encoder.runtime.TorchCheck.Verdict;
import dev.modernbert.encoder.runtime.TorchFacts.JniSource;
import dev.modernbert.encoder.runtime.TorchFacts.LibtorchSource;
import java.lang.reflect.RecordComponent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each set-up failure of the CUDA route, judged from facts (no GPU needed). */
class TorchCheckTest {
  /** A healthy GPU node: CUDA libtorch 2.7.1 at PYTORCH_LIBRARY_PATH, cu128, cudart, 2 GPUs. */
  static Map<String, Object> cudaNode() {
    Map<String, Object> m = new HashMap<>();
    m.put("djlVersion", "0.35.1");
    m.put("offline", true);
    m.put("cacheDir", "/var/djl/pytorch");
    m.put("cacheWritable", true);
    m.put("pytorchLibraryPath", "/opt/libtorch/lib");
    m.put("pytorchFlavor", "cu128");
    m.put("pytorchVersion", "2.7.1");
    m.put("bundledVersion", null);
    m.put("libtorchSource", LibtorchSource.PYTORCH_LIBRARY_PATH);
    m.put("libtorchDir", "/opt/libtorch/lib");
    m.put("libtorchVersion", "2.7.1+cu128");
    m.put("libtorchCuda", true);
    m.put("djlTorchVersion", "2.7.1");
    m.put("flavor", "cu128");
    m.put("jarJniVersion", "2.7.1-0.35.1");
    m.put("jarJniFlavors", List.of("cpu", "cu128"));
    m.put("jniSource", JniSource.JAR);
    m.put("jniPath", "pytorch-jni-2.7.1-0.35.1.jar!/jnilib/linux-x86_64/cu128/libdjl_torch.so");
    m.put("jniFlavor", "cu128");
    m.put("jniBuiltFor", "2.7.1");
    m.put("cudartLoaded", true);
    m.put("cudaRuntimeVersion", "128");
    m.put("cudartGpuCount", 2);
    m.put("cudartCandidates", List.of());
    m.put("cudaVisibleDevices", "2,3");
    m.put("engineLoaded", false);
    m.put("engineCuda", false);
    m.put("engineGpuCount", -1);
    return m;
  }

  /** The default jars on a CPU node: the bundled CPU libtorch, no cudart. */
  static Map<String, Object> cpuNode() {
    Map<String, Object> m = cudaNode();
    m.put("pytorchLibraryPath", null);
    m.put("pytorchFlavor", null);
    m.put("pytorchVersion", null);
    m.put("bundledVersion", "2.7.1-20250812");
    m.put("libtorchSource", LibtorchSource.BUNDLED);
    m.put("libtorchDir", "/var/djl/pytorch/2.7.1-20250812-cpu-linux-x86_64");
    m.put("libtorchVersion", "2.7.1-20250812");
    m.put("libtorchCuda", false);
    m.put("djlTorchVersion", "2.7.1-20250812");
    m.put("flavor", "cpu");
    m.put("jniSource", JniSource.LIBTORCH_DIR);
    m.put("jniPath", "/var/djl/pytorch/2.7.1-20250812-cpu-linux-x86_64/0.35.1-libdjl_torch.so");
    m.put("jniFlavor", "cpu");
    m.put("cudartLoaded", false);
    m.put("cudaRuntimeVersion", null);
    m.put("cudartGpuCount", 0);
    m.put("cudaVisibleDevices", null);
    return m;
  }

  static TorchFacts facts(Map<String, Object> base, Object... overrides) {
    Map<String, Object> m = new HashMap<>(base);
    for (int i = 0; i < overrides.length; i += 2) {
      String name = (String) overrides[i];
      assertTrue(m.containsKey(name), name);
      m.put(name, overrides[i + 1]);
    }
    RecordComponent[] rc = TorchFacts.class.getRecordComponents();
    Class<?>[] types = new Class<?>[rc.length];
    Object[] args = new Object[rc.length];
    for (int i = 0; i < rc.length; i++) {
      types[i] = rc[i].getType();
      args[i] = m.get(rc[i].getName());
    }
    try {
      return TorchFacts.class.getDeclaredConstructor(types).newInstance(args);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  /** {@code base} where no libtorch and no JNI is found: none bundled, none in a folder. */
  static Map<String, Object> nothingFound(Map<String, Object> base) {
    Map<String, Object> m = new HashMap<>(base);
    Object[] none = {
      "libtorchSource", LibtorchSource.NONE, "libtorchDir", null, "jniSource", JniSource.NONE
    };
    for (int i = 0; i < none.length; i += 2) {
      assertTrue(m.containsKey((String) none[i]), (String) none[i]); // a fact's name, not a typo
      m.put((String) none[i], none[i + 1]);
    }
    return m;
  }

  static Verdict cuda(TorchFacts f) {
    return TorchCheck.cuda(-1, "cuda", f);
  }

  static void assertCause(Cause cause, Verdict v, String... mentions) {
    assertEquals(cause, v.cause(), v.message());
    for (String s : mentions) {
      assertTrue(v.message().contains(s), () -> "\"" + s + "\" missing from: " + v.message());
    }
  }

  @Test
  void aHealthyGpuNodePassesBeforeAndAfterLoading() {
    TorchFacts f = facts(cudaNode());
    assertTrue(TorchCheck.load(f).ok());
    assertEquals(0, cuda(f).orThrow().ordinal());
    assertEquals(1, TorchCheck.cuda(1, "cuda:1", f).orThrow().ordinal());
    assertEquals(1, TorchCheck.cuda(1, "cuda:1", f.withEngine(true, 2)).orThrow().ordinal());
  }

  @Test
  void theDefaultJarsOnACpuNodeLoadButRefuseCuda() {
    TorchFacts f = facts(cpuNode());
    assertTrue(TorchCheck.load(f).ok());
    assertCause(
        Cause.CPU_ONLY_LIBTORCH,
        cuda(f),
        "device \"cuda\" needs CUDA, but the libtorch in use is the bundled CPU build",
        "set PYTORCH_LIBRARY_PATH",
        "PYTORCH_FLAVOR=cu128",
        "PYTORCH_VERSION=2.7.1",
        "mvn -Pgpu package",
        "docs/gpu.md");
    // the loaded engine changes nothing: still the CPU build, never a silent CPU run
    assertCause(Cause.CPU_ONLY_LIBTORCH, cuda(f.withEngine(false, 0)));
  }

  @Test
  void aPytorchLibraryPathWithoutLibtorchFallsBackToTheBundledBuildAndSaysSo() {
    TorchFacts f = facts(cpuNode(), "pytorchLibraryPath", "/opt/libtorhc/lib");
    assertCause(
        Cause.CPU_ONLY_LIBTORCH,
        cuda(f),
        "PYTORCH_LIBRARY_PATH=/opt/libtorhc/lib holds no libtorch.so");
  }

  @Test
  void aCpuLibtorchAtPytorchLibraryPathIsRefusedForCuda() {
    TorchFacts f = facts(cudaNode(), "libtorchCuda", false, "libtorchVersion", "2.7.1+cpu");
    assertCause(
        Cause.CPU_ONLY_LIBTORCH,
        cuda(f),
        "a CPU build (/opt/libtorch/lib has no libtorch_cuda.so)");
  }

  @Test
  void theCpuFlavorWithACudaLibtorchIsRefused() {
    TorchFacts f =
        facts(
            cudaNode(),
            "pytorchFlavor",
            "cpu",
            "flavor",
            "cpu",
            "jniFlavor",
            "cpu",
            "jniPath",
            "pytorch-jni-2.7.1-0.35.1.jar!/jnilib/linux-x86_64/cpu/libdjl_torch.so");
    assertTrue(TorchCheck.load(f).ok(), "the CPU JNI loads");
    assertCause(
        Cause.WRONG_FLAVOR,
        cuda(f),
        "PYTORCH_FLAVOR=cpu selects DJL's CPU JNI",
        "set PYTORCH_FLAVOR=cu128");
  }

  @Test
  void anUnsetFlavorFailsAtLoadEvenOnTheCpu() {
    // DJL guesses cu<cudart version>-precxx11, a JNI that exists nowhere, and would download it
    TorchFacts f =
        facts(
            cudaNode(),
            "pytorchFlavor",
            null,
            "flavor",
            "cu128-precxx11",
            "jniSource",
            JniSource.NONE,
            "jniPath",
            null,
            "jniFlavor",
            null,
            "jniBuiltFor",
            null);
    Verdict load = TorchCheck.load(f);
    assertCause(
        Cause.NO_JNI,
        load,
        "no DJL JNI (libdjl_torch.so) for libtorch 2.7.1, flavor cu128-precxx11",
        "PYTORCH_FLAVOR is not set",
        "it has cpu, cu128",
        "set PYTORCH_FLAVOR=cu128");
    assertEquals(load, cuda(f), "the device check starts with the load check");
    // with offline mode turned off DJL may download it: not refused
    assertTrue(
        TorchCheck.load(facts(cudaNode(), "jniSource", JniSource.NONE, "offline", false)).ok());
  }

  @Test
  void aFlavorPytorchJniLacksIsRefused() {
    TorchFacts f =
        facts(cudaNode(), "pytorchFlavor", "cu126", "flavor", "cu126", "jniSource", JniSource.NONE);
    assertCause(
        Cause.NO_JNI, TorchCheck.load(f), "pytorch-jni has no JNI of flavor \"cu126\"", "cu128");
  }

  @Test
  void aMissingCudartIsNamedWithTheFilesFound() {
    TorchFacts f =
        facts(
            cudaNode(),
            "cudartLoaded",
            false,
            "cudaRuntimeVersion",
            null,
            "cudartGpuCount",
            0,
            "cudartCandidates",
            List.of(
                "/opt/venv/lib/python3.12/site-packages/nvidia/cuda_runtime/lib/libcudart.so.12"));
    assertCause(
        Cause.NO_CUDART,
        cuda(f),
        "JNA cannot load the CUDA runtime (\"cudart\")",
        "Found: /opt/venv/lib/python3.12/site-packages/nvidia/cuda_runtime/lib/libcudart.so.12",
        "-Djna.library.path=",
        "LD_LIBRARY_PATH",
        "bin/modernbert doctor --device cuda");
    TorchFacts none = facts(cudaNode(), "cudartLoaded", false, "cudartGpuCount", 0);
    assertCause(Cause.NO_CUDART, cuda(none), "No libcudart*.so* was found");
  }

  @Test
  void noGpuVisibleNamesTheDriverAndCudaVisibleDevices() {
    TorchFacts f = facts(cudaNode(), "cudartGpuCount", 0, "cudaVisibleDevices", "");
    assertCause(
        Cause.NO_GPU,
        cuda(f),
        "the CUDA runtime (cu128) reports no GPU (CUDA_VISIBLE_DEVICES=\"\")",
        "525 or later");
  }

  @Test
  void aLibtorchOfAnotherVersionIsRefusedBeforeItCanAbortTheJvm() {
    TorchFacts f =
        facts(
            cudaNode(),
            "libtorchVersion",
            "2.11.0+cu130",
            "libtorchDir",
            "/opt/venv/lib/python3.12/site-packages/torch/lib");
    Verdict v = TorchCheck.load(f);
    assertCause(
        Cause.VERSION_MISMATCH,
        v,
        "libtorch 2.11.0+cu130 at /opt/venv/lib/python3.12/site-packages/torch/lib is not the"
            + " version the JNI DJL would load",
        "was built for: 2.7.1 (PYTORCH_VERSION=2.7.1)",
        "would abort the JVM",
        "point PYTORCH_LIBRARY_PATH at a libtorch 2.7.1 build",
        "as 0.35.1-libdjl_torch.so and set PYTORCH_VERSION=2.11.0");
    assertEquals(Cause.VERSION_MISMATCH, cuda(f).cause());
    // a JNI the user built and put beside libtorch: its version is unknown, so it is trusted
    TorchFacts own =
        facts(
            cudaNode(),
            "libtorchVersion",
            "2.11.0+cu130",
            "jniSource",
            JniSource.LIBTORCH_DIR,
            "jniBuiltFor",
            null,
            "jniFlavor",
            null);
    assertTrue(TorchCheck.load(own).ok());
    assertTrue(cuda(own).ok());
  }

  @Test
  void aPytorchVersionWithoutItsJniIsRefused() {
    TorchFacts f =
        facts(
            cudaNode(),
            "pytorchVersion",
            "2.11.0",
            "djlTorchVersion",
            "2.11.0",
            "libtorchVersion",
            null,
            "jniSource",
            JniSource.NONE);
    assertCause(
        Cause.NO_JNI,
        TorchCheck.load(f),
        "pytorch-jni 2.7.1-0.35.1 holds JNIs for libtorch 2.7.1 only",
        "build the JNI against libtorch 2.11.0");
  }

  @Test
  void noLibtorchAtAllIsRefusedOffline() {
    TorchFacts f = facts(nothingFound(cudaNode()), "pytorchLibraryPath", null);
    assertCause(
        Cause.NO_LIBTORCH,
        TorchCheck.load(f),
        "no libtorch: PYTORCH_LIBRARY_PATH is not set and the CPU libtorch (pytorch-native-cpu)"
            + " is not on the classpath");
    assertTrue(
        TorchCheck.load(facts(cudaNode(), "libtorchSource", LibtorchSource.NONE, "offline", false))
            .ok());
  }

  @Test
  void aPytorchVersionThatIsNotTheBundledOneIsNamed() {
    // DJL takes the bundled jar only when its version starts with PYTORCH_VERSION
    TorchFacts f = facts(nothingFound(cpuNode()), "pytorchVersion", "2.6.0");
    assertCause(
        Cause.NO_LIBTORCH,
        TorchCheck.load(f),
        "no libtorch: PYTORCH_VERSION=2.6.0 does not match the bundled CPU libtorch 2.7.1-20250812",
        "unset PYTORCH_VERSION (or set it to 2.7.1)");
  }

  @Test
  void aReadOnlyCacheIsRefusedWhenTheJniMustBeExtracted() {
    TorchFacts f = facts(cudaNode(), "cacheWritable", false);
    assertCause(
        Cause.CACHE_NOT_WRITABLE,
        TorchCheck.load(f),
        "DJL must extract its JNI into /var/djl/pytorch",
        "DJL_CACHE_DIR");
    // already extracted: nothing to write
    assertTrue(
        TorchCheck.load(facts(cudaNode(), "cacheWritable", false, "jniSource", JniSource.CACHE))
            .ok());
  }

  @Test
  void anOrdinalBeyondTheVisibleGpusIsRefusedWithTheOrdinals() {
    TorchFacts f = facts(cudaNode()).withEngine(true, 2);
    Verdict v = TorchCheck.cuda(2, "cuda:2", f);
    assertEquals(Cause.NO_SUCH_GPU, v.cause());
    assertEquals(
        "device \"cuda:2\" is not available: this process sees 2 GPU(s), as CUDA ordinals 0..1"
            + " (CUDA_VISIBLE_DEVICES=\"2,3\"; ordinals count the visible GPUs, not the node's GPU"
            + " ids). Fix: ask for cuda:0..1, or device cuda/auto, which on Spark use the task's"
            + " GPU.",
        v.message());
  }

  @Test
  void anEngineWithoutCudaIsRefusedAfterLoading() {
    TorchFacts f = facts(cudaNode(), "jniSource", JniSource.LIBTORCH_DIR, "jniFlavor", null);
    assertTrue(cuda(f).ok(), "the files look right");
    assertCause(Cause.ENGINE_WITHOUT_CUDA, cuda(f.withEngine(false, 0)), "reports no CUDA support");
  }

  @Test
  void orThrowCarriesTheCause() {
    TorchCheck.TorchSetupException e =
        assertThrows(TorchCheck.TorchSetupException.class, () -> cuda(facts(cpuNode())).orThrow());
    assertEquals(Cause.CPU_ONLY_LIBTORCH, e.reason());
    assertFalse(e.getMessage().isBlank());
  }

  @Test
  void baseVersions() {
    assertEquals("2.7.1", TorchFacts.baseVersion("2.7.1+cu128"));
    assertEquals("2.7.1", TorchFacts.baseVersion("2.7.1-20250812"));
    assertEquals("2.11.0", TorchFacts.baseVersion("2.11.0+cu130"));
    assertEquals(null, TorchFacts.baseVersion("nightly"));
  }
}
