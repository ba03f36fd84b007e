package dev.modernbert.encoder.runtime;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The route of a model's products in {@code dtype}: forced by {@code gemm=default|onednn}, or, for
 * {@code auto}, the fastest correct one of the measured {@code rates} (empty when forced). A pure
 * function of its inputs, so the choice is unit-tested with injected rates.
 */
public record GemmDecision(Precision dtype, GemmRoute route, boolean forced, List<GemmRate> rates) {
  public GemmDecision {
    rates = List.copyOf(rates);
  }

  /** {@code route} as {@code gemm} forced it: nothing measured, nothing refused. */
  public static GemmDecision forced(Precision dtype, GemmRoute route) {
    return new GemmDecision(dtype, route, true, List.of());
  }

  /**
   * {@code gemm=auto}: the fastest correct route for {@code dtype} among {@code rates}.
   *
   * @throws IllegalArgumentException for bfloat16 when its best rate is no faster than float32's
   *     best: bf16 is less accurate, so it must at least be faster
   * @throws IllegalStateException when no measured route of {@code dtype} was correct
   */
  public static GemmDecision auto(Precision dtype, List<GemmRate> rates) {
    GemmRate best = best(dtype, rates);
    if (dtype == Precision.BFLOAT16) {
      GemmRate f32 = best(Precision.FLOAT32, rates);
      if (best.gflops() <= f32.gflops()) {
        throw new IllegalArgumentException(
            String.format(
                Locale.ROOT,
                "dtype bfloat16 is not faster than float32 on this CPU (%s): bfloat16 products"
                    + " ran at %.1f GFLOP/s (route %s), float32 at %.1f GFLOP/s (route %s) on"
                    + " this model's shapes. bf16 is also less accurate: use dtype float32 (or"
                    + " force a route with gemm=default or gemm=onednn to run bfloat16 anyway).",
                CpuInfo.model(),
                best.gflops(),
                best.route().id(),
                f32.gflops(),
                f32.route().id()));
      }
    }
    return new GemmDecision(dtype, best.route(), false, rates);
  }

  /** The fastest correct rate of {@code dtype}. */
  static GemmRate best(Precision dtype, List<GemmRate> rates) {
    return rates.stream()
        .filter(r -> r.dtype() == dtype && r.correct())
        .max(Comparator.comparingDouble(GemmRate::gflops))
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "no "
                        + dtype.id()
                        + " matrix-product route gave correct outputs on this CPU (measured: "
                        + rates
                        + "); report this with the output of `modernbert doctor`"));
  }

  /** One line for the log: the machine, every measured rate, the choice. */
  public String summary() {
    return String.format(
        Locale.ROOT,
        "gemm: CPU %s [%s]; %s; %s products on route %s (%s)",
        CpuInfo.model(),
        CpuInfo.isaFlags(),
        rates.isEmpty() ? "not measured" : "measured " + rates,
        dtype.id(),
        route.id(),
        forced ? "forced by gemm=" + route.id() : "gemm=auto");
  }
}
