package dev.modernbert.encoder.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modernbert.encoder.demo.DemoModel;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Truncate mode tokenizes a bounded prefix of a long text: the result must equal tokenizing the
 * whole text (ids, offsets, word ids, the truncated flag), wherever the first prefix would end:
 * inside a word, a whitespace run, a multi-byte character or an emoji (between its surrogates,
 * inside a joiner sequence).
 */
class PrefixTruncationTest {
  static final Path MODERNBERT = RealTokenizerTest.MODERNBERT;
  static final Path DEMO = DemoModel.ensure();

  /** Words, runs of spaces, tabs and newlines, accents, CJK, emoji with joiners and skin tones. */
  static final String TEXT =
      ("Spark cities   and rivers\tare   fast. Café naïve façade — résumé, Zürich; "
              + "日本語のテキスト と 中文 文本 한국어도 있습니다. I love 🍕 and 👩‍👩‍👧‍👦 families 🎉🎉 "
              + "(ok?) 👍🏽 x  \n\n  the   model   of   time   ")
          .repeat(3);

  static Stream<Arguments> tokenizersAndLengths() {
    return Stream.of(MODERNBERT, DEMO)
        .flatMap(dir -> Stream.of(3, 9, 31, 64, 400).map(n -> Arguments.of(dir, n)));
  }

  @ParameterizedTest(name = "{0} maxLength={1}")
  @MethodSource("tokenizersAndLengths")
  void everyFirstPrefixLengthGivesTheWholeTextsTokens(Path dir, int maxLength) {
    try (TextTokenizer t = TextTokenizer.load(dir, maxLength)) {
      assertTrue(PrefixCut.of(parse(dir)).bounded(), dir + ": its pipeline is one we can cut");
      TokenizedText whole = t.encodeWhole(TEXT);
      for (int first = 1; first <= TEXT.length(); first++) {
        assertSame(whole, t.encodeByPrefixes(TEXT, first), dir + " first prefix " + first);
      }
      assertSame(whole, t.encode(TEXT), dir + " default prefix");
    }
  }

  @Test
  void cutsFallOnlyBeforeASpaceThatFollowsALetterOrDigit() {
    PrefixCut cut = PrefixCut.of(parse(MODERNBERT));
    String text = "ab   c\t😀 é 9 😀😀 x";
    for (int from = 0; from < text.length(); from++) {
      int c = cut.cutAtOrAfter(text, from);
      if (c >= 0) {
        assertEquals(' ', text.charAt(c));
        assertTrue(Character.isLetterOrDigit(text.codePointBefore(c)), "cut " + c);
      }
    }
    assertEquals(2, cut.cutAtOrAfter(text, 0)); // "ab|   c"
    assertEquals(2, cut.cutAtOrAfter(text, 2));
    assertEquals(11, cut.cutAtOrAfter(text, 3)); // past the run, tab and emoji: "é| 9"
    assertEquals(-1, cut.cutAtOrAfter(text, 15)); // only emoji and "x" at the end
  }

  @Test
  void aFifteenMegabyteRecordIsTruncatedAsItsBeginningIs() {
    Random random = new Random(18);
    String[] words = {
      "the",
      "model",
      "encodes",
      "long",
      "records",
      "quickly,",
      "Zürich",
      "日本語",
      "🍕",
      "naïve",
      "tokens.",
      "and",
      "of",
      "spark",
      "42"
    };
    StringBuilder sb = new StringBuilder(15_500_000);
    while (sb.length() < 15_000_000) {
      sb.append(words[random.nextInt(words.length)]).append(random.nextInt(9) == 0 ? "  " : " ");
    }
    String text = sb.toString();
    try (TextTokenizer t = TextTokenizer.load(MODERNBERT, 8192)) {
      TokenizedText got = t.encode(text);
      // Expected: the whole-text tokenization of a 300,000-character beginning (ending before a
      // space), a different prefix than the one encode picks, itself longer than 8,192 tokens.
      int end = text.indexOf(' ', 300_000);
      while (!Character.isLetterOrDigit(text.codePointBefore(end))) {
        end = text.indexOf(' ', end + 1);
      }
      TokenizedText beginning = t.encodeWhole(text.substring(0, end));
      assertTrue(beginning.truncated());
      assertSame(beginning, got, "15 MB text");
      assertEquals(8192, got.length());
      assertEquals(50281, got.ids()[0]);
      assertEquals(50282, got.ids()[8191]);
      for (int i = 2; i < 8191; i++) {
        assertTrue(got.charStart()[i] >= got.charStart()[i - 1], "offsets in text order");
      }
      assertTrue(got.charEnd()[8190] < end, "only the beginning was read");
    }
  }

  static void assertSame(TokenizedText want, TokenizedText got, String what) {
    assertArrayEquals(want.ids(), got.ids(), what + " ids");
    assertArrayEquals(want.charStart(), got.charStart(), what + " starts");
    assertArrayEquals(want.charEnd(), got.charEnd(), what + " ends");
    assertArrayEquals(want.wordIds(), got.wordIds(), what + " word ids");
    assertEquals(want.truncated(), got.truncated(), what + " truncated");
  }

  static com.google.gson.JsonObject parse(Path dir) {
    try {
      return com.google.gson.JsonParser.parseString(
              java.nio.file.Files.readString(dir.resolve("tokenizer.json")))
          .getAsJsonObject();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
