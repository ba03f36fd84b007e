package dev.modernbert.encoder.cli;

import static dev.modernbert.encoder.cli.MainTest.readLines;
import static dev.modernbert.encoder.cli.MainTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.modernbert.encoder.cli.MainTest.Result;
import dev.modernbert.encoder.demo.RandomCheckpoint;
import dev.modernbert.encoder.testing.Golden;
import dev.modernbert.encoder.weights.HeadKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code modernbert tokenize} with the real ModernBERT tokenizer (and a tiny random model of its
 * vocabulary size): every line equals what Hugging Face's tokenizers library gives.
 */
class TokenizeCommandTest {
  static final Path TOKENIZER = Golden.resource("tokenizers/ModernBERT-base");

  @TempDir Path tmp;

  /** A tiny random ModernBERT with ModernBERT-base's vocabulary and its real tokenizer. */
  Path model() throws IOException {
    Path dir = tmp.resolve("model");
    JsonObject c = new JsonObject();
    c.addProperty("vocab_size", 50368);
    c.addProperty("hidden_size", 8);
    c.addProperty("intermediate_size", 8);
    c.addProperty("num_hidden_layers", 1);
    c.addProperty("num_attention_heads", 2);
    c.addProperty("max_position_embeddings", 64);
    RandomCheckpoint.write(dir, c, HeadKind.NONE, 17);
    for (String f : List.of("tokenizer.json", "tokenizer_config.json")) {
      Files.copy(TOKENIZER.resolve(f), dir.resolve(f));
    }
    return dir;
  }

  static List<JsonObject> lines(Path file) throws IOException {
    List<JsonObject> out = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      out.add(JsonParser.parseString(line).getAsJsonObject());
    }
    return out;
  }

  @Test
  void idsTokensAndOffsetsEqualTheReferenceForEveryText() throws IOException {
    Path out = tmp.resolve("out.jsonl");
    Result r =
        run(
            "tokenize",
            "--model",
            model().toString(),
            "--input",
            TOKENIZER.resolve("inputs.jsonl").toString(),
            "--output",
            out.toString());
    assertEquals(Main.EXIT_OK, r.code(), r.err());
    List<JsonObject> got = readLines(out);
    List<JsonObject> want = lines(TOKENIZER.resolve("expected.jsonl"));
    assertEquals(want.size(), got.size());
    for (int i = 0; i < want.size(); i++) {
      for (String field : List.of("id", "input_ids", "tokens", "offsets")) {
        assertEquals(want.get(i).get(field), got.get(i).get(field), "line " + i + " " + field);
      }
      assertFalse(got.get(i).has("truncated"));
    }
  }

  @Test
  void maxLengthTruncatesAsEncodeDoesAndInputIdsAreEchoed() throws IOException {
    Path in =
        Files.write(
            tmp.resolve("in.jsonl"),
            List.of(
                "{\"id\": 1, \"text\": \"Hello world! The capital of France is [MASK].\"}",
                "{\"id\": 2, \"input_ids\": [50281, 12092, 50282]}"),
            StandardCharsets.UTF_8);
    Path out = tmp.resolve("out.jsonl");
    Result r =
        run(
            "tokenize",
            "--model",
            model().toString(),
            "--input",
            in.toString(),
            "--output",
            out.toString(),
            "--max-length",
            "5");
    assertEquals(Main.EXIT_OK, r.code(), r.err());
    List<JsonObject> rows = readLines(out);
    JsonObject first = rows.get(0);
    assertTrue(first.get("truncated").getAsBoolean());
    assertEquals(JsonParser.parseString("[50281,12092,1533,2,50282]"), first.get("input_ids"));
    assertEquals(
        JsonParser.parseString("[\"[CLS]\",\"Hello\",\"Ġworld\",\"!\",\"[SEP]\"]"),
        first.get("tokens"));
    assertEquals(
        JsonParser.parseString("[[0,0],[0,5],[5,11],[11,12],[0,0]]"), first.get("offsets"));
    JsonObject second = rows.get(1);
    assertEquals(JsonParser.parseString("[\"[CLS]\",\"Hello\",\"[SEP]\"]"), second.get("tokens"));
    assertFalse(second.has("offsets"));
    assertTrue(r.err().contains("1 truncated"), r.err());
  }

  @Test
  void aPromptIsTokenizedAsEncodeDoesWithOffsetsIntoPromptAndText() throws IOException {
    String text = "The capital of France is Paris.";
    Path in =
        Files.write(
            tmp.resolve("p.jsonl"),
            List.of("{\"id\": 1, \"text\": \"" + text + "\"}"),
            StandardCharsets.UTF_8);
    Path joined =
        Files.write(
            tmp.resolve("j.jsonl"),
            List.of("{\"id\": 1, \"text\": \"search_query: " + text + "\"}"),
            StandardCharsets.UTF_8);
    Path withPrompt = tmp.resolve("with-prompt.jsonl");
    Path plain = tmp.resolve("plain.jsonl");
    String model = model().toString(); // written once for the three runs
    Result r =
        run(
            "tokenize",
            "--model",
            model,
            "--input",
            in.toString(),
            "--output",
            withPrompt.toString(),
            "--prompt",
            "search_query: ");
    assertEquals(Main.EXIT_OK, r.code(), r.err());
    r =
        run(
            "tokenize",
            "--model",
            model,
            "--input",
            joined.toString(),
            "--output",
            plain.toString());
    assertEquals(Main.EXIT_OK, r.code(), r.err());
    JsonObject a = readLines(withPrompt).get(0);
    JsonObject b = readLines(plain).get(0);
    for (String field : List.of("input_ids", "tokens", "offsets")) {
      assertEquals(b.get(field), a.get(field), field);
    }
    Result unknown =
        run(
            "tokenize",
            "--model",
            model,
            "--input",
            in.toString(),
            "--output",
            tmp.resolve("x.jsonl").toString(),
            "--prompt-name",
            "nope");
    assertEquals(Main.EXIT_USAGE, unknown.code(), unknown.err()); // as in encode
    assertTrue(unknown.err().contains("nope"), unknown.err());
  }

  @Test
  void helpAndUsageErrors() {
    Result help = run("tokenize", "--help");
    assertEquals(Main.EXIT_OK, help.code());
    assertTrue(help.out().contains("offsets"));
    assertTrue(run("--help").out().contains("tokenize"));
    Result missing = run("tokenize", "--model", "demo");
    assertEquals(Main.EXIT_USAGE, missing.code());
    assertTrue(missing.err().contains("--input"), missing.err());
  }
}
