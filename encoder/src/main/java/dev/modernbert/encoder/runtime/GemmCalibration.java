package dev.modernbert.encoder.runtime;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures each CPU matrix-product route ({@link GemmRoute}) on a model's own projection shapes and
 * picks the fastest correct one ({@link GemmDecision}). The same flags can hide opposite results
 * (an {@code avx512_bf16} CPU where bf16 is slower than float32), so the route is measured, not
 * guessed. One layer's seven products on {@link #ROWS} rows, best of {@link #REPS}: about 0.2 s on
 * a 2-core Zen 5 for ModernBERT-base with both dtypes. Rates are cached per process and shape, and
 * each decision is logged once.
 */
public final class GemmCalibration {
  private static final Logger LOG = LoggerFactory.getLogger(GemmCalibration.class);

  /** Rows of the calibration products: a small batch, so calibration stays well under a second. */
  static final int ROWS = 256;

  static final int REPS = 3;

  /** Largest |route - float32 default| / max |float32 default| accepted, per dtype. */
  static final double FLOAT32_TOLERANCE = 1e-4;

  static final double BFLOAT16_TOLERANCE = 3e-2;

  private record Key(int hidden, int intermediate, boolean bf16, int threads) {}

  private static final Map<Key, List<GemmRate>> RATES = new ConcurrentHashMap<>();
  private static final Map<String, Boolean> LOGGED = new ConcurrentHashMap<>();

  private GemmCalibration() {}

  /**
   * The route of products in {@code dtype} (float32 or bfloat16, on the CPU) for a model of {@code
   * hidden} and {@code intermediate} sizes: {@code forced} when not null, else measured.
   *
   * @throws IllegalArgumentException for bfloat16 under {@code auto} where it is not faster
   */
  public static GemmDecision decide(
      Precision dtype, GemmRoute forced, int hidden, int intermediate) {
    GemmDecision d =
        forced != null
            ? GemmDecision.forced(dtype, forced)
            : GemmDecision.auto(dtype, rates(hidden, intermediate, dtype.bf16Products()));
    String summary = d.summary();
    if (LOGGED.putIfAbsent(summary, true) == null) {
      LOG.info(summary);
    }
    return d;
  }

  /** The measured rates of float32 (and bfloat16 when {@code bf16}) routes, cached. */
  public static List<GemmRate> rates(int hidden, int intermediate, boolean bf16) {
    Key key = new Key(hidden, intermediate, bf16, JniUtils.getNumThreads());
    return RATES.computeIfAbsent(key, k -> measure(k.hidden(), k.intermediate(), k.bf16()));
  }

  private static List<GemmRate> measure(int hidden, int intermediate, boolean bf16) {
    List<GemmRate> rates = new ArrayList<>();
    try (NDManager m = TorchRuntime.engine().newBaseManager(Device.cpu())) {
      Layer layer = new Layer(m, hidden, intermediate);
      List<Precision> dtypes =
          bf16 ? List.of(Precision.FLOAT32, Precision.BFLOAT16) : List.of(Precision.FLOAT32);
      for (Precision dtype : dtypes) {
        for (GemmRoute route : GemmRoute.values()) {
          rates.add(layer.rate(dtype, route));
        }
      }
    }
    return List.copyOf(rates);
  }

  /** A product {@code in W^T} with weight {@link Layer#H}, {@link Layer#I} or {@link Layer#O}. */
  private interface Product {
    NDArray apply(int weight, NDArray in);
  }

  /**
   * One encoder layer's projections: 4 of [hidden, hidden], 2 of [intermediate, hidden], 1 back.
   */
  private static final class Layer {
    static final int H = 0;
    static final int I = 1;
    static final int O = 2;
    private final NDArray x;
    private final NDArray xi;
    private final NDArray[] weights;
    private final NDArray reference;
    private final double flops;

    Layer(NDManager m, int hidden, int intermediate) {
      x = m.randomNormal(new Shape(ROWS, hidden));
      xi = m.randomNormal(new Shape(ROWS, intermediate));
      weights =
          new NDArray[] {
            m.randomNormal(new Shape(hidden, hidden)).muli(0.02),
            m.randomNormal(new Shape(intermediate, hidden)).muli(0.02),
            m.randomNormal(new Shape(hidden, intermediate)).muli(0.02)
          };
      reference = Linear.linear(x, weights[H], null).singletonOrThrow();
      flops = 2.0 * ROWS * hidden * (4.0 * hidden + 3.0 * intermediate);
    }

    GemmRate rate(Precision dtype, GemmRoute route) {
      boolean bf16 = dtype.bf16Products();
      if (!GemmProducts.needed(route, bf16)) {
        return time(
            dtype, route, (w, in) -> Linear.linear(in, weights[w], null).singletonOrThrow());
      }
      try (GemmProducts p = GemmProducts.create(route, bf16)) {
        int[] index = new int[weights.length];
        for (int w = 0; w < weights.length; w++) {
          index[w] = p.put(weights[w]);
        }
        return time(dtype, route, (w, in) -> p.linear(index[w], in, null));
      }
    }

    /** Best of {@link #REPS} runs of the layer (after one warm-up), checked against float32. */
    private GemmRate time(Precision dtype, GemmRoute route, Product product) {
      double best = Double.MAX_VALUE;
      boolean correct = true;
      for (int rep = 0; rep <= REPS; rep++) {
        try (NDManager scope = x.getManager().newSubManager()) {
          long start = System.nanoTime();
          NDArray first = product.apply(H, x);
          scope.attachAll(first);
          for (int p = 1; p < 4; p++) {
            scope.attachAll(product.apply(H, x));
          }
          scope.attachAll(product.apply(I, x), product.apply(I, x), product.apply(O, xi));
          double seconds = (System.nanoTime() - start) / 1e9;
          if (rep > 0) {
            best = Math.min(best, seconds);
          }
          correct &= relativeError(first) <= tolerance(dtype);
        }
      }
      return new GemmRate(dtype, route, flops / best / 1e9, correct);
    }

    private double relativeError(NDArray y) {
      return y.sub(reference).abs().max().getFloat() / reference.abs().max().getFloat();
    }
  }

  private static double tolerance(Precision dtype) {
    return dtype.bf16Products() ? BFLOAT16_TOLERANCE : FLOAT32_TOLERANCE;
  }
}
