package dev.modernbert.encoder.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modernbert.encoder.testing.Golden;
import dev.modernbert.encoder.testing.TorchSave;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crafted checkpoint is bad input: the CLI ends at once with exit 2 and one line naming the file
 * (adversarial report, defect 2, through the command line).
 */
class HostileCheckpointCliTest {
  @TempDir Path tmp;

  @Test
  void aBillionLaughsPickleExits2NamingTheFile() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("model"));
    Files.copy(Golden.resource("golden/pytorch-bin/config.json"), dir.resolve("config.json"));
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    p.writeBytes(new byte[] {(byte) 0x80, 2, '}', ']', 'q', 0, '0'});
    for (int i = 1; i <= 80; i++) { // 80 levels of [L, L]: 2^80 paths for a hashCode
      p.writeBytes(new byte[] {'(', 'h', (byte) (i - 1), 'h', (byte) (i - 1), 'l', 'q', (byte) i});
      if (i < 80) {
        p.write('0');
      }
    }
    p.writeBytes(new byte[] {'X', 1, 0, 0, 0, 'v', 's', '.'});
    Path bin = dir.resolve("pytorch_model.bin");
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(bin))) {
      TorchSave.stored(zip, "archive/data.pkl", p.toByteArray());
    }
    Path in = Files.writeString(tmp.resolve("in.jsonl"), "{\"id\":1,\"input_ids\":[500,7,501]}\n");
    Path out = tmp.resolve("out.jsonl");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        assertTimeoutPreemptively(
            Duration.ofSeconds(60),
            () ->
                Main.run(
                    new String[] {
                      "encode",
                      "--model",
                      dir.toString(),
                      "--input",
                      in.toString(),
                      "--output",
                      out.toString()
                    },
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8)));
    String msg = err.toString(StandardCharsets.UTF_8);
    assertEquals(2, code, msg);
    assertTrue(msg.contains(bin + ": the pickle archive/data.pkl uses a dict key"), msg);
    assertEquals(1, msg.strip().lines().count(), msg);
    assertFalse(Files.exists(out), "no output for a refused model");
  }
}
