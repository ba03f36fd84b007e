package dev.modernbert.encoder.runtime;

import dev.modernbert.encoder.runtime.TorchFacts.JniSource;
import dev.modernbert.encoder.runtime.TorchFacts.LibtorchSource;

/**
 * Judges {@link TorchFacts}: whether DJL can start libtorch at all ({@link #load}), and whether a
 * CUDA device can be used ({@link #cuda}). A pure function of the facts, so each failure has one
 * message naming its cause and its fix, tested without a GPU. The failures it catches would
 * otherwise be a silent CPU run, a download attempt that fails offline with DJL's own message, a "0
 * GPU(s)" message that points at the wrong cause, or a JVM abort at the first libtorch op (a JNI
 * built for another libtorch version).
 */
public final class TorchCheck {
  /** What is wrong. */
  public enum Cause {
    /** No libtorch: no PYTORCH_LIBRARY_PATH and no bundled CPU build, offline. */
    NO_LIBTORCH,
    /** libtorch and the JNI DJL would load were built for different libtorch versions. */
    VERSION_MISMATCH,
    /** No JNI for the requested libtorch version and flavor, offline. */
    NO_JNI,
    /** DJL must extract the JNI into its cache, which is not writable. */
    CACHE_NOT_WRITABLE,
    /** CUDA was asked for but libtorch is a CPU build. */
    CPU_ONLY_LIBTORCH,
    /** libtorch is a CUDA build but PYTORCH_FLAVOR selects the CPU JNI (no CUDA in it). */
    WRONG_FLAVOR,
    /** JNA cannot load cudart, so DJL counts no GPU. */
    NO_CUDART,
    /** cudart loads but reports no GPU (driver, CUDA_VISIBLE_DEVICES). */
    NO_GPU,
    /** The loaded engine has no CUDA although the files looked right. */
    ENGINE_WITHOUT_CUDA,
    /** cuda:N with N at or beyond the GPUs this process sees. */
    NO_SUCH_GPU,
    /** DJL failed to start libtorch although the checks before loading passed. */
    ENGINE_FAILED
  }

  /**
   * The verdict: {@code cause} null when fine.
   *
   * @param ordinal for a fine {@link #cuda} verdict, the CUDA ordinal to use
   */
  public record Verdict(Cause cause, String message, int ordinal) {
    static final Verdict OK = new Verdict(null, "ok", -1);

    public boolean ok() {
      return cause == null;
    }

    /** Throws {@link TorchSetupException} with the message when not fine; returns this. */
    public Verdict orThrow() {
      if (!ok()) {
        throw new TorchSetupException(cause, message);
      }
      return this;
    }
  }

  /** The check's failure: its message names the cause and the fix. */
  public static final class TorchSetupException extends IllegalStateException {
    private final Cause cause;

    public TorchSetupException(Cause cause, String message) {
      super(message);
      this.cause = cause;
    }

    public Cause reason() {
      return cause;
    }
  }

  static final String DOCS = "See docs/gpu.md, \"Set-up on a GPU cluster\".";

  private TorchCheck() {}

  /** The libtorch version the project's JNI is built for ({@code 2.7.1}). */
  static String supported(TorchFacts f) {
    String v = TorchFacts.baseVersion(f.jarJniVersion());
    return v == null ? "2.7.1" : v;
  }

  /** The set-up steps for a CUDA libtorch, in one sentence. */
  static String cudaSetup(TorchFacts f) {
    String v = supported(f);
    return "set PYTORCH_LIBRARY_PATH to the lib folder of a CUDA build of libtorch "
        + v
        + " (cxx11 ABI: the libtorch-cxx11-abi-shared-with-deps-"
        + v
        + "+cu128 zip, or torch=="
        + v
        + " from pip), PYTORCH_FLAVOR=cu128 and PYTORCH_VERSION="
        + v
        + " (on Spark as spark.executorEnv.*), and run the GPU jars (mvn -Pgpu package), which"
        + " leave the CPU libtorch out. "
        + DOCS;
  }

