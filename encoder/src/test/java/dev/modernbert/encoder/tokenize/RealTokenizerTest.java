package dev.modernbert.encoder.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.modernbert.encoder.testing.Golden;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The real ModernBERT {@code tokenizer.json} against what Hugging Face's Rust tokenizers library
 * gives for the same texts ({@code expected.jsonl}; offsets converted to UTF-16 units there).
 */
class RealTokenizerTest {
  static final Path MODERNBERT = Golden.resource("tokenizers/ModernBERT-base");

  static List<JsonObject> lines(String file) throws Exception {
    List<JsonObject> out = new ArrayList<>();
    for (String line : Files.readAllLines(MODERNBERT.resolve(file), StandardCharsets.UTF_8)) {
      if (!line.isBlank()) {
        out.add(JsonParser.parseString(line).getAsJsonObject());
      }
    }
    return out;
  }

  @Test
  void idsTokensAndUtf16OffsetsEqualTheReferenceLibrary() throws Exception {
    List<JsonObject> inputs = lines("inputs.jsonl");
    List<JsonObject> expected = lines("expected.jsonl");
    assertEquals(inputs.size(), expected.size());
    boolean sawAstral = false;
    try (TextTokenizer t = TextTokenizer.load(MODERNBERT, 8192)) {
      for (int r = 0; r < inputs.size(); r++) {
        String text = inputs.get(r).get("text").getAsString();
        sawAstral |= text.codePointCount(0, text.length()) != text.length();
        JsonObject want = expected.get(r);
        String id = want.get("id").getAsString();
        TokenizedText got = t.encode(text);
        JsonArray ids = want.getAsJsonArray("input_ids");
        JsonArray tokens = want.getAsJsonArray("tokens");
        JsonArray offsets = want.getAsJsonArray("offsets");
        assertEquals(ids.size(), got.length(), id + " length");
        List<String> strings = t.tokenStrings(got, text);
        for (int i = 0; i < got.length(); i++) {
          assertEquals(ids.get(i).getAsInt(), got.ids()[i], id + " id " + i);
          assertEquals(tokens.get(i).getAsString(), strings.get(i), id + " token " + i);
          int[] span = {
            offsets.get(i).getAsJsonArray().get(0).getAsInt(),
            offsets.get(i).getAsJsonArray().get(1).getAsInt()
          };
          assertArrayEquals(span, got.offset(i), id + " offset " + i);
        }
      }
    }
    assertTrue(sawAstral, "the fixture has characters outside the BMP");
  }

  @Test
  void postProcessorIsReadFromTheFile() {
    try (TextTokenizer t = TextTokenizer.load(MODERNBERT, 16)) {
      assertEquals(2, t.specialTokenCount().getAsInt());
      TokenizedText text = t.encode("");
      assertArrayEquals(new int[] {50281, 50282}, text.ids());
    }
  }
}
