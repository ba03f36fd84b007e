package dev.modernbert.encoder.runtime;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * The one place that starts libtorch. The project sets {@code ai.djl.offline=true} itself, so DJL
 * never downloads: libtorch comes from the {@code pytorch-native-cpu} jar and its JNI from {@code
 * pytorch-jni}, both on the classpath (or from {@code PYTORCH_LIBRARY_PATH} for a CUDA build).
 */
public final class TorchRuntime {
  public static final String ENGINE = "PyTorch";
  private static volatile Engine engine;

  private TorchRuntime() {}

  public static Engine engine() {
    Engine e = engine;
    if (e == null) {
      synchronized (TorchRuntime.class) {
        if (engine == null) {
          if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
          }
          try {
            engine = Engine.getEngine(ENGINE);
          } catch (RuntimeException | UnsatisfiedLinkError ex) {
            throw new IllegalStateException(
                "cannot start libtorch through DJL's PyTorch engine (offline mode, nothing is downloaded). "
                    + "On CPU, put ai.djl.pytorch:pytorch-native-cpu:2.7.1:linux-x86_64 and "
                    + "pytorch-jni:2.7.1-0.35.1 on the classpath (the project's jars bundle them); "
                    + "for CUDA, set PYTORCH_LIBRARY_PATH to a libtorch 2.7.1 build. Cause: "
                    + ex,
                ex);
          }
        }
        e = engine;
      }
    }
    return e;
  }

  /** Sets libtorch's intra-op threads for this process (it is a process-wide setting). */
  public static void setThreads(int threads) {
    engine();
    if (threads > 0 && JniUtils.getNumThreads() != threads) {
      JniUtils.setNumThreads(threads);
    }
  }

  /** The device of a {@link DeviceSpec} string; {@code auto} is GPU 0 when libtorch sees one. */
  public static Device device(String spec) {
    DeviceSpec d = DeviceSpec.parse(spec);
    return switch (d.kind()) {
      case CPU -> Device.cpu();
      case AUTO -> engine().getGpuCount() > 0 ? Device.gpu(0) : Device.cpu();
      case CUDA -> requireGpu(Math.max(0, d.ordinal()), spec);
    };
  }

  private static Device requireGpu(int id, String spec) {
    int gpus = engine().getGpuCount();
    if (id < 0 || id >= gpus) {
      throw new IllegalArgumentException(
          "device \""
              + spec
              + "\" is not available: this libtorch sees "
              + gpus
              + " GPU(s). The bundled libtorch is CPU-only; for CUDA set PYTORCH_LIBRARY_PATH to a CUDA libtorch 2.7.1 build.");
    }
    return Device.gpu(id);
  }
}
