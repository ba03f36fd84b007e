package dev.modernbert.encoder.labels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Entity grouping on hand-made token labels, word ids and offsets. */
class EntityGrouperTest {
  // "Ann Lee met Bob in New York" with [CLS]/[SEP]; "Lee" and "York" split into two pieces.
  static final String TEXT = "Ann Lee met Bob in New York";
  static final int[] WORDS = {-1, 0, 1, 1, 2, 3, 4, 5, 6, 6, -1};
  static final int[] START = {-1, 0, 4, 5, 8, 12, 16, 19, 23, 25, -1};
  static final int[] END = {-1, 3, 5, 7, 11, 15, 18, 22, 25, 27, -1};
  static final float[] SCORES = {0.9f, 0.8f, 0.6f, 0.4f, 0.9f, 0.7f, 0.9f, 0.5f, 0.3f, 0.1f, 0.9f};

  static List<Entity> group(String... labels) {
    return EntityGrouper.group(List.of(labels), SCORES, WORDS, START, END, TEXT);
  }

  @Test
  void beginAndInsideMergeAndSubwordsFollowTheirWord() {
    List<Entity> e =
        group("O", "B-PER", "I-PER", "O", "O", "B-PER", "O", "B-LOC", "I-LOC", "B-PER", "O");
    assertEquals(3, e.size(), e.toString());
    // "Lee"'s second piece says O, but it follows the word's first piece.
    assertEquals(new Entity(0, 7, "PER", (0.8f + 0.6f + 0.4f) / 3, "Ann Lee"), e.get(0));
    assertEquals(new Entity(12, 15, "PER", 0.7f, "Bob"), e.get(1));
    // "York"'s second piece says B-PER: still part of the word, so of the LOC entity.
    assertEquals(new Entity(19, 27, "LOC", (0.5f + 0.3f + 0.1f) / 3, "New York"), e.get(2));
  }

  @Test
  void insideAfterADifferentEntityOrOStartsANewOne() {
    List<Entity> e =
        group(
            "O", "B-PER", "I-LOC", "I-LOC", "I-LOC", "O", "I-PER", "I-LOC", "I-LOC", "I-LOC", "O");
    assertEquals(
        List.of("PER:Ann", "LOC:Lee met", "PER:in", "LOC:New York"),
        e.stream().map(x -> x.label() + ":" + x.text()).toList());
  }

  @Test
  void beginAfterBeginOfTheSameTypeSplitsAndPlainLabelsMerge() {
    List<Entity> e =
        group("O", "B-PER", "B-PER", "I-PER", "O", "PER", "ORG", "ORG", "ORG", "ORG", "O");
    assertEquals(
        List.of("PER:Ann", "PER:Lee", "PER:Bob", "ORG:in New York"),
        e.stream().map(x -> x.label() + ":" + x.text()).toList());
  }

  @Test
  void specialTokensAndOEndEntitiesAndAllOGivesNone() {
    assertEquals(List.of(), group("B-PER", "O", "O", "O", "O", "O", "O", "O", "O", "O", "I-PER"));
    List<Entity> e = group("I-PER", "I-PER", "O", "O", "O", "O", "O", "O", "O", "O", "I-PER");
    assertEquals(List.of("Ann"), e.stream().map(Entity::text).toList(), "[CLS] is no token of it");
  }
}
