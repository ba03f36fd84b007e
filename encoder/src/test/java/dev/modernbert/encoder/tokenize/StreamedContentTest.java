package dev.modernbert.encoder.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Long texts (chunk and late modes) are tokenized piece by piece: the pieces' tokens, offsets and
 * word ids must equal the whole text's, wherever the pieces would end (every piece length from 1
 * character on, so cuts land after every possible word).
 */
class StreamedContentTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"modernbert", "demo"})
  void piecesTokenizeAsTheWholeText(String which) {
    Path dir =
        which.equals("modernbert") ? PrefixTruncationTest.MODERNBERT : PrefixTruncationTest.DEMO;
    try (TextTokenizer t = TextTokenizer.load(dir, 64)) {
      String text = PrefixTruncationTest.TEXT;
      TokenizedText whole = t.encodeContent(text, Integer.MAX_VALUE);
      assertTrue(whole.length() > 200);
      for (int segment = 1; segment <= 120; segment++) {
        TokenizedText pieces = t.encodeContent(text, segment);
        String where = which + " pieces of " + segment;
        assertArrayEquals(whole.ids(), pieces.ids(), where);
        assertArrayEquals(whole.charStart(), pieces.charStart(), where);
        assertArrayEquals(whole.charEnd(), pieces.charEnd(), where);
        assertArrayEquals(whole.wordIds(), pieces.wordIds(), where);
        assertFalse(pieces.truncated());
      }
    }
  }

  @Test
  void endNormalizersKeepTheWholeText() {
    JsonObject json =
        JsonParser.parseString(
                "{\"normalizer\": {\"type\": \"Sequence\", \"normalizers\": [{\"type\": \"NFC\"},"
                    + " {\"type\": \"Strip\", \"strip_left\": true, \"strip_right\": true}]},"
                    + " \"pre_tokenizer\": {\"type\": \"WhitespaceSplit\"}}")
            .getAsJsonObject();
    PrefixCut cut = PrefixCut.of(json);
    assertTrue(cut.bounded(), "a prefix is still safe: only its end could be stripped");
    assertFalse(cut.segmentable(), "a piece from the middle would lose its leading space");
  }
}
