package dev.modernbert.encoder.runtime;

import java.util.Locale;

/**
 * One measured candidate of {@link GemmCalibration}: products in {@code dtype} on {@code route} ran
 * at {@code gflops}; {@code correct} when its outputs matched float32's within the dtype's
 * tolerance.
 */
public record GemmRate(Precision dtype, GemmRoute route, double gflops, boolean correct) {
  /** E.g. {@code float32 onednn 312.4 GFLOP/s} ({@code WRONG} appended when not correct). */
  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "%s %s %.1f GFLOP/s%s",
        dtype.id(),
        route.id(),
        gflops,
        correct ? "" : " WRONG");
  }
}
