package dev.modernbert.encoder.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CPU as Linux reports it in /proc/cpuinfo: its model and feature flags. One reader for the
 * bf16 check ({@link Precision}) and the node report ({@link TorchDoctor}).
 */
final class CpuInfo {
  private CpuInfo() {}

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
