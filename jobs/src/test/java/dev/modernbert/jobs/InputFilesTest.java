package dev.modernbert.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputFilesTest {
  @TempDir Path tmp;

  @Test
  void formatFromExtension() {
    assertEquals("parquet", InputFiles.fromName("part-0000.snappy.parquet"));
    assertEquals("json", InputFiles.fromName("a.jsonl"));
    assertEquals("json", InputFiles.fromName("a.json.gz"));
    assertEquals("json", InputFiles.fromName("a.NDJSON"));
    assertEquals("csv", InputFiles.fromName("x.csv"));
    assertEquals("text", InputFiles.fromName("x.txt"));
    assertNull(InputFiles.fromName("README"));
    assertNull(InputFiles.fromName("x.avro"));
  }

  @Test
  void explicitFormatWins() {
    assertEquals("json", InputFiles.format("jsonl", "in", List.of()));
    assertEquals("text", InputFiles.format("TEXT", "in", List.of()));
    JobException e =
        assertThrows(JobException.class, () -> InputFiles.format("avro", "in", List.of()));
    assertTrue(e.getMessage().contains("--input-format must be"), e.getMessage());
  }

  @Test
  void folderGlobAndErrors() throws Exception {
    Configuration conf = new Configuration();
    Path dir = Files.createDirectories(tmp.resolve("in"));
    Files.writeString(dir.resolve("a.jsonl"), "{}\n");
    Files.writeString(dir.resolve("b.jsonl"), "{}\n");
    Files.writeString(dir.resolve("_SUCCESS"), "");
    Files.writeString(dir.resolve(".a.jsonl.crc"), "");
    var files = InputFiles.resolve(dir.toString(), conf);
    assertEquals(2, files.size());
    assertEquals("json", InputFiles.format("auto", dir.toString(), files));
    assertEquals(1, InputFiles.resolve(dir + "/a*.jsonl", conf).size());

    JobException none =
        assertThrows(JobException.class, () -> InputFiles.resolve(dir + "/*.parquet", conf));
    assertTrue(none.getMessage().contains("no files match this glob"), none.getMessage());
    JobException missing =
        assertThrows(JobException.class, () -> InputFiles.resolve(tmp + "/nothing", conf));
    assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());

    Files.writeString(dir.resolve("c.csv"), "id,text\n");
    var mixed = InputFiles.resolve(dir.toString(), conf);
    JobException several =
        assertThrows(JobException.class, () -> InputFiles.format("auto", dir.toString(), mixed));
    assertTrue(several.getMessage().contains("several formats"), several.getMessage());

    Path odd = Files.createDirectories(tmp.resolve("odd"));
    Files.writeString(odd.resolve("data.bin"), "x");
    var oddFiles = InputFiles.resolve(odd.toString(), conf);
    JobException unknown =
        assertThrows(JobException.class, () -> InputFiles.format("auto", odd.toString(), oddFiles));
    assertTrue(unknown.getMessage().contains("set --input-format"), unknown.getMessage());
  }
}
