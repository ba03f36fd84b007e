package dev.modernbert.encoder.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.modernbert.encoder.EncoderOptions;
import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.pool.Pooling;
import dev.modernbert.encoder.testing.Assertions;
import dev.modernbert.encoder.testing.Golden;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The command line, called in-process through {@link Main#run}. */
class MainTest {
  @TempDir Path tmp;

  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = Main.run(args, o, e);
    }
    return new Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  Path write(String name, List<String> lines) throws IOException {
    return Files.write(tmp.resolve(name), lines, StandardCharsets.UTF_8);
  }

  static List<JsonObject> readLines(Path file) throws IOException {
    List<JsonObject> rows = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      rows.add(JsonParser.parseString(line).getAsJsonObject());
    }
    return rows;
  }

  static String ids(int[] ids) {
    return Arrays.stream(ids)
        .mapToObj(Integer::toString)
        .collect(Collectors.joining(",", "[", "]"));
  }

  static float[] floats(JsonArray a) {
    float[] f = new float[a.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = a.get(i).getAsFloat();
    }
    return f;
  }

  /** No output and no temporary file left next to it. */
  void assertNoOutput(Path output) throws IOException {
    assertFalse(Files.exists(output), "output file must not exist after a failure");
    try (Stream<Path> files = Files.list(output.getParent())) {
      List<Path> tmps = files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
      assertTrue(tmps.isEmpty(), "temporary files left behind: " + tmps);
    }
  }

  @Test
  void encodeGoldenIdsWithPoolingNoneMatchesHfInInputOrder() throws IOException {
    try (Golden g = Golden.open(Golden.MAIN)) {
      List<int[]> seqs = g.sequences();
      int[] order = {3, 0, 5, 1, 4, 2};
      List<String> lines = new ArrayList<>();
      List<JsonElement> expectedIds = new ArrayList<>();
      for (int k = 0; k < order.length; k++) {
        int i = order[k];
        JsonElement id = k % 2 == 0 ? new JsonPrimitive("seq-" + i) : new JsonPrimitive(100 + i);
        expectedIds.add(id);
        lines.add("{\"id\": " + id + ", \"input_ids\": " + ids(seqs.get(i)) + "}");
      }
      Path in = write("in.jsonl", lines);
      Path out = tmp.resolve("out.jsonl");
      // Small chunks and batches: order must survive chunking and length-sorted batching.
      Result r =
          run(
              "encode",
              "--model",
              g.dir.toString(),
              "--input",
              in.toString(),
              "--output",
              out.toString(),
              "--pooling",
              "none",
              "--chunk-rows",
              "4",
              "--batch-tokens",
              "150");
      assertEquals(0, r.code(), r.err());
      assertTrue(r.err().contains("encode: 6 rows, 354 tokens, 0 truncated"), r.err());
      List<JsonObject> rows = readLines(out);
      assertEquals(order.length, rows.size());
      for (int k = 0; k < order.length; k++) {
        int i = order[k];
        JsonObject row = rows.get(k);
        assertEquals(expectedIds.get(k), row.get("id"), "id of output line " + k);
        assertFalse(row.has("truncated"));
        assertFalse(row.has("embedding"));
        JsonArray state = row.getAsJsonArray("last_hidden_state");
        assertEquals(seqs.get(i).length, state.size(), "tokens of seq" + i);
        List<float[]> tokenRows = new ArrayList<>();
        for (JsonElement t : state) {
          tokenRows.add(floats(t.getAsJsonArray()));
        }
        float[] flat = Assertions.flatten(tokenRows.toArray(new float[0][]));
        Assertions.assertClose(
            g.floats("single.seq" + i + ".last_hidden_state"), flat, 1e-4, "seq" + i + " hidden");
      }
    }
  }

  @Test
  void encodeDemoMeanNormalizedMatchesTheLibrary() throws IOException {
    List<String> texts =
        List.of(
            "The river runs through the old city.",
            "Spark jobs read data from cloud storage.",
            "",
            "Alice and Bob travel by train from Paris to Berlin, again and again.",
            "Snow.");
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      lines.add("{\"id\": " + (10 - i) + ", \"text\": \"" + texts.get(i) + "\"}");
      if (i == 1) {
        lines.add("   "); // blank lines are skipped
      }
    }
    Path in = write("in.jsonl", lines);
    Path out = tmp.resolve("sub").resolve("out.jsonl");
    Files.createDirectories(out.getParent());
    Result r =
        run(
            "encode",
            "--model",
            "demo",
            "--input",
            in.toString(),
            "--output",
            out.toString(),
            "--pooling",
            "mean",
            "--normalize",
            "--block-rows",
            "2");
    assertEquals(0, r.code(), r.err());
    List<JsonObject> rows = readLines(out);
    assertEquals(texts.size(), rows.size());

    List<float[]> expected;
    try (ModernBertEncoder enc = ModernBertEncoder.load("demo", EncoderOptions.defaults())) {
      List<int[]> seqs = texts.stream().map(t -> enc.tokenize(t).ids()).toList();
      expected = enc.embed(seqs, Pooling.MEAN, true);
    }
    for (int i = 0; i < rows.size(); i++) {
      JsonObject row = rows.get(i);
      assertEquals(10 - i, row.get("id").getAsInt(), "order");
      assertFalse(row.has("truncated"));
      float[] v = floats(row.getAsJsonArray("embedding"));
      assertEquals(64, v.length);
      double norm = 0;
      for (float x : v) {
        norm += (double) x * x;
      }
      assertEquals(1.0, Math.sqrt(norm), 1e-5, "unit norm of row " + i);
      Assertions.assertClose(expected.get(i), v, 1e-5, "row " + i + " vs ModernBertEncoder.embed");
    }
  }

  @Test
  void fillMaskOnGoldenPicksTheArgmaxOfHfLogits() throws IOException {
    try (Golden g = Golden.open(Golden.MAIN)) {
      List<int[]> seqs = g.sequences();
      List<int[]> logitPositions = g.logitPositions();
      int mask = g.specialId("mask");
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < seqs.size(); i++) {
        lines.add("{\"id\": " + i + ", \"input_ids\": " + ids(seqs.get(i)) + "}");
      }
      lines.add("{\"id\": \"no-mask\", \"input_ids\": [500, 17, 42, 501]}");
      Path in = write("in.jsonl", lines);
      Path out = tmp.resolve("out.jsonl");
      Result r =
          run(
              "fill-mask",
              "--model",
              g.dir.toString(),
              "--input",
              in.toString(),
              "--output",
              out.toString(),
              "--mask-id",
              String.valueOf(mask));
      assertEquals(0, r.code(), r.err());
      List<JsonObject> rows = readLines(out);
      assertEquals(seqs.size() + 1, rows.size());
      int vocab = 512;
      int checked = 0;
      for (int i = 0; i < seqs.size(); i++) {
        int[] seq = seqs.get(i);
        JsonObject row = rows.get(i);
        assertEquals(i, row.get("id").getAsInt());
        int[] maskAt = IntStream.range(0, seq.length).filter(p -> seq[p] == mask).toArray();
        JsonArray masks = row.getAsJsonArray("masks");
        assertEquals(maskAt.length, masks.size(), "masks of seq" + i);
        float[] golden = g.floats("single.seq" + i + ".logits");
        int[] positions = logitPositions.get(i);
        for (int m = 0; m < maskAt.length; m++) {
          JsonObject entry = masks.get(m).getAsJsonObject();
          int p = entry.get("position").getAsInt();
          assertEquals(maskAt[m], p);
          int j = Arrays.stream(positions).boxed().toList().indexOf(p);
          assertTrue(j >= 0, "mask position " + p + " is among logit_positions");
          int argmax = 0;
          for (int v = 1; v < vocab; v++) {
            if (golden[j * vocab + v] > golden[j * vocab + argmax]) {
              argmax = v;
            }
          }
          JsonArray top = entry.getAsJsonArray("top");
          assertEquals(5, top.size());
          assertEquals(argmax, top.get(0).getAsJsonObject().get("token_id").getAsInt());
          double sum = 0;
          double prev = Double.POSITIVE_INFINITY;
          for (JsonElement t : top) {
            JsonObject o = t.getAsJsonObject();
            assertFalse(o.has("token"), "no tokenizer, so no token strings");
            double s = o.get("score").getAsDouble();
            assertTrue(s > 0 && s <= prev, "scores descending: " + top);
            prev = s;
            sum += s;
          }
          assertTrue(sum <= 1 + 1e-6, "scores sum to " + sum);
          checked++;
        }
      }
      assertEquals(11, checked, "every golden mask was checked");
      assertEquals(0, rows.get(seqs.size()).getAsJsonArray("masks").size());
    }
  }

  @Test
  void fillMaskOnDemoTextUsesTheTokenizersMaskAndTokenStrings() throws IOException {
    Path in =
        write(
            "in.jsonl",
            List.of(
                "{\"id\": \"a\", \"text\": \"The [MASK] runs through the [MASK] city.\"}",
                "{\"id\": \"b\", \"text\": \"No mask here.\"}"));
    Path out = tmp.resolve("out.jsonl");
    Result r =
        run(
            "fill-mask",
            "--model",
            "demo",
            "--input",
            in.toString(),
            "--output",
            out.toString(),
            "--top-k",
            "3");
    assertEquals(0, r.code(), r.err());
    List<JsonObject> rows = readLines(out);
    JsonArray masks = rows.get(0).getAsJsonArray("masks");
    assertEquals(2, masks.size());
    assertEquals(2, masks.get(0).getAsJsonObject().get("position").getAsInt());
    JsonArray top = masks.get(0).getAsJsonObject().getAsJsonArray("top");
    assertEquals(3, top.size());
    assertNotNull(top.get(0).getAsJsonObject().get("token"));
    assertEquals(0, rows.get(1).getAsJsonArray("masks").size());
  }

  @Test
  void truncatedTextsAreMarked() throws IOException {
    String longText = "the river runs through the old city at night ".repeat(10);
    Path in =
        write(
            "in.jsonl",
            List.of(
                "{\"id\": 1, \"text\": \"" + longText + "\"}", "{\"id\": 2, \"text\": \"short\"}"));
    Path out = tmp.resolve("out.jsonl");
    Result r =
        run(
            "encode",
            "--model",
            "demo",
            "--input",
            in.toString(),
            "--output",
            out.toString(),
            "--max-length",
            "8");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("1 truncated"), r.err());
    List<JsonObject> rows = readLines(out);
    assertTrue(rows.get(0).get("truncated").getAsBoolean());
    assertEquals(64, rows.get(0).getAsJsonArray("embedding").size());
    assertFalse(rows.get(1).has("truncated"));
    assertEquals(64, rows.get(1).getAsJsonArray("embedding").size());
  }

  static Stream<Arguments> badInputs() {
    String ok = "{\"id\": 0, \"input_ids\": [500, 10, 501]}";
    String tooLong = ids(IntStream.range(0, 600).map(i -> 10).toArray());
    return Stream.of(
        Arguments.of("malformed JSON", List.of(ok, "{\"id\": 1, \"input_ids\": [500, 501]"), 2),
        Arguments.of("missing \"id\"", List.of(ok, ok, "{\"input_ids\": [500, 501]}"), 3),
        Arguments.of(
            "both \"text\" and \"input_ids\"",
            List.of(ok, "{\"id\": 1, \"text\": \"x\", \"input_ids\": [500, 501]}"),
            2),
        Arguments.of("neither \"text\" nor \"input_ids\"", List.of(ok, "{\"id\": 1}"), 2),
        Arguments.of(
            "not an integer", List.of(ok, "{\"id\": 1, \"input_ids\": [500, 1.5, 501]}"), 2),
        Arguments.of(
            "token id 99999 at position 1 is outside the vocabulary",
            List.of(ok, "{\"id\": 1, \"input_ids\": [500, 99999, 501]}"),
            2),
        Arguments.of(
            "longer than the model allows (512)",
            List.of(ok, ok, ok, "{\"id\": 1, \"input_ids\": " + tooLong + "}"),
            4),
        Arguments.of("no tokenizer.json", List.of(ok, "{\"id\": 1, \"text\": \"hello world\"}"), 2),
        Arguments.of("expected a JSON object", List.of(ok, "[1, 2, 3]"), 2));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badInputs")
  void badInputLinesAreReportedAndNothingIsWritten(String problem, List<String> lines, int lineNo)
      throws IOException {
    Path in = write("in.jsonl", lines);
    Path out = tmp.resolve("out.jsonl");
    Result r =
        run(
            "encode",
            "--model",
            Golden.resource("golden/" + Golden.MAIN).toString(),
            "--input",
            in.toString(),
            "--output",
            out.toString());
    assertEquals(Main.EXIT_USAGE, r.code(), r.err());
    assertTrue(r.err().contains("line " + lineNo + ": "), r.err());
    assertTrue(r.err().contains(problem), r.err());
    assertNoOutput(out);
  }

  @Test
  void everyBadLineIsListedBeforeAnythingRuns() throws IOException {
    Path in =
        write(
            "in.jsonl",
            List.of(
                "{\"id\": 1, \"text\": \"fine\"}",
                "not json",
                "{\"id\": 3, \"text\": \"fine\"}",
                "{\"text\": \"no id\"}"));
    Path out = tmp.resolve("out.jsonl");
    Result r =
        run("encode", "--model", "demo", "--input", in.toString(), "--output", out.toString());
    assertEquals(Main.EXIT_USAGE, r.code());
    assertTrue(r.err().contains("2 bad input lines"), r.err());
    assertTrue(r.err().contains("line 2: malformed JSON"), r.err());
    assertTrue(r.err().contains("line 4: missing \"id\""), r.err());
    assertNoOutput(out);
  }

  static Stream<Arguments> badUsages() {
    return Stream.of(
        Arguments.of("encode", List.of("--frobnicate", "1"), "unknown flag --frobnicate"),
        Arguments.of("encode", List.of("--pooling", "foo"), "--pooling: bad value \"foo\""),
        Arguments.of("encode", List.of("--batch-tokens", "lots"), "--batch-tokens"),
        Arguments.of("encode", List.of("--max-length", "5000"), "--max-length"),
        Arguments.of("encode", List.of("--device", "tpu"), "--device"),
        Arguments.of("encode", List.of("--dtype", "int8"), "--dtype"),
        Arguments.of("encode", List.of("--pooling", "none", "--normalize"), "--normalize"),
        Arguments.of("fill-mask", List.of("--top-k", "0"), "--top-k"),
        Arguments.of("fill-mask", List.of("--mask-id", "600"), "--mask-id"),
        Arguments.of("fill-mask", List.of("--pooling", "cls"), "unknown flag --pooling"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("badUsages")
  void badFlagsAreUsageErrorsNamingTheFlag(String command, List<String> extra, String message)
      throws IOException {
    Path in = write("in.jsonl", List.of("{\"id\": 1, \"input_ids\": [500, 503, 501]}"));
    Path out = tmp.resolve("out.jsonl");
    List<String> args = new ArrayList<>();
    args.addAll(
        List.of(
            command,
            "--model",
            Golden.resource("golden/" + Golden.MAIN).toString(),
            "--input",
            in.toString(),
            "--output",
            out.toString()));
    args.addAll(extra);
    Result r = run(args.toArray(String[]::new));
    assertEquals(Main.EXIT_USAGE, r.code(), r.err());
    assertTrue(r.err().contains(message), r.err());
    assertTrue(r.err().contains("--help"), r.err());
    assertNoOutput(out);
  }

  @Test
  void missingFlagsAndFilesAreNamed() throws IOException {
    Path out = tmp.resolve("out.jsonl");
    Result noOutput = run("encode", "--model", "demo", "--input", "x.jsonl");
    assertEquals(Main.EXIT_USAGE, noOutput.code());
    assertTrue(noOutput.err().contains("missing required flag --output"), noOutput.err());

    Result noInput =
        run(
            "encode",
            "--model",
            "demo",
            "--input",
            tmp.resolve("nope.jsonl").toString(),
            "--output",
            out.toString());
    assertEquals(Main.EXIT_USAGE, noInput.code());
    assertTrue(noInput.err().contains("--input: no such file"), noInput.err());

    Path in = write("in.jsonl", List.of("{\"id\": 1, \"input_ids\": [500, 503, 501]}"));
    Result noMaskId =
        run(
            "fill-mask",
            "--model",
            Golden.resource("golden/" + Golden.MAIN).toString(),
            "--input",
            in.toString(),
            "--output",
            out.toString());
    assertEquals(Main.EXIT_USAGE, noMaskId.code());
    assertTrue(noMaskId.err().contains("--mask-id is required"), noMaskId.err());
    assertNoOutput(out);

    Result unknown = run("frobnicate");
    assertEquals(Main.EXIT_USAGE, unknown.code());
    assertTrue(unknown.err().contains("unknown command \"frobnicate\""), unknown.err());
    assertEquals(Main.EXIT_USAGE, run().code());
  }

  @Test
  void helpPrintsUsage() {
    Result top = run("--help");
    assertEquals(0, top.code());
    assertTrue(top.out().contains("fill-mask"), top.out());
    Result encode = run("encode", "--help");
    assertEquals(0, encode.code());
    assertTrue(encode.out().contains("--pooling"), encode.out());
    Result fill = run("fill-mask", "--model", "x", "--help");
    assertEquals(0, fill.code());
    assertTrue(fill.out().contains("--top-k"), fill.out());
  }

  @Test
  void blockRowsIsDocumentedAndChunkRowsIsItsOlderName() throws IOException {
    String help = run("encode", "--help").out();
    assertTrue(help.contains("--block-rows N"), help);
    assertTrue(help.contains("--chunk-rows N       the older name of --block-rows"), help);
    Path in = write("in.jsonl", List.of("{\"id\": 1, \"text\": \"Snow.\"}"));
    Path out = tmp.resolve("both.jsonl");
    String[] flags = {"--model=demo", "--input=" + in, "--output=" + out};
    Result both = run("encode", flags[0], flags[1], flags[2], "--block-rows=2", "--chunk-rows=2");
    assertEquals(Main.EXIT_USAGE, both.code(), both.err());
    assertTrue(
        both.err().contains("--chunk-rows is an older name of --block-rows: give one"), both.err());
    assertFalse(Files.exists(out));
  }

  @Test
  void topKPicksTheLargestInOrder() {
    float[] v = {0.1f, 5f, -2f, 5f, 3f, Float.NaN, 4f};
    assertEquals(
        List.of(1, 3, 6),
        Arrays.stream(dev.modernbert.encoder.labels.Scores.topK(v, 3)).boxed().toList());
    assertEquals(
        7 - 1, dev.modernbert.encoder.labels.Scores.topK(v, 10).length); // NaN is never picked
  }
}
