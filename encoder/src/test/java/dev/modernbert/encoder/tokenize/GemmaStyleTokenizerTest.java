package dev.modernbert.encoder.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tokenizer.json built like mmBERT's (Gemma-2 byte-fallback BPE, spaces replaced by {@code ▁}, no
 * pre-tokenizer, ids pad 0 / eos 1 / bos 2 / unk 3 / mask 4) with its post-processor {@code <bos>
 * $A <eos>}: ids, special tokens, truncation and length checks follow the file, not BERT.
 */
class GemmaStyleTokenizerTest {
  static final List<String> SPECIAL = List.of("<pad>", "<eos>", "<bos>", "<unk>", "<mask>");
  static final List<String> MERGES = List.of("▁ t", "h e", "▁t he", "a t", "▁ c", "▁c at");

  @TempDir Path tmp;

  /** Writes the tokenizer; {@code template} is the post-processor's single-sequence template. */
  Path tokenizer(List<String> template) throws IOException {
    JsonObject vocab = new JsonObject();
    SPECIAL.forEach(t -> vocab.addProperty(t, vocab.size()));
    for (int b = 0; b < 256; b++) {
      vocab.addProperty(String.format("<0x%02X>", b), vocab.size());
    }
    for (char c : "▁abcdefghijklmnopqrstuvwxyz".toCharArray()) {
      vocab.addProperty(String.valueOf(c), vocab.size());
    }
    MERGES.forEach(m -> vocab.addProperty(m.replace(" ", ""), vocab.size()));
    JsonObject model = new JsonObject();
    model.addProperty("type", "BPE");
    model.add("dropout", null);
    model.add("continuing_subword_prefix", null);
    model.add("end_of_word_suffix", null);
    model.addProperty("unk_token", "<unk>");
    model.addProperty("fuse_unk", true);
    model.addProperty("byte_fallback", true);
    model.add("vocab", vocab);
    JsonArray merges = new JsonArray();
    MERGES.forEach(merges::add);
    model.add("merges", merges);
    JsonObject root = new JsonObject();
    root.addProperty("version", "1.0");
    JsonArray added = new JsonArray();
    for (String t : SPECIAL) {
      JsonObject a = new JsonObject();
      a.addProperty("id", SPECIAL.indexOf(t));
      a.addProperty("content", t);
      a.addProperty("single_word", false);
      a.addProperty("lstrip", false);
      a.addProperty("rstrip", false);
      a.addProperty("normalized", false);
      a.addProperty("special", true);
      added.add(a);
    }
    root.add("added_tokens", added);
    root.add(
        "normalizer",
        JsonParser.parseString(
            "{\"type\":\"Replace\",\"pattern\":{\"String\":\" \"},\"content\":\"▁\"}"));
    root.add("pre_tokenizer", null);
    JsonObject post = new JsonObject();
    post.addProperty("type", "TemplateProcessing");
    JsonArray single = new JsonArray();
    JsonObject specials = new JsonObject();
    for (String piece : template) {
      JsonObject p = new JsonObject();
      JsonObject inner = new JsonObject();
      inner.addProperty("id", piece.equals("$A") ? "A" : piece);
      inner.addProperty("type_id", 0);
      p.add(piece.equals("$A") ? "Sequence" : "SpecialToken", inner);
      single.add(p);
      if (!piece.equals("$A")) {
        JsonObject s = new JsonObject();
        s.addProperty("id", piece);
        JsonArray ids = new JsonArray();
        ids.add(SPECIAL.indexOf(piece));
        s.add("ids", ids);
        JsonArray tokens = new JsonArray();
        tokens.add(piece);
        s.add("tokens", tokens);
        specials.add(piece, s);
      }
    }
    post.add("single", single);
    post.add("pair", single);
    post.add("special_tokens", specials);
    root.add("post_processor", post);
    root.add("decoder", null);
    root.add("model", model);
    Path dir = Files.createTempDirectory(tmp, "gemma");
    Files.writeString(
        dir.resolve("tokenizer.json"),
        new GsonBuilder().serializeNulls().create().toJson(root),
        StandardCharsets.UTF_8);
    Files.writeString(
        dir.resolve("tokenizer_config.json"),
        "{\"mask_token\": \"<mask>\"}",
        StandardCharsets.UTF_8);
    return dir;
  }

  @Test
  void bosTextEosWithByteFallbackAndUtf16Offsets() throws IOException {
    try (TextTokenizer t = TextTokenizer.load(tokenizer(List.of("<bos>", "$A", "<eos>")), 64)) {
      assertEquals(2, t.specialTokenCount().getAsInt());
      assertEquals(4, t.maskId().getAsInt());
      String text = "the cat é🍕";
      TokenizedText got = t.encode(text);
      assertEquals(2, got.ids()[0], "<bos> first");
      assertEquals(1, got.ids()[got.length() - 1], "<eos> last");
      List<String> tokens = t.tokenStrings(got, text);
      assertEquals(
          List.of(
              "<bos>", "t", "he", "▁cat", "▁", "<0xC3>", "<0xA9>", "<0xF0>", "<0x9F>", "<0x8D>",
              "<0x95>", "<eos>"),
          tokens);
      assertArrayEquals(new int[] {0, 0}, got.offset(0));
      assertArrayEquals(new int[] {3, 7}, got.offset(3)); // " cat": its ▁ is the space at 3
      assertArrayEquals(new int[] {8, 9}, got.offset(5)); // both bytes of é span é
      assertArrayEquals(new int[] {9, 11}, got.offset(7)); // 🍕: two UTF-16 units
      assertArrayEquals(new int[] {0, 0}, got.offset(got.length() - 1));
    }
  }

  @Test
  void truncationKeepsEosAndLengthChecksCountTheFilesSpecials() throws IOException {
    Path dir = tokenizer(List.of("<bos>", "$A", "<eos>"));
    try (TextTokenizer t = TextTokenizer.load(dir, 4)) {
      TokenizedText got = t.encode("the cat the cat");
      assertEquals(4, got.length());
      assertEquals(1, got.ids()[3]);
      assertTrue(got.truncated());
    }
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TextTokenizer.load(dir, 1));
    assertTrue(e.getMessage().contains("at least 2"), e.getMessage());
    // Gemma-2's own template adds only <bos>: one token is a valid maximum.
    try (TextTokenizer t = TextTokenizer.load(tokenizer(List.of("<bos>", "$A")), 1)) {
      assertEquals(1, t.specialTokenCount().getAsInt());
      assertArrayEquals(new int[] {2}, t.encode("the cat").ids());
    }
  }

  @Test
  void noPreTokenizerMeansNoPrefixCutAndTheWholeTextIsTokenized() throws IOException {
    Path dir = tokenizer(List.of("<bos>", "$A", "<eos>"));
    assertFalse(PrefixCut.of(PrefixTruncationTest.parse(dir)).bounded());
    String text = "the cat sat at the hat ".repeat(50);
    try (TextTokenizer t = TextTokenizer.load(dir, 8)) {
      PrefixTruncationTest.assertSame(t.encodeWhole(text), t.encodeByPrefixes(text, 3), "gemma");
    }
  }
}
