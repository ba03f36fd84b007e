package dev.modernbert.encoder.labels;

import dev.modernbert.encoder.config.ModernBertConfig;
import dev.modernbert.encoder.tokenize.TokenizedText;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns per-token logits into labels (softmax, argmax, {@code id2label}) and, given the text the
 * tokens came from, into entities.
 */
public final class TokenClassifier {
  private final LabelNames names;

  public TokenClassifier(LabelNames names) {
    this.names = names;
  }

  public static TokenClassifier of(ModernBertConfig config) {
    return new TokenClassifier(new LabelNames(config.id2label()));
  }

  public TokenClassification classify(float[][] logits) {
    int[] ids = new int[logits.length];
    float[] scores = new float[logits.length];
    List<String> labels = new ArrayList<>(logits.length);
    for (int t = 0; t < logits.length; t++) {
      float[] p = Scores.softmax(logits[t]);
      ids[t] = Scores.argmax(logits[t]);
      scores[t] = p[ids[t]];
      labels.add(names.name(ids[t]));
    }
    return new TokenClassification(logits, ids, List.copyOf(labels), scores, List.of());
  }

  /** {@link #classify} plus the entities of {@code text}, tokenized as {@code tokens}. */
  public TokenClassification classify(float[][] logits, TokenizedText tokens, String text) {
    TokenClassification c = classify(logits);
    return c.withEntities(EntityGrouper.group(c.labels(), c.scores(), tokens, text));
  }
}
