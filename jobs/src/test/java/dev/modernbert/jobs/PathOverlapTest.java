package dev.modernbert.jobs;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Output, checkpoint and input never overlap, in any direction or spelling (no Spark needed). */
class PathOverlapTest {
  static final Configuration CONF = new Configuration();
  @TempDir Path tmp;
  Path in;

  @BeforeEach
  void input() throws Exception {
    in = Files.createDirectories(tmp.resolve("data/in"));
    Files.writeString(in.resolve("part-0.jsonl"), "{\"id\": 1, \"text\": \"a\"}\n");
  }

  private String refused(String input, String output, String checkpoint) {
    JobException e =
        assertThrows(JobException.class, () -> PathOverlap.check(input, output, checkpoint, CONF));
    assertEquals(JobException.USAGE, e.exitCode());
    return e.getMessage();
  }

  @Test
  void outputIsContainsOrLiesInsideTheInput() throws Exception {
    String m = refused(in.toString(), in.toString(), null);
    assertTrue(m.contains("--output " + in + " is also --input " + in), m);
    assertTrue(m.contains("--mode overwrite would delete it"), m);
    // Other spellings of the same folder: trailing slash, "..", file: URI, a symlink.
    refused(in.toString(), in + "/", null);
    refused(in.toString(), tmp.resolve("data/in/../in").toString(), null);
    refused(in.toString(), "file://" + in, null);
    Path link = Files.createSymbolicLink(tmp.resolve("link"), in);
    m = refused(in.toString(), link.toString(), null);
    assertTrue(m.contains(link + " (" + in.toRealPath() + ")"), m);
    // The output contains the input, or lies inside it.
    m = refused(in.toString(), tmp.resolve("data").toString(), null);
    assertTrue(m.contains("contains --input"), m);
    m = refused(in.toString(), in.resolve("out").toString(), null);
    assertTrue(m.contains("lies inside --input"), m);
    assertTrue(m.contains("read back as input"), m);
    // A single input file and its folder as output.
    refused(in.resolve("part-0.jsonl").toString(), in.toString(), null);
    // Siblings are fine, even with a common name prefix.
    assertDoesNotThrow(() -> PathOverlap.check(in.toString(), in + "-out", null, CONF));
    assertDoesNotThrow(
        () -> PathOverlap.check(in.toString(), tmp.resolve("out").toString(), null, CONF));
  }

  @Test
  void aGlobInputIsComparedThroughWhatItMatches() throws Exception {
    String glob = tmp.resolve("data") + "/*";
    String m = refused(glob, in.toString(), null);
    assertTrue(m.contains("is also --input"), m);
    // An output that does not exist yet but that the glob would match next time.
    m = refused(glob, tmp.resolve("data/out").toString(), null);
    assertTrue(m.contains("lies inside what --input"), m);
    assertDoesNotThrow(
        () -> PathOverlap.check(in + "/*.jsonl", tmp.resolve("out").toString(), null, CONF));
  }

  @Test
  void theCheckpointIsApartFromInputAndOutput() {
    String out = tmp.resolve("out").toString();
    String m = refused(in.toString(), out, out);
    assertTrue(m.contains("--checkpoint " + out + " is also --output " + out), m);
    m = refused(in.toString(), out, out + "/_ckpt");
    assertTrue(m.contains("--checkpoint " + out + "/_ckpt lies inside --output"), m);
    m = refused(in.toString(), out, tmp.toString());
    assertTrue(m.contains("--checkpoint " + tmp + " contains --input"), m);
    m = refused(in.toString(), out, in.resolve("ckpt").toString());
    assertTrue(m.contains("lies inside --input"), m);
    assertDoesNotThrow(
        () -> PathOverlap.check(in.toString(), out, tmp.resolve("ckpt").toString(), CONF));
  }
}
