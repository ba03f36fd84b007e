package dev.modernbert.encoder.tokenize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modernbert.encoder.testing.Golden;
import org.junit.jupiter.api.Test;

/**
 * A text with an unpaired UTF-16 surrogate is refused by the tokenizer (as Python's tokenizers
 * refuse it), for the command line and the Spark stages alike, instead of being dropped silently
 * with every later offset shifted.
 */
class LoneSurrogateTest {
  @Test
  void loneSurrogatesAreRefusedAndPairsKept() {
    try (TextTokenizer t = TextTokenizer.load(Golden.resource("tokenizers/ModernBERT-base"), 64)) {
      for (String bad : new String[] {"before \uD800 after", "\uDFFF", "end \uD83D"}) {
        IllegalArgumentException e =
            assertThrows(IllegalArgumentException.class, () -> t.encode(bad));
        assertTrue(e.getMessage().contains("lone surrogate"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> t.encodeContent(bad));
      }
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> t.encode("before \uD800 after"));
      assertTrue(e.getMessage().contains("\\ud800 at character 7"), e.getMessage());

      String pair = "before \uD83D\uDE00 after";
      TokenizedText ok = t.encode(pair);
      int last = ok.length() - 2; // before [SEP]
      assertEquals("after", pair.substring(ok.offset(last)[0], ok.offset(last)[1]).trim());
    }
    assertEquals(-1, TextTokenizer.loneSurrogate("a\uD83D\uDE00b"));
    assertEquals(1, TextTokenizer.loneSurrogate("a\uDE00\uD83D"));
  }
}
