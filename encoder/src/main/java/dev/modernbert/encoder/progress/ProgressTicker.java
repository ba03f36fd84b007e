package dev.modernbert.encoder.progress;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Prints a {@link ProgressMeter} line at a steady interval on a daemon thread, until closed. The
 * counts come from {@code counts}, read on that thread (it must be safe to call from there).
 */
public final class ProgressTicker implements AutoCloseable {
  private final ScheduledExecutorService timer;

  private ProgressTicker(ScheduledExecutorService timer) {
    this.timer = timer;
  }

  /** Starts printing {@code prefix + line} every {@code interval}; a zero interval prints none. */
  public static ProgressTicker start(
      String prefix,
      ProgressMeter meter,
      Supplier<ProgressCounts> counts,
      Duration interval,
      PrintStream out) {
    if (interval.isZero() || interval.isNegative()) {
      return new ProgressTicker(null);
    }
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "modernbert-progress");
              t.setDaemon(true);
              return t;
            });
    long ms = interval.toMillis();
    timer.scheduleAtFixedRate(
        () -> {
          try {
            out.println(prefix + meter.line(counts.get(), System.nanoTime()));
            out.flush();
          } catch (RuntimeException e) {
            // a progress line is never worth failing the job; the next tick tries again
          }
        },
        ms,
        ms,
        TimeUnit.MILLISECONDS);
    return new ProgressTicker(timer);
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
