package dev.modernbert.encoder.runtime;

import java.util.List;
import java.util.Locale;

/**
 * The one parser of device and dtype strings, used by the CLI, the Spark stages, UDFs and the job.
 *
 * <ul>
 *   <li>{@code auto}: in Spark, the task's GPU resource when it has one, else the CPU; elsewhere
 *       GPU 0 when libtorch sees one, else the CPU.
 *   <li>{@code cpu}; {@code cuda} (in Spark: the task's GPU; elsewhere GPU 0); {@code cuda:N}.
 * </ul>
 *
 * dtype: {@code auto} (float16 on a GPU, float32 on the CPU), {@code float32}, {@code float16},
 * {@code bfloat16} (CPU mixed precision, {@link Precision}).
 *
 * @param kind what was asked for
 * @param ordinal the GPU ordinal of {@code cuda:N}; -1 when none was given
 */
public record DeviceSpec(Kind kind, int ordinal) {
  public enum Kind {
    AUTO,
    CPU,
    CUDA
  }

  /** The device values in words, for messages and docs. */
  public static final String DEVICES = "auto, cpu, cuda or cuda:N";

  /** The dtype values. */
  public static final List<String> DTYPES = List.of("auto", "float32", "float16", "bfloat16");

  public static final DeviceSpec CPU = new DeviceSpec(Kind.CPU, -1);

  /** Parses {@code auto}, {@code cpu}, {@code cuda} or {@code cuda:N} (case-insensitive). */
  public static DeviceSpec parse(String device) {
    String s = device == null ? "" : device.trim().toLowerCase(Locale.ROOT);
    switch (s) {
      case "auto":
        return new DeviceSpec(Kind.AUTO, -1);
      case "cpu":
        return CPU;
      case "cuda":
        return new DeviceSpec(Kind.CUDA, -1);
      default:
        if (s.matches("cuda:\\d{1,4}")) {
          return new DeviceSpec(Kind.CUDA, Integer.parseInt(s.substring(5)));
        }
        throw new IllegalArgumentException("bad device \"" + device + "\": expected " + DEVICES);
    }
  }

  /** True when {@code device} parses. */
  public static boolean isValid(String device) {
    try {
      parse(device);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * The concrete dtype for a device: {@code auto} is float16 on a GPU, float32 on the CPU.
   *
   * @throws IllegalArgumentException for anything but {@link #DTYPES}, and for bfloat16 (the CPU's
   *     mixed precision) on a GPU
   */
  public static String dtype(String dtype, boolean gpu) {
    String t = dtype == null ? "auto" : dtype.trim().toLowerCase(Locale.ROOT);
    if (!DTYPES.contains(t)) {
      throw new IllegalArgumentException(
          "bad dtype \"" + dtype + "\": expected " + String.join(", ", DTYPES));
    }
    if (gpu && t.equals("bfloat16")) {
      throw new IllegalArgumentException(
          "dtype bfloat16 is the CPU's mixed precision; on a GPU use float16 (or auto)");
    }
    return t.equals("auto") ? (gpu ? "float16" : "float32") : t;
  }

  /** {@code cpu} or {@code cuda:N}. */
  @Override
  public String toString() {
    return switch (kind) {
      case AUTO -> "auto";
      case CPU -> "cpu";
      case CUDA -> ordinal < 0 ? "cuda" : "cuda:" + ordinal;
    };
  }
}
