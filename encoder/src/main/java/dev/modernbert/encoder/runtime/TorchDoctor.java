package dev.modernbert.encoder.runtime;

import dev.modernbert.encoder.runtime.TorchCheck.Cause;
import dev.modernbert.encoder.runtime.TorchCheck.Verdict;
import dev.modernbert.encoder.runtime.TorchFacts.LibtorchSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a user needs to debug a node: Java, the CPU and its ISA, DJL's settings and cache, which
 * libtorch and JNI DJL takes (path, version, flavor), cudart, CUDA_VISIBLE_DEVICES and the GPUs as
 * DJL sees them, and the verdict for a device. Printed by {@code bin/modernbert doctor}, logged
 * once per Spark executor.
 */
public final class TorchDoctor {
  /** The ISA flags that matter here (AVX2/AVX-512 kernels, the bf16 products of Precision). */
  static final List<String> ISA = List.of("avx2", "avx512f", "avx512_bf16", "amx_bf16");

  /**
   * @param lines {@code name value} lines, one fact each
   * @param verdict the check for the device; {@link Verdict#ok()} when it can be used
   * @param resolved the device that would run ({@code cpu}, {@code cuda:N}); null when none
   */
  public record Report(List<String> lines, Verdict verdict, String resolved) {}

  private TorchDoctor() {}

  /**
   * Gathers the facts, starts libtorch when the checks before loading pass (never a set-up that
   * would abort the JVM), and judges {@code device} ({@link DeviceSpec}).
   */
  public static Report examine(String device) {
    DeviceSpec spec = DeviceSpec.parse(device);
    TorchRuntime.offlineByDefault();
    TorchFacts f = TorchRuntime.loaded() ? TorchRuntime.facts() : TorchProbe.gather();
    Verdict verdict = TorchRuntime.checks() ? TorchCheck.load(f) : Verdict.OK;
    if (verdict.ok() && !TorchRuntime.loaded()) {
      try {
        TorchRuntime.engine();
        f = TorchRuntime.facts();
      } catch (TorchCheck.TorchSetupException e) {
        verdict = new Verdict(e.reason(), e.getMessage(), -1);
      } catch (RuntimeException | LinkageError e) {
        verdict = new Verdict(Cause.ENGINE_FAILED, String.valueOf(e.getMessage()), -1);
      }
    }
    String resolved = null;
    if (verdict.ok()) {
      switch (spec.kind()) {
        case CPU -> resolved = "cpu";
        case CUDA -> {
          verdict = TorchCheck.cuda(spec.ordinal(), spec.toString(), f);
          resolved = verdict.ok() ? "cuda:" + verdict.ordinal() : null;
        }
        case AUTO -> {
          Verdict cuda = TorchCheck.cuda(-1, "auto", f);
          resolved = cuda.ok() ? "cuda:0" : "cpu";
          verdict =
              cuda.ok()
                  ? cuda
                  : new Verdict(null, "the CPU (CUDA is not usable: " + cuda.cause() + ")", -1);
        }
      }
    }
    return new Report(lines(f, verdict, spec.toString(), resolved), verdict, resolved);
  }

