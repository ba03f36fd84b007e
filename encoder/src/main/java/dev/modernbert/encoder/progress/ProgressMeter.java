package dev.modernbert.encoder.progress;

import java.util.Locale;

/**
 * Turns a job's counts over time into progress lines: rows and tokens done, tokens/s over the last
 * interval and overall, rows with errors and, when the total rows are known, the fraction done and
 * an ETA (from the overall row rate). The job and the command line print the same lines.
 */
public final class ProgressMeter {
  private final long totalRows;
  private final long startNanos;
  private long lastNanos;
  private long lastTokens;

  /**
   * @param totalRows the rows the job will do, or {@code <= 0} when unknown
   * @param startNanos {@link System#nanoTime()} at the job's start
   */
  public ProgressMeter(long totalRows, long startNanos) {
    this.totalRows = totalRows;
    this.startNanos = startNanos;
    this.lastNanos = startNanos;
  }

  /** The line for the counts at {@code nowNanos}; starts the next interval. */
  public synchronized String line(ProgressCounts c, long nowNanos) {
    double elapsed = (nowNanos - startNanos) / 1e9;
    double interval = (nowNanos - lastNanos) / 1e9;
    double lastRate = interval > 0 ? (c.tokens() - lastTokens) / interval : 0;
    double overall = elapsed > 0 ? c.tokens() / elapsed : 0;
    lastNanos = nowNanos;
    lastTokens = c.tokens();
    StringBuilder sb = new StringBuilder();
    sb.append(c.rows());
    if (totalRows > 0) {
      sb.append('/').append(totalRows);
    }
    sb.append(" rows");
    if (totalRows > 0) {
      sb.append(String.format(Locale.ROOT, " (%.1f%%)", 100.0 * c.rows() / totalRows));
    }
    sb.append(
        String.format(
            Locale.ROOT,
            ", %d tokens, %.0f tokens/s last %s, %.0f tokens/s overall, %d error rows, elapsed %s",
            c.tokens(),
            lastRate,
            duration(interval),
            overall,
            c.errorRows(),
            duration(elapsed)));
    if (totalRows > 0 && c.rows() > 0) {
      double left = elapsed * Math.max(0, totalRows - c.rows()) / c.rows();
      sb.append(", ETA ").append(duration(left));
    }
    return sb.toString();
  }

  /** A duration as 45s, 3m05s or 2h07m. */
  public static String duration(double seconds) {
    long s = Math.round(seconds);
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
  }
}
