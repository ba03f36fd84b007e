package dev.modernbert.encoder.runtime;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The CPU's matrix-product route as asked for ({@code gemm=auto|default|onednn}), parsed once where
 * the option is read; {@link #route} is the {@link GemmRoute} it forces, or null for {@code auto}
 * ({@link GemmCalibration} measures the routes at model load and takes the faster).
 */
public enum GemmSpec {
  /** Measured at model load: the faster route ({@link GemmCalibration}). */
  AUTO,
  /** Forces {@link GemmRoute#DEFAULT}: libtorch's own {@code linear}. */
  DEFAULT,
  /** Forces {@link GemmRoute#ONEDNN}: oneDNN's matmul on weights re-laid out at load. */
  ONEDNN;

  /** The values users give, in order. */
  public static final List<String> NAMES = Arrays.stream(values()).map(GemmSpec::toString).toList();

  /**
   * Parses a route (case-insensitive).
   *
   * @throws IllegalArgumentException naming the value and the choices
   */
  public static GemmSpec parse(String gemm) {
    String t = gemm == null ? "" : gemm.trim().toLowerCase(Locale.ROOT);
    for (GemmSpec g : values()) {
      if (g.toString().equals(t)) {
        return g;
      }
    }
    throw new IllegalArgumentException(
        "bad gemm \"" + gemm + "\": expected " + String.join(", ", NAMES));
  }

  /** The route this forces, or null for {@link #AUTO} (the calibration decides). */
  public GemmRoute route() {
    return switch (this) {
      case AUTO -> null;
      case DEFAULT -> GemmRoute.DEFAULT;
      case ONEDNN -> GemmRoute.ONEDNN;
    };
  }

  /** The name users give ({@code auto}, {@code default}, {@code onednn}). */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