  static List<String> lines(TorchFacts f, Verdict verdict, String device, String resolved) {
    List<String> out = new ArrayList<>();
    String cpuinfo = CpuInfo.text();
    add(
        out,
        "java",
        System.getProperty("java.version")
            + " ("
            + System.getProperty("java.vendor")
            + ", "
            + System.getProperty("java.home")
            + ")");
    add(
        out,
        "os",
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " ("
            + System.getProperty("os.arch")
            + ")");
    String model = CpuInfo.value(cpuinfo, "model name");
    add(
        out,
        "cpu",
        (model.isEmpty() ? "unknown model" : model)
            + ", "
            + Runtime.getRuntime().availableProcessors()
            + " cores for this JVM");
    add(out, "cpu isa", isa(CpuInfo.value(cpuinfo, "flags")));
    add(out, "djl", f.djlVersion() + ", offline mode " + f.offline());
    add(
        out,
        "djl cache",
        f.cacheDir()
            + (f.cacheWritable() ? " (writable)" : " (NOT writable: set DJL_CACHE_DIR)")
            + ", DJL_CACHE_DIR "
            + setting(System.getenv("DJL_CACHE_DIR")));
    add(out, "PYTORCH_LIBRARY_PATH", setting(f.pytorchLibraryPath()));
    add(out, "PYTORCH_FLAVOR", setting(f.pytorchFlavor()));
    add(out, "PYTORCH_VERSION", setting(f.pytorchVersion()));
    add(
        out,
        "libtorch",
        source(f.libtorchSource()) + (f.libtorchDir() == null ? "" : ": " + f.libtorchDir()));
    add(
        out,
        "libtorch version",
        (f.libtorchVersion() == null
                ? "unknown (no build-version or version.py)"
                : f.libtorchVersion())
            + ", "
            + (f.libtorchSource() == LibtorchSource.NONE
                ? "none"
                : f.libtorchCuda() ? "CUDA build" : "CPU build"));
    add(out, "libtorch loaded", loaded(f));
    add(
        out,
        "jni flavor",
        f.flavor() + (f.pytorchFlavor() == null ? " (DJL's choice: PYTORCH_FLAVOR not set)" : ""));
    add(
        out,
        "jni",
        f.jniPath() == null
            ? "none found (DJL would download one)"
            : f.jniPath()
                + " ("
                + f.jniSource().name().toLowerCase(Locale.ROOT).replace('_', ' ')
                + "), built for libtorch "
                + (f.jniBuiltFor() == null ? "unknown" : f.jniBuiltFor()));
    add(
        out,
        "pytorch-jni",
        f.jarJniVersion() == null
            ? "not on the classpath"
            : f.jarJniVersion() + ", flavors " + String.join(", ", f.jarJniFlavors()));
    add(
        out,
        "cudart",
        f.cudartLoaded()
            ? "loaded by JNA, cu" + f.cudaRuntimeVersion() + ", " + f.cudartGpuCount() + " GPU(s)"
            : "not loadable by JNA"
                + (f.cudartCandidates().isEmpty()
                    ? ""
                    : " (files: " + String.join(", ", f.cudartCandidates()) + ")"));
    add(out, "CUDA_VISIBLE_DEVICES", setting(f.cudaVisibleDevices()));
    add(out, "LD_LIBRARY_PATH", setting(System.getenv("LD_LIBRARY_PATH")));
    add(out, "jna.library.path", setting(System.getProperty("jna.library.path")));
    add(
        out,
        "gpus (DJL)",
        f.engineLoaded()
            ? f.engineGpuCount() + " (CUDA in the engine: " + (f.engineCuda() ? "yes" : "no") + ")"
            : "unknown (libtorch not loaded)");
    add(out, "device", device + " -> " + (resolved == null ? "none" : resolved));
    add(
        out,
        "check",
        verdict.ok()
            ? "ok" + (verdict.message().equals("ok") ? "" : ": " + verdict.message())
            : "FAILED (" + verdict.cause() + "): " + verdict.message());
    return out;
  }

  /** {@code avx2 yes, avx512f no, ...} for a {@code flags} value of /proc/cpuinfo. */
  static String isa(String flags) {
    List<String> parts = new ArrayList<>();
    for (String f : ISA) {
      parts.add(f + (CpuInfo.hasFlag(flags, f) ? " yes" : " no"));
    }
    return flags.isBlank() ? "unknown (no /proc/cpuinfo flags)" : String.join(", ", parts);
  }

  private static String loaded(TorchFacts f) {
    if (!f.engineLoaded()) {
      return "no (not started: see check)";
    }
    try {
      return ai.djl.pytorch.jni.LibUtils.getVersion()
          + " from "
          + ai.djl.pytorch.jni.LibUtils.getLibtorchPath();
    } catch (RuntimeException | LinkageError e) {
      return "yes";
    }
  }

  private static String source(LibtorchSource s) {
    return switch (s) {
      case PYTORCH_LIBRARY_PATH -> "PYTORCH_LIBRARY_PATH";
      case JAVA_LIBRARY_PATH -> "java.library.path";
      case BUNDLED -> "bundled CPU build (pytorch-native-cpu jar)";
      case NONE -> "none found";
    };
  }

  private static String setting(String v) {
    return v == null ? "not set" : v;
  }

  private static void add(List<String> out, String name, String value) {
    out.add(String.format(Locale.ROOT, "%-21s %s", name, value));
  }
}
