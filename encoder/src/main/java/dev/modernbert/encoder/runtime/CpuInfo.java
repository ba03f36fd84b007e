package dev.modernbert.encoder.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The CPU as Linux reports it in /proc/cpuinfo: its model and feature flags. One reader for the
 * bf16 check ({@link Precision}) and the node report ({@link TorchDoctor}).
 */
public final class CpuInfo {
  /** The flags that decide matrix-product speed, in the order {@link #isaFlags} lists them. */
  static final List<String> ISA_FLAGS = List.of("avx2", "avx512f", "avx512_bf16", "amx_bf16");

  private CpuInfo() {}

  /** This CPU's model name ({@code model name} of /proc/cpuinfo), "unknown" where there is none. */
  public static String model() {
    String model = value(text(), "model name");
    return model.isEmpty() ? "unknown" : model;
  }

  /** Which of {@link #ISA_FLAGS} this CPU has, space-separated ("" for none). */
  public static String isaFlags() {
    String flags = flags();
    return String.join(" ", ISA_FLAGS.stream().filter(f -> hasFlag(flags, f)).toList());
  }

  /** /proc/cpuinfo's text, or "" where there is none (not Linux, or not readable). */
  static String text() {
    try {
      return Files.readString(Path.of("/proc/cpuinfo"));
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  /** The value of the first {@code key : value} line of /proc/cpuinfo text; "" when none. */
  static String value(String cpuinfo, String key) {
    for (String line : cpuinfo.split("\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equals(key)) {
        return line.substring(colon + 1).trim();
      }
    }
    return "";
  }

  /** This CPU's flags: the first {@code flags} value, "" where there is none. */
  static String flags() {
    return value(text(), "flags");
  }

  /**
   * Whether {@code flags} (space- or tab-separated, a whole {@code flags : ...} line too) has it.
   */
  static boolean hasFlag(String flags, String flag) {
    String padded = " " + flags.replace(':', ' ').replace('\t', ' ') + " ";
    return padded.contains(" " + flag + " ");
  }
}
