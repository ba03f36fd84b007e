package dev.modernbert.encoder.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modernbert.encoder.demo.DemoModel;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TextTokenizerTest {
  private static final Path DEMO = DemoModel.ensure();

  @Test
  void addsClsAndSepAndKeepsCharacterSpans() {
    try (TextTokenizer t = TextTokenizer.load(DEMO, 64)) {
      TokenizedText text = t.encode("Spark city");
      assertEquals(2, text.ids()[0], "[CLS]");
      assertEquals(3, text.ids()[text.length() - 1], "[SEP]");
      assertEquals(-1, text.charStart()[0]);
      assertEquals(0, text.charStart()[1]);
      assertEquals(5, text.charEnd()[1]);
      assertEquals(6, text.charStart()[2]);
      assertFalse(text.truncated());
    }
  }

  @Test
  void emptyTextIsClsSep() {
    try (TextTokenizer t = TextTokenizer.load(DEMO, 64)) {
      assertArrayEquals(new int[] {2, 3}, t.encode("").ids());
    }
  }

  @Test
  void truncatesToMaxLengthAndSaysSo() {
    try (TextTokenizer t = TextTokenizer.load(DEMO, 8)) {
      TokenizedText text = t.encode("the river and the mountain and the city and the sea");
      assertEquals(8, text.length());
      assertEquals(3, text.ids()[7], "[SEP] survives truncation");
      assertTrue(text.truncated());
    }
  }

  @Test
  void maxLengthAbove512IsHonoured() {
    // DJL caps at 512 unless told the model's maximum: a long text must reach the 1,000 asked for.
    try (TextTokenizer t = TextTokenizer.load(DEMO, 1000)) {
      TokenizedText text = t.encode("city ".repeat(700));
      assertEquals(702, text.length());
      assertFalse(text.truncated());
    }
  }

  @Test
  void maskIdComesFromTokenizerConfig() {
    try (TextTokenizer t = TextTokenizer.load(DEMO, 64)) {
      assertEquals(4, t.maskId().getAsInt());
      assertEquals("city", t.token(t.encode("city").ids()[1]));
    }
  }
}
