package dev.modernbert.encoder.cli;

import dev.modernbert.encoder.progress.ProgressCounts;
import dev.modernbert.encoder.progress.ProgressMeter;
import dev.modernbert.encoder.progress.ProgressTicker;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/**
 * A row command's progress on stderr: a bar (me.tongfei:progressbar) when the command runs on a
 * terminal, else a {@link ProgressMeter} line every {@link #LINE_INTERVAL} (logs, pipes, CI).
 */
abstract class CliProgress implements AutoCloseable {
  /** How often the line form prints. */
  static final Duration LINE_INTERVAL = Duration.ofSeconds(30);

  /** Rows and tokens of the block of lines just written. */
  abstract void advance(long rows, long tokens);

  @Override
  public abstract void close();

  /** A bar when stdin and stdout are a terminal ({@link System#console()}), else lines. */
  static CliProgress start(String command, long totalRows, PrintStream err) {
    return System.console() != null
        ? new Bar(command, totalRows, err)
        : new Lines(command, totalRows, err, LINE_INTERVAL);
  }

  /** Periodic lines. */
  static final class Lines extends CliProgress {
    private final AtomicLong rows = new AtomicLong();
    private final AtomicLong tokens = new AtomicLong();
    private final ProgressTicker ticker;

    Lines(String command, long totalRows, PrintStream err, Duration interval) {
      ticker =
          ProgressTicker.start(
              command + ": progress: ",
              new ProgressMeter(totalRows, System.nanoTime()),
              () -> new ProgressCounts(rows.get(), tokens.get(), 0),
              interval,
              err);
    }

    @Override
    void advance(long r, long t) {
      rows.addAndGet(r);
      tokens.addAndGet(t);
    }

    @Override
    public void close() {
      ticker.close();
    }
  }

  /** A redrawn bar: rows done of all, rows/s, ETA, and tokens/s as its extra message. */
  static final class Bar extends CliProgress {
    private final ProgressBar bar;
    private final long start = System.nanoTime();
    private long tokens;

    Bar(String command, long totalRows, PrintStream err) {
      bar =
          new ProgressBarBuilder()
              .setTaskName(command)
              .setInitialMax(totalRows)
              .setUnit(" rows", 1)
              .showSpeed()
              .setUpdateIntervalMillis(500)
              .setConsumer(new ConsoleProgressBarConsumer(err))
              .build();
    }

    @Override
    void advance(long rows, long t) {
      tokens += t;
      double s = (System.nanoTime() - start) / 1e9;
      bar.setExtraMessage(
          String.format(Locale.ROOT, "%d tokens, %.0f tokens/s", tokens, s > 0 ? tokens / s : 0));
      bar.stepBy(rows);
    }

    @Override
    public void close() {
      bar.close();
    }
  }
}
