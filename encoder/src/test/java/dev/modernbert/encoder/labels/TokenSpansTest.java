package dev.modernbert.encoder.labels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modernbert.encoder.EncoderOptions;
import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.demo.TinyHeadCheckpoint;
import dev.modernbert.encoder.tokenize.TokenizedText;
import dev.modernbert.encoder.weights.HeadKind;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Entities from text on tiny token-classification checkpoints with the demo WordPiece tokenizer:
 * accented letters are split into several pieces, CJK characters are words of their own, and the
 * emoji is two UTF-16 units but one code point.
 */
class TokenSpansTest {
  static final String TEXT = "Zoë went to Zürich, 東京 too 😀 ok";
  static final List<String> WORDS =
      List.of("Zoë", "went", "to", "Zürich", ",", "東", "京", "too", "😀", "ok");
  static final List<String> LABELS = List.of("O", "B-PER", "I-PER", "B-LOC");

  @TempDir Path tmp;

  private TokenClassification run(float[] forcedBias, long seed) {
    Path dir =
        TinyHeadCheckpoint.of(HeadKind.TOKEN_CLASSIFICATION, LABELS)
            .forcedBias(forcedBias)
            .seed(seed)
            .write(tmp.resolve("tok" + seed));
    try (ModernBertEncoder enc = ModernBertEncoder.load(dir, EncoderOptions.defaults())) {
      List<TokenClassification> out = enc.tokenClassifyTexts(List.of("snow", TEXT, ""));
      assertEquals(3, out.size());
      assertEquals(List.of(), out.get(2).entities(), "empty text: [CLS] [SEP] only");
      return out.get(1);
    }
  }

  @Test
  void beginEverywhereGivesOneEntityPerWordWithExactSubstrings() {
    TokenClassification c = run(new float[] {0f, 3f, 0f, 0f}, 1);
    assertTrue(c.labels().stream().allMatch("B-PER"::equals), c.labels().toString());
    List<Entity> e = c.entities();
    assertEquals(WORDS, e.stream().map(Entity::text).toList(), "one entity per word, not piece");
    float p = (float) (Math.exp(3) / (Math.exp(3) + 3));
    for (Entity x : e) {
      assertEquals(x.text(), TEXT.substring(x.start(), x.end()));
      assertEquals("PER", x.label());
      assertEquals(p, x.score(), 1e-5);
    }
    assertEquals(TEXT.indexOf("😀"), e.get(8).start());
    assertEquals(TEXT.indexOf("😀") + 2, e.get(8).end(), "a surrogate pair is two chars");
    assertEquals(TEXT.length(), e.get(9).end());
  }

  @Test
  void insideEverywhereMergesTheWholeText() {
    TokenClassification c = run(new float[] {0f, 0f, 2f, 0f}, 2);
    assertEquals(List.of(new Entity(0, TEXT.length(), "PER", c.scores()[1], TEXT)), c.entities());
  }

  @Test
  void outsideEverywhereGivesNoEntities() {
    TokenClassification c = run(new float[] {1f, 0f, 0f, 0f}, 3);
    assertEquals(List.of(), c.entities());
    assertTrue(c.labels().stream().allMatch("O"::equals));
  }

  @Test
  void randomWeightsGiveValidOrderedSpansThatFollowWords() {
    for (long seed = 10; seed < 13; seed++) {
      TokenClassification c = run(null, seed);
      java.util.Set<Integer> wordStarts = new java.util.HashSet<>();
      int from = 0;
      for (String w : WORDS) {
        from = TEXT.indexOf(w, from);
        wordStarts.add(from);
        from += w.length();
      }
      int prevEnd = 0;
      for (Entity x : c.entities()) {
        assertEquals(x.text(), TEXT.substring(x.start(), x.end()));
        assertTrue(x.start() >= prevEnd && x.end() > x.start(), c.entities().toString());
        assertTrue(wordStarts.contains(x.start()), "entities start at word starts: " + x);
        prevEnd = x.end();
      }
    }
  }

  @Test
  void tokenizerOffsetsAreUtf16AndWordIdsMarkPieces() {
    Path dir =
        TinyHeadCheckpoint.of(HeadKind.TOKEN_CLASSIFICATION, LABELS)
            .seed(4)
            .write(tmp.resolve("t"));
    try (ModernBertEncoder enc = ModernBertEncoder.load(dir, EncoderOptions.defaults())) {
      TokenizedText t = enc.tokenize(TEXT);
      assertEquals(-1, t.wordIds()[0]);
      assertEquals(-1, t.wordIds()[t.length() - 1]);
      assertEquals(List.of(0, 0, 0), List.of(t.wordIds()[1], t.wordIds()[2], t.wordIds()[3]));
      assertEquals("ë", TEXT.substring(t.charStart()[3], t.charEnd()[3]));
      int last = t.length() - 2; // "ok" is o ##k
      assertEquals("k", TEXT.substring(t.charStart()[last], t.charEnd()[last]));
      assertEquals(t.wordIds()[last], t.wordIds()[last - 1]);
      assertEquals("😀", TEXT.substring(t.charStart()[last - 2], t.charEnd()[last - 2]));
      assertEquals(TEXT.length() - 5, t.charStart()[last - 2], "UTF-16 index, not code point");
    }
  }
}
