package dev.modernbert.encoder.runtime;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.pytorch.jni.LibUtils;
import dev.modernbert.encoder.runtime.TorchCheck.Verdict;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that starts libtorch. The project sets {@code ai.djl.offline=true} itself, so DJL
 * never downloads: libtorch comes from the {@code pytorch-native-cpu} jar (the default jars) or
 * from {@code PYTORCH_LIBRARY_PATH} (a CUDA build, with the GPU jars that leave the CPU build out),
 * and its JNI from {@code pytorch-jni}.
 *
 * <p>Before loading, {@link TorchProbe} replays DJL's search and {@link TorchCheck} refuses what
 * would fail later or abort the JVM (a JNI built for another libtorch version, no JNI for the
 * flavor); a CUDA device is checked the same way (a CPU-only libtorch, the CPU JNI, no cudart, no
 * GPU), each failure with one message naming the cause and the fix. The versions of libtorch and
 * the JNI are logged once. {@code -Dmodernbert.torch.check=false} turns the checks before loading
 * off (for a set-up they misjudge; please report it).
 */
public final class TorchRuntime {
  public static final String ENGINE = "PyTorch";

  /** The system property that turns the checks before loading off. */
  public static final String CHECK_PROPERTY = "modernbert.torch.check";

  private static final Logger LOG = LoggerFactory.getLogger(TorchRuntime.class);
  private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();
  private static volatile Engine engine;
  private static volatile TorchFacts facts;

  private TorchRuntime() {}

  public static Engine engine() {
    Engine e = engine;
    if (e == null) {
      synchronized (TorchRuntime.class) {
        if (engine == null) {
          offlineByDefault();
          TorchFacts before = TorchProbe.gather();
          if (checks()) {
            TorchCheck.load(before).orThrow();
          }
          Engine loaded;
          try {
            loaded = Engine.getEngine(ENGINE);
          } catch (RuntimeException | UnsatisfiedLinkError ex) {
            throw new IllegalStateException(
                "cannot start libtorch through DJL's PyTorch engine (offline mode, nothing is"
                    + " downloaded). On CPU, put ai.djl.pytorch:pytorch-native-cpu:2.7.1:linux-x86_64"
                    + " and pytorch-jni:2.7.1-0.35.1 on the classpath (the project's default jars"
                    + " bundle them); for CUDA, set PYTORCH_LIBRARY_PATH to a CUDA libtorch 2.7.1"
                    + " build with PYTORCH_FLAVOR=cu128 and PYTORCH_VERSION=2.7.1 (docs/gpu.md;"
                    + " bin/modernbert doctor shows what DJL sees). Cause: "
                    + ex,
                ex);
          }
          facts = TorchProbe.withEngine(before, loaded);
          logVersions(facts);
          engine = loaded;
        }
        e = engine;
      }
    }
    return e;
  }

  /** The facts, gathered when the engine loaded (which this call does when needed). */
  public static TorchFacts facts() {
    engine();
    return facts;
  }

  /** Whether the engine is loaded in this process. */
  public static boolean loaded() {
    return engine != null;
  }

  /** Sets libtorch's intra-op threads for this process (it is a process-wide setting). */
  public static void setThreads(int threads) {
    engine();
    if (threads > 0 && JniUtils.getNumThreads() != threads) {
      JniUtils.setNumThreads(threads);
    }
  }

  /**
   * The libtorch device of {@code spec} on this machine (no scheduler): {@code auto} as {@link
   * DeviceSpec#resolve} says, GPU 0 when CUDA is usable, else the CPU (the choice and its reason
   * are logged once); {@code cuda} and {@code cuda:N} fail at once when CUDA is not usable, with
   * the cause and the fix ({@link TorchCheck}).
   */
  public static Device device(DeviceSpec spec) {
    DeviceSpec d = spec.resolve(DeviceSpec.Placement.MACHINE, TorchRuntime::autoChoosesCuda);
    if (!d.isGpu()) {
      return Device.cpu();
    }
    if (spec.kind() == DeviceSpec.Kind.AUTO) {
      return Device.gpu(d.ordinal()); // auto's own check passed
    }
    return Device.gpu(requireCuda(spec.ordinal(), spec.toString()));
  }

