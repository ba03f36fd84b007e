package dev.modernbert.encoder.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.modernbert.encoder.config.ModernBertConfig;
import dev.modernbert.encoder.runtime.CpuInfo;
import dev.modernbert.encoder.runtime.GemmCalibration;
import dev.modernbert.encoder.runtime.GemmProducts;
import dev.modernbert.encoder.runtime.GemmRoute;
import dev.modernbert.encoder.runtime.GemmSpec;
import dev.modernbert.encoder.runtime.Precision;
import dev.modernbert.encoder.runtime.TorchRuntime;
import java.util.List;
import java.util.Locale;
import java.util.function.IntConsumer;

/**
 * The bench's matrix-product part: the {@code CPU} header line (model, the ISA flags that decide
 * GEMM speed, the route each dtype gets) and {@code --impl gemm}, W1's biggest projection shape
 * {@code [4096, 768] x [768, 2304]} on every route of each dtype, one RESULT line per route.
 */
final class GemmBench {
  static final int ROWS = 4096;
  static final int IN = 768;
  static final int OUT = 2304;

  private GemmBench() {}

  /**
   * {@code CPU model="..." isa=avx2,avx512f float32=onednn bfloat16=default gemm=auto}: the routes
   * a ModernBERT-base model gets on this CPU for {@code dtypes} under {@code gemm} (measured for
   * {@code auto}); a refused bf16 is shown as {@code refused}.
   */
  static String cpuLine(List<Precision> dtypes, GemmSpec gemm) {
    StringBuilder line =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "CPU model=\"%s\" isa=%s",
                CpuInfo.model(),
                CpuInfo.isaFlags().replace(' ', ',')));
    ModernBertConfig base = ModernBertConfig.base();
    for (Precision dtype : dtypes) {
      if (dtype == Precision.FLOAT16) {
        continue; // the GPU's dtype: no CPU route
      }
      String route;
      try {
        route =
            GemmCalibration.decide(dtype, gemm.route(), base.hiddenSize(), base.intermediateSize())
                .route()
                .id();
      } catch (IllegalArgumentException e) {
        route = "refused";
      }
      line.append(' ').append(dtype.id()).append('=').append(route);
    }
    return line.append(" gemm=").append(gemm).toString();
  }

  /** Prints one RESULT line per route of {@code dtype} (only DJL's on a GPU). */
  static void run(int reps, Precision dtype, Device device) {
    List<GemmRoute> routes =
        device.isGpu() ? List.of(GemmRoute.DEFAULT) : List.of(GemmRoute.values());
    for (GemmRoute route : routes) {
      double gflops = gflops(reps, dtype, route, device);
      System.out.printf(
          Locale.ROOT,
          "RESULT impl=gemm workload=%dx%dx%d dtype=%s route=%s device=%s gflops=%.1f"
              + " peak_rss_mb=%.0f%n",
          ROWS,
          IN,
          OUT,
          dtype.id(),
          route.id(),
          BenchCommand.deviceId(device),
          gflops,
          BenchCommand.peakRssMb());
    }
  }

  private static double gflops(int reps, Precision dtype, GemmRoute route, Device device) {
    boolean viaProducts = !device.isGpu() && GemmProducts.needed(route, dtype.bf16Products());
    try (NDManager m = TorchRuntime.engine().newBaseManager(device);
        GemmProducts products =
            viaProducts ? GemmProducts.create(route, dtype.bf16Products()) : null) {
      NDArray a = m.randomNormal(new Shape(ROWS, IN)).toType(dtype.dataType(), false);
      NDArray b = m.randomNormal(new Shape(OUT, IN)).toType(dtype.dataType(), false);
      int index = products == null ? -1 : products.put(b);
      IntConsumer calls =
          n -> {
            for (int i = 0; i < n; i++) {
              try (NDArray y =
                  products == null
                      ? ai.djl.nn.core.Linear.linear(a, b).singletonOrThrow()
                      : products.linear(index, a, null)) {
                if (i == n - 1) {
                  BenchCommand.sync(y); // the clock stops when the device is done
                }
              }
            }
          };
      calls.accept(3);
      int n = Math.max(10, reps * 10);
      long t0 = System.nanoTime();
      calls.accept(n);
      double s = (System.nanoTime() - t0) / 1e9;
      return 2.0 * ROWS * IN * OUT * n / s / 1e9;
    }
  }

  /** The highest {@code gflops=} among RESULT lines of {@code dtype}, or null when none. */
  static Double best(String resultLines, Precision dtype) {
    Double best = null;
    for (String line : resultLines.split("\n")) {
      Double g = ChildJvm.field(line, "gflops");
      if (g != null && line.contains(" dtype=" + dtype.id() + " ")) {
        best = best == null ? g : Math.max(best, g);
      }
    }
    return best;
  }
}
