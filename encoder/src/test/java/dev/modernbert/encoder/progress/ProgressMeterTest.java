package dev.modernbert.encoder.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProgressMeterTest {
  private static final long S = 1_000_000_000L;

  @Test
  void linesGiveRatesOverTheIntervalAndOverallFractionAndEta() {
    ProgressMeter m = new ProgressMeter(1000, 100 * S);
    // 30 s in: 250 rows, 6000 tokens -> 200 tok/s both ways; 25 %, ETA 30 s * 750 / 250 = 90 s.
    assertEquals(
        "250/1000 rows (25.0%), 6000 tokens, 200 tokens/s last 30s, 200 tokens/s overall,"
            + " 2 error rows, elapsed 30s, ETA 1m30s",
        m.line(new ProgressCounts(250, 6000, 2), 130 * S));
    // 60 s in: 500 rows, 18000 tokens -> last interval 12000/30 = 400, overall 300; ETA 60 s.
    assertEquals(
        "500/1000 rows (50.0%), 18000 tokens, 400 tokens/s last 30s, 300 tokens/s overall,"
            + " 2 error rows, elapsed 1m00s, ETA 1m00s",
        m.line(new ProgressCounts(500, 18000, 2), 160 * S));
  }

  @Test
  void unknownTotalGivesNoFractionNorEta() {
    ProgressMeter m = new ProgressMeter(0, 0);
    assertEquals(
        "10 rows, 100 tokens, 10 tokens/s last 10s, 10 tokens/s overall, 0 error rows,"
            + " elapsed 10s",
        m.line(new ProgressCounts(10, 100, 0), 10 * S));
  }

  @Test
  void durations() {
    assertEquals("59s", ProgressMeter.duration(59.4));
    assertEquals("3m05s", ProgressMeter.duration(185));
    assertEquals("2h07m", ProgressMeter.duration(2 * 3600 + 7 * 60 + 30));
  }

  @Test
  void tickerPrintsAtItsIntervalUntilClosed() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
    try (ProgressTicker t =
        ProgressTicker.start(
            "job: ",
            new ProgressMeter(4, System.nanoTime()),
            () -> new ProgressCounts(1, 5, 0),
            Duration.ofMillis(40),
            out)) {
      Thread.sleep(300);
    }
    int after = buf.size();
    Thread.sleep(150);
    assertEquals(after, buf.size(), "lines after close");
    String[] lines = buf.toString(StandardCharsets.UTF_8).split("\n");
    assertTrue(lines.length >= 2, "lines: " + lines.length);
    assertTrue(lines[0].startsWith("job: 1/4 rows (25.0%), 5 tokens, "), lines[0]);
    try (ProgressTicker none =
        ProgressTicker.start("", new ProgressMeter(0, 0), () -> null, Duration.ZERO, out)) {
      Thread.sleep(50);
    }
    assertEquals(after, buf.size(), "an interval of 0 prints nothing");
  }
}
