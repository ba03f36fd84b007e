package dev.modernbert.encoder.runtime;

import java.util.List;

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
  public static final List<String> NAMES = NamedChoice.names(GemmSpec.class);

  /**
   * Parses a route (case-insensitive).
   *
   * @throws IllegalArgumentException naming the value and the choices
   */
  public static GemmSpec parse(String gemm) {
    return NamedChoice.parse(GemmSpec.class, "gemm", gemm);
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
    return NamedChoice.name(this);
  }
}
