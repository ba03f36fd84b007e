package dev.modernbert.encoder.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The deterministic workloads of {@code docs/workloads.md}, token for token: W1 (64 x 512), W2 (512
 * long-tailed lengths from an LCG, optionally a prefix W2[:N]) and W3 (one 8,192-token sequence),
 * on ModernBERT-base's special ids.
 */
public final class Workloads {
  static final int CLS = 50281;
  static final int SEP = 50282;

  /** Sequences in W2. */
  public static final int W2_SIZE = 512;

  /** A workload: its sequences in input order and the naive baseline's fixed rows per batch. */
  public record Workload(String name, List<int[]> sequences, int naiveRows, boolean naiveSorted) {
    public long realTokens() {
      return sequences.stream().mapToLong(s -> s.length).sum();
    }

    /** The sequences in the order the naive path feeds them (input order, or longest first). */
    public List<int[]> naiveOrder() {
      if (!naiveSorted) {
        return sequences;
      }
      List<int[]> sorted = new ArrayList<>(sequences);
      sorted.sort(Comparator.comparingInt((int[] s) -> -s.length)); // stable: ties keep input order
      return sorted;
    }
  }

  private Workloads() {}

  /** Names: W1, W2a, W2b, W3, with an optional prefix for W2: {@code W2a:128}. */
  public static Workload byName(String name) {
    String[] parts = name.split(":");
    int prefix = parts.length > 1 ? prefix(name, parts[1]) : W2_SIZE;
    switch (parts[0].toUpperCase(java.util.Locale.ROOT)) {
      case "W1":
        return new Workload(
            "W1", IntStream.range(0, 64).mapToObj(s -> sequence(s, 512)).toList(), 8, false);
      case "W2A":
        return new Workload("W2a" + suffix(prefix), w2(prefix), 16, false);
      case "W2B":
        return new Workload("W2b" + suffix(prefix), w2(prefix), 16, true);
      case "W3":
        return new Workload("W3", List.of(sequence(0, 8192)), 1, false);
      default:
        throw new IllegalArgumentException(
            "unknown workload " + name + "; expected W1, W2a[:N], W2b[:N] or W3");
    }
  }

  private static int prefix(String name, String n) {
    int prefix;
    try {
      prefix = Integer.parseInt(n.trim());
    } catch (NumberFormatException e) {
      prefix = -1;
    }
    if (prefix < 1 || prefix > W2_SIZE) {
      throw new IllegalArgumentException(
          "bad workload " + name + ": the prefix is a number of sequences, 1.." + W2_SIZE);
    }
    return prefix;
  }

  private static String suffix(int prefix) {
    return prefix == W2_SIZE ? "" : "[:" + prefix + "]";
  }

  /** Sequence number s of length L: CLS, 100 + ((131 s + 17 p) mod 50000), SEP. */
  static int[] sequence(int s, int length) {
    int[] ids = new int[length];
    ids[0] = CLS;
    for (int p = 1; p < length - 1; p++) {
      ids[p] = 100 + (int) ((131L * s + 17L * p) % 50000);
    }
    ids[length - 1] = SEP;
    return ids;
  }

  /**
   * The 512 W2 lengths: LCG (Numerical Recipes constants), seed 2024, two draws per sequence (sum
   * 174,982, mean 341.8). bench/ScaleCheckData.java cycles them for the Spark scale check.
   */
  public static int[] w2Lengths() {
    int[] lengths = new int[W2_SIZE];
    int state = 2024;
    for (int i = 0; i < lengths.length; i++) {
      state = state * 1664525 + 1013904223;
      int b = (state >>> 16) % 100;
      state = state * 1664525 + 1013904223;
      int r = state >>> 16;
      lengths[i] =
          b < 50 ? 16 + r % 185 : b < 80 ? 201 + r % 312 : b < 95 ? 513 + r % 512 : 1025 + r % 1024;
    }
    return lengths;
  }

  private static List<int[]> w2(int prefix) {
    int[] lengths = w2Lengths();
    return IntStream.range(0, prefix).mapToObj(s -> sequence(s, lengths[s])).toList();
  }
}
