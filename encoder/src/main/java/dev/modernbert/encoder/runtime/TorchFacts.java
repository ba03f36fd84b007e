package dev.modernbert.encoder.runtime;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What decides which libtorch, which JNI and which GPUs DJL's PyTorch engine gets in this process:
 * the settings, the files DJL would pick, and (once the engine is loaded) what the engine reports.
 * {@link TorchProbe} gathers them from DJL, the environment and the file system; {@link TorchCheck}
 * judges them, as a pure function, so every case is testable without a GPU.
 *
 * @param djlVersion DJL's version (the JNI file names carry it: {@code 0.35.1-libdjl_torch.so})
 * @param offline {@code ai.djl.offline} (the project sets it to true unless it is set)
 * @param cacheDir DJL's PyTorch cache ({@code DJL_CACHE_DIR}/pytorch, else ~/.djl.ai/pytorch)
 * @param cacheWritable whether DJL can extract there (the JNI and the bundled libtorch go there)
 * @param pytorchLibraryPath the {@code PYTORCH_LIBRARY_PATH} setting, or null
 * @param pytorchFlavor the {@code PYTORCH_FLAVOR} setting, or null
 * @param pytorchVersion the {@code PYTORCH_VERSION} setting, or null
 * @param bundledVersion the version of the CPU libtorch jar (pytorch-native-cpu) on the classpath
 *     ({@code 2.7.1-20250812}); null when none (the GPU jars)
 * @param libtorchSource where DJL takes libtorch from
 * @param libtorchDir the directory of the libtorch DJL loads (for the bundled one: where DJL
 *     extracts it); null when there is none
 * @param libtorchVersion the libtorch build's own version ({@code 2.7.1+cu128}: its build-version
 *     or version.py file, or the bundled jar's properties); null when not found
 * @param libtorchCuda whether that libtorch is a CUDA build ({@code libtorch_cuda.so} beside it)
 * @param djlTorchVersion the libtorch version DJL asks a JNI for ({@code PYTORCH_VERSION}, else the
 *     version of the bundled jar or DJL's default)
 * @param flavor the flavor DJL selects the JNI with ({@code PYTORCH_FLAVOR}, else DJL's guess)
 * @param jarJniVersion the {@code jni_version} of the pytorch-jni jar ({@code 2.7.1-0.35.1}), or
 *     null when that jar is not on the classpath
 * @param jarJniFlavors the flavors the pytorch-jni jar holds a JNI of for this platform
 * @param jniSource where DJL would take the JNI ({@code libdjl_torch.so}) from
 * @param jniPath that JNI's file, or for {@link JniSource#JAR} its entry ({@code
 *     pytorch-jni-2.7.1-0.35.1.jar!/jnilib/linux-x86_64/cu128/libdjl_torch.so}); null for NONE
 * @param jniFlavor the flavor of that JNI ({@code cpu}, {@code cu128}); null when unknown (a JNI in
 *     the libtorch folder)
 * @param jniBuiltFor the libtorch version that JNI was built for; null when unknown
 * @param cudartLoaded whether JNA loads {@code cudart} (DJL counts GPUs through it)
 * @param cudaRuntimeVersion cudart's CUDA version as DJL writes it ({@code 128} for 12.8), or null
 * @param cudartGpuCount the GPUs cudart reports (0 without cudart)
 * @param cudartCandidates {@code libcudart*.so*} files near libtorch and on the library paths (for
 *     the message when JNA cannot load cudart)
 * @param cudaVisibleDevices {@code CUDA_VISIBLE_DEVICES}, or null
 * @param engineLoaded whether the engine was loaded when these facts were gathered
 * @param engineCuda whether the loaded engine (libtorch and JNI) has CUDA; false when not loaded
 * @param engineGpuCount the GPUs the loaded engine reports (DJL's {@code getGpuCount()}); -1 when
 *     not loaded
 */
public record TorchFacts(
    String djlVersion,
    boolean offline,
    String cacheDir,
    boolean cacheWritable,
    String pytorchLibraryPath,
    String pytorchFlavor,
    String pytorchVersion,
    String bundledVersion,
    LibtorchSource libtorchSource,
    String libtorchDir,
    String libtorchVersion,
    boolean libtorchCuda,
    String djlTorchVersion,
    String flavor,
    String jarJniVersion,
    List<String> jarJniFlavors,
    JniSource jniSource,
    String jniPath,
    String jniFlavor,
    String jniBuiltFor,
    boolean cudartLoaded,
    String cudaRuntimeVersion,
    int cudartGpuCount,
    List<String> cudartCandidates,
    String cudaVisibleDevices,
    boolean engineLoaded,
    boolean engineCuda,
    int engineGpuCount) {

  /** Where libtorch comes from. */
  public enum LibtorchSource {
    /** The folder named by {@code PYTORCH_LIBRARY_PATH}. */
    PYTORCH_LIBRARY_PATH,
    /** A folder of {@code java.library.path} holding libtorch.so (DJL looks there too). */
    JAVA_LIBRARY_PATH,
    /** The {@code pytorch-native-cpu} jar on the classpath (CPU only), extracted to the cache. */
    BUNDLED,
    /** None: DJL would download one (impossible offline). */
    NONE
  }

  /** Where the JNI ({@code libdjl_torch.so}) comes from, in DJL's order of search. */
  public enum JniSource {
    /** {@code <libtorch>/0.35.1-libdjl_torch.so} or {@code <libtorch>/libdjl_torch.so}. */
    LIBTORCH_DIR,
    /** {@code <cache>/<version>-<flavor>-<platform>/0.35.1-libdjl_torch.so}. */
    CACHE,
    /** The pytorch-jni jar's {@code jnilib/<platform>/<flavor>/}, extracted to the cache. */
    JAR,
    /** None: DJL would download one (impossible offline). */
    NONE
  }

  public TorchFacts {
    jarJniFlavors = List.copyOf(jarJniFlavors);
    cudartCandidates = List.copyOf(cudartCandidates);
  }

  private static final Pattern BASE_VERSION = Pattern.compile("^(\\d+\\.\\d+\\.\\d+)");

  /** {@code 2.7.1} of {@code 2.7.1+cu128}, {@code 2.7.1-20250812} or {@code 2.7.1-0.35.1}. */
  public static String baseVersion(String version) {
    if (version == null) {
      return null;
    }
    Matcher m = BASE_VERSION.matcher(version.trim());
    return m.find() ? m.group(1) : null;
  }

  /** Whether the JNI in use (when known) is a CPU build, compiled without CUDA. */
  public boolean cpuJni() {
    return jniFlavor != null && jniFlavor.startsWith("cpu");
  }

  /** A copy with the engine's report (after {@code Engine.getEngine} succeeded). */
  public TorchFacts withEngine(boolean cuda, int gpuCount) {
    return new TorchFacts(
        djlVersion,
        offline,
        cacheDir,
        cacheWritable,
        pytorchLibraryPath,
        pytorchFlavor,
        pytorchVersion,
        bundledVersion,
        libtorchSource,
        libtorchDir,
        libtorchVersion,
        libtorchCuda,
        djlTorchVersion,
        flavor,
        jarJniVersion,
        jarJniFlavors,
        jniSource,
        jniPath,
        jniFlavor,
        jniBuiltFor,
        cudartLoaded,
        cudaRuntimeVersion,
        cudartGpuCount,
        cudartCandidates,
        cudaVisibleDevices,
        true,
        cuda,
        gpuCount);
  }
}