  /**
   * Checks that CUDA device {@code ordinal} (-1: the first) is usable and returns its ordinal:
   * before loading libtorch (the files, the flavor, cudart), then with the engine's own report.
   *
   * @throws TorchCheck.TorchSetupException naming the cause and the fix
   */
  public static int requireCuda(int ordinal, String spec) {
    offlineByDefault();
    if (engine == null && checks()) {
      TorchCheck.cuda(ordinal, spec, TorchProbe.gather()).orThrow();
    }
    engine();
    if (!checks()) {
      int gpus = engine.getGpuCount();
      int id = Math.max(0, ordinal);
      if (id >= gpus) {
        throw new TorchCheck.TorchSetupException(
            TorchCheck.Cause.NO_SUCH_GPU,
            "device \"" + spec + "\" is not available: this libtorch sees " + gpus + " GPU(s)");
      }
      return id;
    }
    return TorchCheck.cuda(ordinal, spec, facts).orThrow().ordinal();
  }

  /** Whether {@code auto}, with no scheduler, takes GPU 0: CUDA is usable here (logged once). */
  private static boolean autoChoosesCuda() {
    engine();
    Verdict v = TorchCheck.cuda(-1, "auto", facts);
    if (v.ok()) {
      logOnce("device auto: cuda:0 (" + facts.engineGpuCount() + " GPU(s) visible)", false);
      return true;
    }
    if (facts.libtorchCuda()) { // a CUDA libtorch that cannot be used: the user wanted a GPU
      logOnce("device auto: the CPU, because CUDA is not usable: " + v.message(), true);
    } else {
      logOnce(
          "device auto: the CPU ("
              + (facts.libtorchSource() == TorchFacts.LibtorchSource.BUNDLED
                  ? "the bundled libtorch is the CPU build"
                  : "libtorch at " + facts.libtorchDir() + " is a CPU build")
              + ")",
          false);
    }
    return false;
  }

  /** The project's default: DJL never downloads ({@code ai.djl.offline=true} unless set). */
  static void offlineByDefault() {
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
  }

  static boolean checks() {
    return !"false".equalsIgnoreCase(System.getProperty(CHECK_PROPERTY, "true").trim());
  }

  private static void logVersions(TorchFacts f) {
    String path;
    String version;
    try {
      path = LibUtils.getLibtorchPath();
      version = LibUtils.getVersion();
    } catch (RuntimeException | LinkageError e) {
      path = f.libtorchDir();
      version = f.libtorchVersion();
    }
    LOG.info(
        "libtorch {} from {} ({}, {} build{}); JNI {} (flavor {}, built for libtorch {}); DJL {};"
            + " CUDA in the engine: {}, GPUs: {}",
        version,
        path,
        f.libtorchSource(),
        f.libtorchCuda() ? "CUDA" : "CPU",
        f.libtorchVersion() == null || f.libtorchVersion().equals(version)
            ? ""
            : ", its files say " + f.libtorchVersion(),
        f.jniPath() == null ? "(downloaded by DJL)" : f.jniPath(),
        f.jniFlavor() == null ? f.flavor() : f.jniFlavor(),
        f.jniBuiltFor() == null ? "unknown (a JNI in the libtorch folder)" : f.jniBuiltFor(),
        f.djlVersion(),
        f.engineCuda() ? "yes" : "no",
        f.engineGpuCount());
  }

  private static void logOnce(String message, boolean warn) {
    if (LOGGED.add(message)) {
      if (warn) {
        LOG.warn(message);
      } else {
        LOG.info(message);
      }
    }
  }
}
