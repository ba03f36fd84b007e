package dev.modernbert.encoder.cli;

import static dev.modernbert.encoder.cli.MainTest.floats;
import static dev.modernbert.encoder.cli.MainTest.ids;
import static dev.modernbert.encoder.cli.MainTest.readLines;
import static dev.modernbert.encoder.cli.MainTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.modernbert.encoder.EncoderOptions;
import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.cli.MainTest.Result;
import dev.modernbert.encoder.demo.TinyHeadCheckpoint;
import dev.modernbert.encoder.labels.Entity;
import dev.modernbert.encoder.labels.SequenceClassification;
import dev.modernbert.encoder.labels.TokenClassification;
import dev.modernbert.encoder.testing.Assertions;
import dev.modernbert.encoder.testing.Golden;
import dev.modernbert.encoder.weights.HeadKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code modernbert classify} and {@code token-classify}, called in-process. */
class HeadCommandsTest {
  @TempDir Path tmp;

  static final int[] ORDER = {3, 0, 5, 1, 4, 2};

  Path write(String name, List<String> lines) throws IOException {
    return Files.write(tmp.resolve(name), lines, StandardCharsets.UTF_8);
  }

  Path goldenIdsInput(Golden g) throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i : ORDER) {
      lines.add("{\"id\": \"seq-" + i + "\", \"input_ids\": " + ids(g.sequences().get(i)) + "}");
    }
    return write("in.jsonl", lines);
  }

  Result cli(String command, Path model, Path in, Path out, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                command,
                "--model",
                model.toString(),
                "--input",
                in.toString(),
                "--output",
                out.toString()));
    args.addAll(List.of(extra));
    return run(args.toArray(String[]::new));
  }

  void assertNoOutput(Path output) throws IOException {
    assertFalse(Files.exists(output), "output file must not exist after a failure");
    try (Stream<Path> files = Files.list(output.getParent())) {
      assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")));
    }
  }

  @Test
  void classifyGoldenIdsEqualsTheFacadeInInputOrder() throws IOException {
    try (Golden g = Golden.open(Golden.SEQCLS)) {
      Path out = tmp.resolve("out.jsonl");
      Result r =
          cli(
              "classify",
              g.dir,
              goldenIdsInput(g),
              out,
              "--top-k",
              "2",
              "--chunk-rows",
              "4",
              "--batch-tokens",
              "150");
      assertEquals(0, r.code(), r.err());
      assertTrue(r.err().contains("classify: 6 rows, 354 tokens, 0 truncated"), r.err());
      List<SequenceClassification> expected;
      try (ModernBertEncoder enc = ModernBertEncoder.load(g.dir, EncoderOptions.defaults())) {
        expected = enc.classify(g.sequences());
      }
      List<JsonObject> rows = readLines(out);
      assertEquals(6, rows.size());
      for (int k = 0; k < ORDER.length; k++) {
        int i = ORDER[k];
        JsonObject row = rows.get(k);
        SequenceClassification e = expected.get(i);
        assertEquals("seq-" + i, row.get("id").getAsString());
        assertEquals(e.label(), row.get("label").getAsString());
        assertEquals(e.score(), row.get("score").getAsFloat(), 1e-6);
        Assertions.assertClose(
            e.scores(), floats(row.getAsJsonArray("probabilities")), 1e-6, "probs " + i);
        float[] logits = floats(row.getAsJsonArray("logits"));
        Assertions.assertClose(e.logits(), logits, 1e-5, "logits " + i);
        Assertions.assertClose(g.floats("single.seq" + i + ".logits"), logits, 1e-4, "hf " + i);
        assertFalse(row.has("scores"));
        JsonArray top = row.getAsJsonArray("top");
        assertEquals(2, top.size());
        assertEquals(e.label(), top.get(0).getAsJsonObject().get("label").getAsString());
        assertTrue(
            top.get(0).getAsJsonObject().get("score").getAsFloat()
                >= top.get(1).getAsJsonObject().get("score").getAsFloat());
      }
    }
  }

  @Test
  void tokenClassifyGoldenIdsEqualsTheFacade() throws IOException {
    try (Golden g = Golden.open(Golden.TOKCLS)) {
      Path out = tmp.resolve("out.jsonl");
      Result r = cli("token-classify", g.dir, goldenIdsInput(g), out, "--batch-tokens", "200");
      assertEquals(0, r.code(), r.err());
      List<TokenClassification> expected;
      try (ModernBertEncoder enc = ModernBertEncoder.load(g.dir, EncoderOptions.defaults())) {
        expected = enc.tokenClassify(g.sequences());
      }
      List<JsonObject> rows = readLines(out);
      for (int k = 0; k < ORDER.length; k++) {
        int i = ORDER[k];
        JsonObject row = rows.get(k);
        assertEquals("seq-" + i, row.get("id").getAsString());
        JsonArray logits = row.getAsJsonArray("logits");
        assertEquals(g.sequences().get(i).length, logits.size());
        List<float[]> tokens = new ArrayList<>();
        logits.forEach(t -> tokens.add(floats(t.getAsJsonArray())));
        float[] flat = Assertions.flatten(tokens.toArray(new float[0][]));
        Assertions.assertClose(
            Assertions.flatten(expected.get(i).logits()), flat, 1e-5, "logits " + i);
        Assertions.assertClose(g.floats("single.seq" + i + ".logits"), flat, 1e-4, "hf " + i);
        List<String> labels = new ArrayList<>();
        row.getAsJsonArray("labels").forEach(l -> labels.add(l.getAsString()));
        assertEquals(expected.get(i).labels(), labels);
        assertFalse(row.has("entities"), "input_ids rows have no entities");
      }
    }
  }

  @Test
  void tokenClassifyTextGivesEntitiesWithExactOffsets() throws IOException {
    Path model =
        TinyHeadCheckpoint.of(
                HeadKind.TOKEN_CLASSIFICATION, List.of("O", "B-PER", "I-PER", "B-LOC"))
            .forcedBias(0f, 3f, 0f, 0f)
            .seed(5)
            .write(tmp.resolve("tok"));
    String text = "Zoë went to Zürich, 東京 too";
    Path in =
        write(
            "in.jsonl",
            List.of(
                "{\"id\": 1, \"text\": \"" + text + "\"}",
                "{\"id\": 2, \"input_ids\": [2, 40, 41, 3]}"));
    Path out = tmp.resolve("out.jsonl");
    Result r = cli("token-classify", model, in, out);
    assertEquals(0, r.code(), r.err());
    List<JsonObject> rows = readLines(out);
    List<TokenClassification> expected;
    try (ModernBertEncoder enc = ModernBertEncoder.load(model, EncoderOptions.defaults())) {
      expected = enc.tokenClassifyTexts(List.of(text));
    }
    JsonArray entities = rows.get(0).getAsJsonArray("entities");
    List<String> texts = new ArrayList<>();
    for (JsonElement el : entities) {
      JsonObject e = el.getAsJsonObject();
      String s = e.get("text").getAsString();
      assertEquals(s, text.substring(e.get("start").getAsInt(), e.get("end").getAsInt()));
      assertEquals("PER", e.get("label").getAsString());
      texts.add(s);
    }
    assertEquals(List.of("Zoë", "went", "to", "Zürich", ",", "東", "京", "too"), texts);
    assertEquals(expected.get(0).entities().stream().map(Entity::text).toList(), texts);
    assertEquals(
        expected.get(0).entities().get(0).score(),
        entities.get(0).getAsJsonObject().get("score").getAsFloat(),
        1e-6);
    assertEquals(
        rows.get(0).getAsJsonArray("logits").size(), rows.get(0).getAsJsonArray("labels").size());
    assertFalse(rows.get(1).has("entities"));
    assertEquals(4, rows.get(1).getAsJsonArray("labels").size());
  }

  @Test
  void classifyMultiLabelAndRegressionFields() throws IOException {
    Path multi =
        TinyHeadCheckpoint.of(HeadKind.SEQUENCE_CLASSIFICATION, List.of("a", "b", "c"))
            .problemType("multi_label_classification")
            .forcedBias(2f, -1f, 1f)
            .seed(6)
            .write(tmp.resolve("multi"));
    Path in = write("in.jsonl", List.of("{\"id\": \"x\", \"text\": \"snow and rain\"}"));
    Path out = tmp.resolve("multi.jsonl");
    Result r = cli("classify", multi, in, out, "--top-k", "5");
    assertEquals(0, r.code(), r.err());
    JsonObject row = readLines(out).get(0);
    assertFalse(row.has("probabilities"));
    assertEquals(3, row.getAsJsonArray("scores").size());
    assertEquals("a", row.get("label").getAsString());
    assertEquals(
        List.of("a", "c"),
        row.getAsJsonArray("labels").asList().stream().map(JsonElement::getAsString).toList());
    assertEquals(3, row.getAsJsonArray("top").size(), "K is capped at the number of labels");

    Path reg =
        TinyHeadCheckpoint.of(HeadKind.SEQUENCE_CLASSIFICATION, List.of("stars"))
            .seed(7)
            .write(tmp.resolve("reg"));
    Path regOut = tmp.resolve("reg.jsonl");
    r = cli("classify", reg, in, regOut);
    assertEquals(0, r.code(), r.err());
    row = readLines(regOut).get(0);
    assertEquals("stars", row.get("label").getAsString());
    assertEquals(row.getAsJsonArray("logits").get(0).getAsFloat(), row.get("score").getAsFloat());
    assertFalse(row.has("probabilities") || row.has("scores") || row.has("top"));
  }

  @Test
  void badInputLineIsNamedAndNothingIsWritten() throws IOException {
    try (Golden g = Golden.open(Golden.SEQCLS);
        Golden tok = Golden.open(Golden.TOKCLS)) {
      Path in =
          write(
              "in.jsonl",
              List.of(
                  "{\"id\": 1, \"input_ids\": [500, 5, 501]}",
                  "",
                  "{\"id\": 2, \"input_ids\": [500, 9999, 501]}",
                  "{\"id\": 3, \"text\": \"no tokenizer here\"}"));
      for (String command : List.of("classify", "token-classify")) {
        Path model = command.equals("classify") ? g.dir : tok.dir;
        Path out = tmp.resolve(command + ".jsonl");
        Result r = cli(command, model, in, out);
        assertEquals(Main.EXIT_USAGE, r.code(), r.err());
        assertTrue(r.err().contains("2 bad input lines"), r.err());
        assertTrue(r.err().contains("line 3: token id 9999"), r.err());
        assertTrue(r.err().contains("line 4: \"text\" needs the model's tokenizer"), r.err());
        assertNoOutput(out);
      }
    }
  }

  @Test
  void wrongHeadIsAUsageErrorNamingTheHeadItHas() throws IOException {
    try (Golden mlm = Golden.open(Golden.MAIN);
        Golden seq = Golden.open(Golden.SEQCLS)) {
      Path in = write("in.jsonl", List.of("{\"id\": 1, \"input_ids\": [500, 5, 501]}"));
      Path out = tmp.resolve("out.jsonl");
      Result r = cli("classify", mlm.dir, in, out);
      assertEquals(Main.EXIT_USAGE, r.code(), r.err());
      assertTrue(r.err().contains("needs a ModernBertForSequenceClassification"), r.err());
      assertTrue(r.err().contains("masked-language-model head"), r.err());
      assertNoOutput(out);
      r = cli("token-classify", seq.dir, in, out);
      assertEquals(Main.EXIT_USAGE, r.code(), r.err());
      assertTrue(r.err().contains("sequence-classification head"), r.err());
      assertNoOutput(out);
      r = cli("classify", seq.dir, in, out, "--top-k", "0");
      assertEquals(Main.EXIT_USAGE, r.code(), r.err());
      assertTrue(r.err().contains("--top-k"), r.err());
      assertNoOutput(out);
    }
  }

  @Test
  void helpListsTheNewCommands() {
    assertTrue(run("--help").out().contains("token-classify"));
    assertTrue(run("classify", "--help").out().contains("--top-k"));
    assertTrue(run("token-classify", "--help").out().contains("entities"));
  }
}