  /**
   * Whether DJL can start libtorch with these settings, whatever the device. Checked before the
   * engine loads: a JNI built for another libtorch version would abort the JVM at the first op.
   */
  public static Verdict load(TorchFacts f) {
    String v = supported(f);
    if (f.libtorchSource() == LibtorchSource.NONE) {
      if (!f.offline()) {
        return Verdict.OK; // DJL downloads one (the user turned offline mode off)
      }
      if (f.bundledVersion() != null && f.pytorchVersion() != null) {
        return new Verdict(
            Cause.NO_LIBTORCH,
            "no libtorch: PYTORCH_VERSION="
                + f.pytorchVersion()
                + " does not match the bundled CPU libtorch "
                + f.bundledVersion()
                + ", so DJL would download libtorch "
                + f.pytorchVersion()
                + ", and it does not download in offline mode. Fix: unset PYTORCH_VERSION (or set"
                + " it to "
                + v
                + "), or also set PYTORCH_LIBRARY_PATH to the lib folder of that libtorch. "
                + DOCS,
            -1);
      }
      return new Verdict(
          Cause.NO_LIBTORCH,
          "no libtorch: PYTORCH_LIBRARY_PATH is "
              + setting(f.pytorchLibraryPath())
              + (f.pytorchLibraryPath() == null ? "" : " (no libtorch.so there)")
              + " and the CPU libtorch (pytorch-native-cpu) is not on the classpath (the GPU"
              + " jars leave it out), and DJL does not download in offline mode. Fix: "
              + cudaSetup(f)
              + " For the CPU, use the default jars.",
          -1);
    }
    String lib = TorchFacts.baseVersion(f.libtorchVersion());
    String jni = TorchFacts.baseVersion(f.jniBuiltFor());
    if (lib != null && jni != null && !lib.equals(jni)) {
      return new Verdict(
          Cause.VERSION_MISMATCH,
          "libtorch "
              + f.libtorchVersion()
              + " at "
              + f.libtorchDir()
              + " is not the version the JNI DJL would load ("
              + f.jniPath()
              + ") was built for: "
              + jni
              + (f.pytorchVersion() == null ? "" : " (PYTORCH_VERSION=" + f.pytorchVersion() + ")")
              + ". The JNI would abort the JVM at the first libtorch op (libtorch has no stable C++"
              + " ABI). Fix: point PYTORCH_LIBRARY_PATH at a libtorch "
              + v
              + " build and set PYTORCH_VERSION="
              + v
              + ", or build DJL's JNI against this libtorch, put it in "
              + f.libtorchDir()
              + " as "
              + f.djlVersion()
              + "-libdjl_torch.so and set PYTORCH_VERSION="
              + lib
              + ". "
              + DOCS,
          -1);
    }
    if (f.jniSource() == JniSource.NONE && f.offline()) {
      String why;
      if (f.pytorchFlavor() == null) {
        why =
            "PYTORCH_FLAVOR is not set, so DJL guessed the flavor \""
                + f.flavor()
                + "\", which pytorch-jni does not have (it has "
                + String.join(", ", f.jarJniFlavors())
                + "). Fix: set PYTORCH_FLAVOR=cu128 for a CUDA libtorch (or cpu for a CPU one);"
                + " on Spark as spark.executorEnv.PYTORCH_FLAVOR.";
      } else if (f.jarJniVersion() == null) {
        why = "the pytorch-jni jar is not on the classpath. Fix: put pytorch-jni on the classpath.";
      } else if (!v.equals(TorchFacts.baseVersion(f.djlTorchVersion()))) {
        why =
            "pytorch-jni "
                + f.jarJniVersion()
                + " holds JNIs for libtorch "
                + v
                + " only. Fix: use libtorch "
                + v
                + " with PYTORCH_VERSION="
                + v
                + ", or build the JNI against libtorch "
                + f.djlTorchVersion()
                + " and put it in the libtorch folder as "
                + f.djlVersion()
                + "-libdjl_torch.so.";
      } else {
        why =
            "pytorch-jni has no JNI of flavor \""
                + f.flavor()
                + "\" (it has "
                + String.join(", ", f.jarJniFlavors())
                + "). Fix: set PYTORCH_FLAVOR=cu128 for any CUDA 12 build of libtorch "
                + v
                + " (the flavor only picks the JNI), or cpu for a CPU build.";
      }
      return new Verdict(
          Cause.NO_JNI,
          "no DJL JNI (libdjl_torch.so) for libtorch "
              + f.djlTorchVersion()
              + ", flavor "
              + f.flavor()
              + ", in "
              + f.libtorchDir()
              + ", the DJL cache or the pytorch-jni jar, and DJL does not download in offline"
              + " mode: "
              + why
              + " "
              + DOCS,
          -1);
    }
    if (f.jniSource() == JniSource.JAR && !f.cacheWritable()) {
      return new Verdict(
          Cause.CACHE_NOT_WRITABLE,
          "DJL must extract its JNI into "
              + f.cacheDir()
              + ", which is not writable. Fix: set DJL_CACHE_DIR to a writable folder (on Spark:"
              + " spark.executorEnv.DJL_CACHE_DIR, e.g. a local disk of the node). "
              + DOCS,
          -1);
    }
    return Verdict.OK;
  }

