package dev.modernbert.encoder.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CliProgressTest {

  @Test
  void linesOffATerminal() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream err = new PrintStream(buf, true, StandardCharsets.UTF_8);
    try (CliProgress p = new CliProgress.Lines("encode", 10, err, Duration.ofMillis(40))) {
      p.advance(4, 40);
      Thread.sleep(200);
    }
    String s = buf.toString(StandardCharsets.UTF_8);
    assertTrue(s.startsWith("encode: progress: 4/10 rows (40.0%), 40 tokens, "), s);
    assertTrue(s.contains("ETA "), s);
  }

  @Test
  void barOnATerminal() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream err = new PrintStream(buf, true, StandardCharsets.UTF_8);
    try (CliProgress p = new CliProgress.Bar("encode", 10, err)) {
      p.advance(10, 123);
    }
    String s = buf.toString(StandardCharsets.UTF_8);
    assertTrue(s.contains("encode"), s);
    assertTrue(s.contains("10/10 rows"), s);
    assertTrue(s.contains("123 tokens"), s);
  }
}
