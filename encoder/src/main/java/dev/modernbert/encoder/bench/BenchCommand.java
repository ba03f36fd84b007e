package dev.modernbert.encoder.bench;

/** {@code modernbert bench}: the benchmark harness (see docs/performance.md). */
public final class BenchCommand {
  private BenchCommand() {}

  /** Runs the benchmark; returns the process exit code. */
  public static int run(String[] args) {
    throw new UnsupportedOperationException("bench: not yet implemented");
  }
}