  /**
   * Whether CUDA device {@code ordinal} (-1: the first) can be used; the verdict's ordinal is the
   * one to use. Before the engine is loaded ({@link TorchFacts#engineLoaded()} false) only the
   * files, the flavor and cudart are judged; after, also the engine's own report.
   *
   * @param spec the device as asked for, for the message
   */
  public static Verdict cuda(int ordinal, String spec, TorchFacts f) {
    Verdict load = load(f);
    if (!load.ok()) {
      return load;
    }
    String asked = "device \"" + spec + "\" needs CUDA, but ";
    if (f.libtorchSource() == LibtorchSource.BUNDLED
        || (f.libtorchSource() != LibtorchSource.NONE && !f.libtorchCuda())) {
      String which =
          f.libtorchSource() == LibtorchSource.BUNDLED
              ? "the bundled CPU build (the pytorch-native-cpu jar, extracted to "
                  + f.libtorchDir()
                  + ")"
              : "a CPU build (" + f.libtorchDir() + " has no libtorch_cuda.so)";
      String hint =
          f.libtorchSource() == LibtorchSource.BUNDLED && f.pytorchLibraryPath() != null
              ? " PYTORCH_LIBRARY_PATH="
                  + f.pytorchLibraryPath()
                  + " holds no libtorch.so, so DJL took the bundled one."
              : "";
      return new Verdict(
          Cause.CPU_ONLY_LIBTORCH,
          asked + "the libtorch in use is " + which + "." + hint + " Fix: " + cudaSetup(f),
          -1);
    }
    if (f.cpuJni()) {
      return new Verdict(
          Cause.WRONG_FLAVOR,
          asked
              + "PYTORCH_FLAVOR="
              + f.flavor()
              + " selects DJL's CPU JNI ("
              + f.jniPath()
              + "), built without CUDA, while libtorch at "
              + f.libtorchDir()
              + " is a CUDA build. Fix: set PYTORCH_FLAVOR=cu128 (on Spark:"
              + " spark.executorEnv.PYTORCH_FLAVOR); it only picks the JNI, so cu128 is right for"
              + " any CUDA 12 build of libtorch "
              + supported(f)
              + ". "
              + DOCS,
          -1);
    }
    if (!f.cudartLoaded()) {
      String found =
          f.cudartCandidates().isEmpty()
              ? " No libcudart*.so* was found beside libtorch or on the library paths."
              : " Found: " + String.join(", ", f.cudartCandidates()) + ".";
      return new Verdict(
          Cause.NO_CUDART,
          asked
              + "JNA cannot load the CUDA runtime (\"cudart\"), and DJL counts GPUs through it, so"
              + " it sees none although libtorch at "
              + f.libtorchDir()
              + " is a CUDA build."
              + found
              + " Fix: make a libcudart.so visible to JNA: -Djna.library.path=<folder with"
              + " libcudart.so.12> in the JVM options (spark.executor.extraJavaOptions), or a"
              + " libcudart.so symlink to it in a folder on LD_LIBRARY_PATH"
              + " (spark.executorEnv.LD_LIBRARY_PATH). Preflight: bin/modernbert doctor --device"
              + " cuda. "
              + DOCS,
          -1);
    }
    int gpus = f.engineLoaded() ? f.engineGpuCount() : f.cudartGpuCount();
    if (f.cudartGpuCount() <= 0) {
      return new Verdict(
          Cause.NO_GPU,
          asked
              + "the CUDA runtime "
              + (f.cudaRuntimeVersion() == null ? "" : "(cu" + f.cudaRuntimeVersion() + ") ")
              + "reports no GPU (CUDA_VISIBLE_DEVICES="
              + setting(f.cudaVisibleDevices())
              + "). Fix: check the node with nvidia-smi: an NVIDIA driver of version 525 or later"
              + " (for CUDA 12) must be loaded, and CUDA_VISIBLE_DEVICES must not hide the GPUs"
              + " (on Spark, request them with spark.executor.resource.gpu.amount). "
              + DOCS,
          -1);
    }
    if (f.engineLoaded() && !f.engineCuda()) {
      return new Verdict(
          Cause.ENGINE_WITHOUT_CUDA,
          asked
              + "the loaded libtorch ("
              + f.libtorchDir()
              + ") with the JNI "
              + f.jniPath()
              + " reports no CUDA support although "
              + f.cudartGpuCount()
              + " GPU(s) are visible. Fix: use a JNI built with CUDA (PYTORCH_FLAVOR=cu128 picks"
              + " pytorch-jni's CUDA JNI) and a CUDA build of libtorch "
              + supported(f)
              + ". "
              + DOCS,
          -1);
    }
    int id = Math.max(0, ordinal);
    if (id >= gpus) {
      return new Verdict(
          Cause.NO_SUCH_GPU,
          "device \""
              + spec
              + "\" is not available: this process sees "
              + gpus
              + " GPU(s), as CUDA ordinals 0.."
              + (gpus - 1)
              + " (CUDA_VISIBLE_DEVICES="
              + setting(f.cudaVisibleDevices())
              + "; ordinals count the visible GPUs, not the node's GPU ids). Fix: ask for cuda:0.."
              + (gpus - 1)
              + ", or device cuda/auto, which on Spark use the task's GPU.",
          -1);
    }
    return new Verdict(null, "ok", id);
  }

  private static String setting(String value) {
    return value == null ? "not set" : "\"" + value + "\"";
  }
}
