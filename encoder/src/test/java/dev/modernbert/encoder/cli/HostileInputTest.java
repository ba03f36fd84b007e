package dev.modernbert.encoder.cli;

import static dev.modernbert.encoder.cli.MainTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import dev.modernbert.encoder.cli.MainTest.Result;
import dev.modernbert.encoder.testing.Golden;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 27, the command line side: hostile input lines, output targets and flags end with the
 * promised exit code and one clear line, before anything is computed, and never change an id.
 */
class HostileInputTest {
  static final Path GOLDEN = Golden.resource("golden");

  @TempDir Path tmp;

  Path input(String... lines) throws IOException {
    return Files.write(tmp.resolve("in.jsonl"), List.of(lines), StandardCharsets.UTF_8);
  }

  Result encode(Path in, Path out, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of("encode", "--model", "demo", "--input", in.toString(), "--output", "" + out));
    args.addAll(List.of(extra));
    return run(args.toArray(new String[0]));
  }

  static void assertRefused(Result r, String... words) {
    assertEquals(Main.EXIT_USAGE, r.code(), r.err());
    for (String w : words) {
      assertTrue(r.err().contains(w), "missing \"" + w + "\" in: " + r.err());
    }
    assertFalse(r.err().contains("Exception"), r.err());
    assertFalse(r.err().contains("Error:"), r.err());
  }

  // 17: a flag's value is never a help request

  @Test
  void helpAsAFlagValueIsTheValue() throws IOException {
    Path out = tmp.resolve("out.jsonl");
    Result r = encode(input("{\"id\": 1, \"text\": \"a\"}"), out, "--prompt", "-h");
    assertEquals(Main.EXIT_OK, r.code(), r.err());
    assertFalse(r.out().contains("Usage"), r.out());
    assertEquals(1, Files.readAllLines(out).size());

    Result help = encode(input("{\"id\": 1, \"text\": \"a\"}"), out, "--prompt", "x", "-h");
    assertEquals(Main.EXIT_OK, help.code());
    assertTrue(help.out().startsWith("Usage: modernbert encode"), help.out());
  }

  // 18, 19b: usage errors exit 2 before anything is computed

  @Test
  void promptWithPromptNameIsRefusedByEncodeAndTokenize() throws IOException {
    Path in = input("{\"id\": 1, \"text\": \"a\"}");
    Path out = tmp.resolve("out.jsonl");
    for (String command : List.of("encode", "tokenize")) {
      Result r =
          run(
              command,
              "--model",
              GOLDEN.resolve("st-mean-normalize").toString(),
              "--input",
              in.toString(),
              "--output",
              out.toString(),
              "--prompt",
              "q: ",
              "--prompt-name",
              "query");
      assertRefused(r, "exclude each other");
      assertFalse(Files.exists(out));
    }
  }

  @Test
  void unknownPromptNameAndTooLargeTruncateDimExit2() throws IOException {
    Path in = input("{\"id\": 1, \"text\": \"a\"}");
    Path out = tmp.resolve("out.jsonl");
    String model = GOLDEN.resolve("st-mean-normalize").toString();
    String[] base = {"--model", model, "--input", in.toString(), "--output", out.toString()};
    for (String command : List.of("encode", "tokenize")) {
      List<String> args = new ArrayList<>(List.of(command));
      args.addAll(List.of(base));
      args.addAll(List.of("--prompt-name", "no-such-name"));
      assertRefused(run(args.toArray(new String[0])), "no-such-name");
    }
    List<String> args = new ArrayList<>(List.of("encode"));
    args.addAll(List.of(base));
    args.addAll(List.of("--truncate-dim", "100000"));
    assertRefused(run(args.toArray(new String[0])), "100000", "larger than the embedding");
    assertFalse(Files.exists(out));
  }

  // 19a: input_ids lines in a long-text mode are refused at validation, by line

  @Test
  void inputIdsLineInLongTextModeIsRefusedByLineBeforeCompute() throws IOException {
    Path in =
        input(
            "{\"id\": 1, \"text\": \"one\"}",
            "{\"id\": 2, \"text\": \"two\"}",
            "{\"id\": \"last\", \"input_ids\": [1, 2, 3]}");
    Path out = tmp.resolve("out.jsonl");
    for (String mode : List.of("chunk", "late")) {
      Result r = encode(in, out, "--long-text", mode, "--chunk-rows", "1");
      assertRefused(r, "line 3", "input_ids", "--long-text " + mode, "nothing was computed");
      assertFalse(Files.exists(out));
    }
  }

  // 19c: invalid UTF-8 at its true line number

  @Test
  void invalidUtf8IsReportedAtItsOwnLine() throws IOException {
    for (int badLine : new int[] {2, 500}) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      for (int i = 1; i <= 1000; i++) {
        String line = "{\"id\": " + i + ", \"text\": \"word " + i + " and some more words\"}";
        bytes.writeBytes(line.getBytes(StandardCharsets.UTF_8));
        if (i == badLine) {
          bytes.writeBytes(new byte[] {(byte) 0xff, (byte) 0xfe});
        }
        bytes.write('\n');
      }
      Path in = Files.write(tmp.resolve("bad-utf8.jsonl"), bytes.toByteArray());
      Path out = tmp.resolve("out.jsonl");
      Result r = encode(in, out);
      assertRefused(r, "1 bad input line", "line " + badLine + ": not valid UTF-8");
      assertFalse(Files.exists(out));
    }
  }

  // 8: deep nesting is a bad line, not a StackOverflowError

  @Test
  void deeplyNestedTextOrIdIsABadLine() throws IOException {
    int d = 20_000;
    String deepText = "{\"id\": 1, \"text\": " + "[".repeat(d) + "]".repeat(d) + "}";
    int e = 200_000;
    String deepId = "{\"id\": " + "[".repeat(e) + "]".repeat(e) + ", \"text\": \"a\"}";
    Path out = tmp.resolve("out.jsonl");
    Result r = encode(input("{\"id\": 0, \"text\": \"fine\"}", deepText, deepId), out);
    assertRefused(r, "2 bad input lines", "line 2: malformed JSON", "line 3: malformed JSON");
    assertTrue(r.err().contains("nested deeper than 128"), r.err());
    assertFalse(r.err().contains("StackOverflow"), r.err());
    assertFalse(Files.exists(out));
  }

  // 6: ids keep lone surrogates, escaped as json.dumps escapes them

  @Test
  void idsWithLoneSurrogatesComeBackUnchanged() throws IOException {
    Path in =
        input(
            "{\"id\": \"x\\ud800y\", \"text\": \"a\"}",
            "{\"id\": \"\\udfff\", \"text\": \"b\"}",
            "{\"id\": [\"\\ud83d\", \"\\ud83d\\ude00\", {\"\\udc00k\": 1}], \"text\": \"c\"}");
    for (String command : List.of("encode", "tokenize")) {
      Path out = tmp.resolve(command + ".jsonl");
      Result r =
          run(command, "--model", "demo", "--input", in.toString(), "--output", out.toString());
      assertEquals(Main.EXIT_OK, r.code(), r.err());
      List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
      assertTrue(lines.get(0).startsWith("{\"id\":\"x\\ud800y\""), lines.get(0));
      assertTrue(lines.get(1).startsWith("{\"id\":\"\\udfff\""), lines.get(1));
      assertTrue(lines.get(2).contains("\"\\ud83d\",\"\uD83D\uDE00\""), lines.get(2));
      List<String> inputs = Files.readAllLines(in, StandardCharsets.UTF_8);
      for (int i = 0; i < 3; i++) {
        JsonElement want = JsonParser.parseString(inputs.get(i)).getAsJsonObject().get("id");
        JsonElement got = JsonParser.parseString(lines.get(i)).getAsJsonObject().get("id");
        assertEquals(want, got, "line " + (i + 1));
      }
    }
  }

  // 16: a lone surrogate in text is refused at validation

  @Test
  void loneSurrogateInTextIsRefusedWithItsLine() throws IOException {
    Path in =
        input(
            "{\"id\": 1, \"text\": \"fine \\ud83d\\ude00 pair\"}",
            "{\"id\": 2, \"text\": \"before \\ud800 after\"}");
    for (String command : List.of("encode", "tokenize")) {
      Path out = tmp.resolve(command + ".jsonl");
      Result r =
          run(command, "--model", "demo", "--input", in.toString(), "--output", out.toString());
      assertRefused(r, "1 bad input line", "line 2:", "lone surrogate \\ud800 at character 7");
      assertFalse(Files.exists(out));
    }
  }

  // 20: NaN outputs are written as json.dumps writes them

  @Test
  void nanOutputsAreWrittenAsJsonDumpsWritesThem() throws IOException {
    Path model = Files.createDirectory(tmp.resolve("nan-model"));
    Path golden = GOLDEN.resolve("tiny-modernbert");
    Files.copy(golden.resolve("config.json"), model.resolve("config.json"));
    byte[] st = Files.readAllBytes(golden.resolve("model.safetensors"));
    setFirstFloat(st, "model.embeddings.norm.weight", Float.NaN);
    Files.write(model.resolve("model.safetensors"), st);
    Path in = input("{\"id\": 1, \"input_ids\": [1, 5, 7, 2]}");
    Path out = tmp.resolve("out.jsonl");
    Result r =
        run(
            "encode",
            "--model",
            model.toString(),
            "--input",
            in.toString(),
            "--output",
            out.toString(),
            "--pooling",
            "mean");
    assertEquals(Main.EXIT_OK, r.code(), r.err());
    String line = Files.readAllLines(out).get(0);
    assertTrue(line.contains("NaN"), line);
    JsonReader reader = new JsonReader(new StringReader(line));
    reader.setStrictness(Strictness.LENIENT); // as Python's json.loads
    JsonObject row = JsonParser.parseReader(reader).getAsJsonObject();
    assertTrue(Double.isNaN(row.getAsJsonArray("embedding").get(0).getAsDouble()));
  }

  /** Sets the first value of an F32 tensor of a safetensors file (in memory). */
  static void setFirstFloat(byte[] st, String tensor, float value) {
    ByteBuffer b = ByteBuffer.wrap(st).order(ByteOrder.LITTLE_ENDIAN);
    int headerLen = (int) b.getLong(0);
    JsonObject header =
        JsonParser.parseString(new String(st, 8, headerLen, StandardCharsets.UTF_8))
            .getAsJsonObject();
    JsonObject t = header.getAsJsonObject(tensor);
    assertEquals("F32", t.get("dtype").getAsString());
    int start = t.getAsJsonArray("data_offsets").get(0).getAsInt();
    b.putFloat(8 + headerLen + start, value);
  }

  // 3: standard output, FIFOs, devices and links as output targets

  @Test
  void dashWritesStandardOutput() throws IOException {
    Path in = input("{\"id\": 1, \"text\": \"a\"}", "{\"id\": 2, \"text\": \"b\"}");
    Result r = run("tokenize", "--model", "demo", "--input", in.toString(), "--output", "-");
    assertEquals(Main.EXIT_OK, r.code(), r.err());
    List<String> lines = r.out().lines().toList();
    assertEquals(2, lines.size(), r.out());
    assertEquals(2, JsonParser.parseString(lines.get(1)).getAsJsonObject().get("id").getAsInt());
    assertFalse(Files.exists(Path.of("-")));
    assertTrue(r.err().contains("-> -"), r.err());
  }

  @Test
  void aFifoIsWrittenInPlaceNotReplaced() throws Exception {
    Path fifo = tmp.resolve("out.fifo");
    Process mk = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    assertEquals(0, mk.waitFor());
    Path in = input("{\"id\": 1, \"text\": \"a\"}", "{\"id\": 2, \"text\": \"b\"}");
    CompletableFuture<byte[]> read = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (InputStream s = Files.newInputStream(fifo)) {
                read.complete(s.readAllBytes());
              } catch (IOException e) {
                read.completeExceptionally(e);
              }
            });
    reader.setDaemon(true); // on the old code nothing ever opens the FIFO for writing
    reader.start();
    Result r =
        assertTimeoutPreemptively(
            Duration.ofSeconds(60),
            () ->
                run(
                    "tokenize",
                    "--model",
                    "demo",
                    "--input",
                    in.toString(),
                    "--output",
                    fifo.toString()));
    assertEquals(Main.EXIT_OK, r.code(), r.err());
    assertFalse(Files.isRegularFile(fifo), "the FIFO was replaced by a regular file");
    assertTrue(
        Files.readAttributes(fifo, java.nio.file.attribute.BasicFileAttributes.class).isOther(),
        "the FIFO is gone");
    byte[] got = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> read.get());
    assertEquals(2, new String(got, StandardCharsets.UTF_8).lines().count());
  }

  @Test
  void aSymlinkIsFollowedAndKept() throws IOException {
    Path real = Files.writeString(tmp.resolve("real.jsonl"), "old\n");
    Path link = Files.createSymbolicLink(tmp.resolve("link.jsonl"), real.getFileName());
    Path in = input("{\"id\": 1, \"text\": \"a\"}");
    Result r = encode(in, link);
    assertEquals(Main.EXIT_OK, r.code(), r.err());
    assertTrue(Files.isSymbolicLink(link), "the link was replaced");
    List<String> lines = Files.readAllLines(real);
    assertEquals(1, lines.size());
    assertTrue(lines.get(0).startsWith("{\"id\":1,\"embedding\":["), lines.get(0));
  }

  @Test
  void devStdoutIsStandardOutputAndARegularFileUnderDevIsReplacedWhole() throws IOException {
    Path in = input("{\"id\": 1, \"text\": \"a\"}", "{\"id\": 2, \"text\": \"b\"}");
    Result r =
        run("tokenize", "--model", "demo", "--input", in.toString(), "--output", "/dev/stdout");
    assertEquals(Main.EXIT_OK, r.code(), r.err());
    assertEquals(2, r.out().lines().count(), r.out());

    Path shm = Path.of("/dev/shm");
    Assumptions.assumeTrue(Files.isDirectory(shm) && Files.isWritable(shm), "no /dev/shm");
    Path out = shm.resolve("modernbert-test-" + UUID.randomUUID() + ".jsonl");
    try {
      Files.writeString(out, "an older and much longer output\n".repeat(1000));
      Path one = input("{\"id\": 1, \"text\": \"a\"}");
      Result again =
          run("tokenize", "--model", "demo", "--input", one.toString(), "--output", out.toString());
      assertEquals(Main.EXIT_OK, again.code(), again.err());
      List<String> lines = Files.readAllLines(out);
      assertEquals(1, lines.size(), "no tail of the older output may stay");
      assertTrue(lines.get(0).startsWith("{\"id\":1,"), lines.get(0));
    } finally {
      Files.deleteIfExists(out);
    }
  }

  // 15: temp files of killed runs are swept; ones in use are not

  @Test
  void staleTempFilesOfTheSameOutputAreSwept() throws IOException {
    Path out = tmp.resolve("out.jsonl");
    Path stale = Files.writeString(tmp.resolve(".out.jsonl." + UUID.randomUUID() + ".tmp"), "x");
    Path inUse = tmp.resolve(".out.jsonl." + UUID.randomUUID() + ".tmp");
    Path otherOutput =
        Files.writeString(tmp.resolve(".other.jsonl." + UUID.randomUUID() + ".tmp"), "x");
    Path notOurs = Files.writeString(tmp.resolve(".out.jsonl.backup.tmp"), "x");
    try (FileChannel ch =
            FileChannel.open(inUse, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        FileLock lock = ch.lock()) {
      Result r = encode(input("{\"id\": 1, \"text\": \"a\"}"), out);
      assertEquals(Main.EXIT_OK, r.code(), r.err());
      assertFalse(Files.exists(stale), "a stale temp file was left");
      assertTrue(Files.exists(inUse), "a temp file in use was deleted");
    }
    assertTrue(Files.exists(otherOutput));
    assertTrue(Files.exists(notOurs));
    assertTrue(Files.exists(out));
  }
}
