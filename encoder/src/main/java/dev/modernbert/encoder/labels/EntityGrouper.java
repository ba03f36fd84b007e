package dev.modernbert.encoder.labels;

import dev.modernbert.encoder.tokenize.TokenizedText;
import java.util.ArrayList;
import java.util.List;

/**
 * Groups per-token labels into entities, word by word:
 *
 * <ul>
 *   <li>A word (consecutive tokens with the same word id) takes the label of its first token; its
 *       other sub-word pieces follow it whatever their own labels.
 *   <li>{@code O} is no entity and ends the current one. {@code B-X} starts a new entity X. {@code
 *       I-X} continues the current entity when it is an X, and starts a new X otherwise (after
 *       {@code O} or a different entity). A label without a prefix counts as {@code I-}.
 *   <li>Special tokens (word id or character offset -1) belong to no word and end the current
 *       entity.
 * </ul>
 *
 * An entity spans from its first token's start to its last token's end in the original text, and
 * its score is the mean of its tokens' top probabilities.
 */
public final class EntityGrouper {
  private EntityGrouper() {}

  public static List<Entity> group(
      List<String> labels, float[] scores, TokenizedText tokens, String text) {
    return group(labels, scores, tokens.wordIds(), tokens.charStart(), tokens.charEnd(), text);
  }

  public static List<Entity> group(
      List<String> labels,
      float[] scores,
      int[] wordIds,
      int[] charStart,
      int[] charEnd,
      String text) {
    int n = labels.size();
    if (scores.length != n || wordIds.length != n || charStart.length != n || charEnd.length != n) {
      throw new IllegalArgumentException("labels, scores, word ids and offsets differ in length");
    }
    List<Entity> out = new ArrayList<>();
    Open open = null;
    int i = 0;
    while (i < n) {
      if (wordIds[i] < 0 || charStart[i] < 0) {
        open = close(open, out, text);
        i++;
        continue;
      }
      int j = i + 1;
      while (j < n && wordIds[j] == wordIds[i] && charStart[j] >= 0) {
        j++;
      }
      String tag = labels.get(i);
      if (tag == null || tag.isEmpty() || tag.equals("O")) {
        open = close(open, out, text);
      } else {
        boolean begin = tag.startsWith("B-");
        String type = begin || tag.startsWith("I-") ? tag.substring(2) : tag;
        if (begin || open == null || !open.type.equals(type)) {
          close(open, out, text);
          open = new Open(type, charStart[i]);
        }
        for (int t = i; t < j; t++) {
          open.add(charEnd[t], scores[t]);
        }
      }
      i = j;
    }
    close(open, out, text);
    return out;
  }

  private static Open close(Open open, List<Entity> out, String text) {
    if (open != null) {
      out.add(
          new Entity(
              open.start,
              open.end,
              open.type,
              (float) (open.scoreSum / open.tokens),
              text.substring(open.start, open.end)));
    }
    return null;
  }

  private static final class Open {
    final String type;
    final int start;
    int end;
    double scoreSum;
    int tokens;

    Open(String type, int start) {
      this.type = type;
      this.start = start;
      this.end = start;
    }

    void add(int tokenEnd, float score) {
      end = Math.max(end, tokenEnd);
      scoreSum += score;
      tokens++;
    }
  }
}
