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
 * guessed. One layer's seven products on {@link #ROWS} rows, best of {@link #REPS} rounds: for
 * ModernBERT-base about 10 GFLOP per candidate, a fraction of a second where the cores are free
 * (the time is logged). Rates are cached per process and shape, and each decision is logged once.
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
    return RATES.computeIfAbsent(
        key,
        k -> {
          long start = System.nanoTime();
          List<GemmRate> rates = measure(k.hidden(), k.intermediate(), k.bf16());
          LOG.info("gemm: calibration took {} ms", (System.nanoTime() - start) / 1_000_000);
          return rates;
        });
  }

  /**
   * Every candidate once per round, {@link #REPS} timed rounds after a warm-up one, so that a busy
   * machine's slow moments fall on all candidates alike; each keeps its best round.
   */
  private static List<GemmRate> measure(int hidden, int intermediate, boolean bf16) {
    List<Precision> dtypes =
        bf16 ? List.of(Precision.FLOAT32, Precision.BFLOAT16) : List.of(Precision.FLOAT32);
    List<Candidate> candidates = new ArrayList<>();
    try (NDManager m = TorchRuntime.engine().newBaseManager(Device.cpu())) {
      Layer layer = new Layer(m, hidden, intermediate);
      for (Precision dtype : dtypes) {
        for (GemmRoute route : GemmRoute.values()) {
          candidates.add(new Candidate(layer, dtype, route));
        }
      }
      for (int round = 0; round <= REPS; round++) {
        for (Candidate c : candidates) {
          c.run(round > 0);
        }
      }
      return candidates.stream().map(Candidate::rate).toList();
    } finally {
      candidates.forEach(Candidate::close);
    }
  }

  /**
   * One encoder layer's projections: 4 of [hidden, hidden], 2 of [intermediate, hidden], 1 back.
   */
  private static final class Layer {
    static final int H = 0;
    static final int I = 1;
    static final int O = 2;
    final NDArray x;
    final NDArray xi;
    final NDArray[] weights;
    final NDArray reference;
    final double flops;

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
  }

  /** A route in a dtype with the layer's weights stored its way; its best time and correctness. */
  private static final class Candidate implements AutoCloseable {
    private final Layer layer;
    private final Precision dtype;
    private final GemmRoute route;
    private final GemmProducts products; // null: DJL's float32 linear
    private final int[] index;
    private double best = Double.MAX_VALUE;
    private boolean correct = true;

    Candidate(Layer layer, Precision dtype, GemmRoute route) {
      this.layer = layer;
      this.dtype = dtype;
      this.route = route;
      boolean bf16 = dtype.bf16Products();
      this.products = GemmProducts.needed(route, bf16) ? GemmProducts.create(route, bf16) : null;
      this.index = new int[layer.weights.length];
      for (int w = 0; w < index.length && products != null; w++) {
        index[w] = products.put(layer.weights[w]);
      }
    }

    private NDArray product(int w, NDArray in) {
      return products == null
          ? Linear.linear(in, layer.weights[w], null).singletonOrThrow()
          : products.linear(index[w], in, null);
    }

    /** The layer's seven products once; {@code timed}: keeps the time if it is the best. */
    void run(boolean timed) {
      try (NDManager scope = layer.x.getManager().newSubManager()) {
        long start = System.nanoTime();
        NDArray first = product(Layer.H, layer.x);
        scope.attachAll(first);
        for (int p = 1; p < 4; p++) {
          scope.attachAll(product(Layer.H, layer.x));
        }
        scope.attachAll(
            product(Layer.I, layer.x), product(Layer.I, layer.x), product(Layer.O, layer.xi));
        double seconds = (System.nanoTime() - start) / 1e9;
        if (timed) {
          best = Math.min(best, seconds);
        }
        NDArray diff = first.sub(layer.reference).abs().max();
        scope.attachAll(diff);
        correct &= diff.getFloat() / layer.reference.abs().max().getFloat() <= tolerance(dtype);
      }
    }

    GemmRate rate() {
      return new GemmRate(dtype, route, layer.flops / best / 1e9, correct);
    }

    @Override
    public void close() {
      if (products != null) {
        products.close();
      }
    }
  }

  private static double tolerance(Precision dtype) {
    return dtype.bf16Products() ? BFLOAT16_TOLERANCE : FLOAT32_TOLERANCE;
  }
}
