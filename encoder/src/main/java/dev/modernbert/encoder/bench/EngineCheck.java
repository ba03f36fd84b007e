package dev.modernbert.encoder.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.modernbert.encoder.runtime.DeviceSpec;
import dev.modernbert.encoder.runtime.TorchRuntime;
import java.io.PrintStream;

/**
 * {@code java -cp ... dev.modernbert.encoder.bench.EngineCheck [cpu|cuda|cuda:N]}: starts libtorch
 * as the encoder does, prints what DJL loaded, and runs one small op on the device with a read back
 * (bench/gpu-check.sh, step C). On a failure it prints the whole chain of causes, which the CLI's
 * one-line errors leave out (e.g. the library a {@code dlopen} missed), and exits 1.
 */
public final class EngineCheck {
  private EngineCheck() {}

  public static void main(String[] args) {
    System.exit(run(args.length > 0 ? args[0] : "cpu", System.out));
  }

  static int run(String spec, PrintStream out) {
    try {
      DeviceSpec device = DeviceSpec.parse(spec);
      Engine engine = TorchRuntime.engine();
      out.println(
          "ENGINE name="
              + engine.getEngineName()
              + " libtorch="
              + engine.getVersion()
              + " gpus="
              + engine.getGpuCount()
              + " default_device="
              + engine.defaultDevice());
      try (NDManager m = engine.newBaseManager(TorchRuntime.device(device));
          NDArray x = m.arange(12f).reshape(3, 4);
          NDArray y = x.matMul(x.transpose()).sum()) {
        float v = y.toFloatArray()[0]; // 0..11 as 3 x 4: sum of X X^T = |column sums|^2 = 1,134
        out.println("ENGINE_OP device=" + y.getDevice() + " sum_xxT=" + v + " expected=1134.0");
        return v == 1134f ? 0 : 1;
      }
    } catch (RuntimeException | LinkageError e) {
      out.println("ENGINE_FAILED " + spec);
      for (Throwable t = e; t != null; t = t.getCause()) {
        out.println("  cause: " + t);
      }
      e.printStackTrace(out);
      return 1;
    }
  }
}
