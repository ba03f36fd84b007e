package dev.modernbert.encoder.labels;

import java.util.List;

/**
 * One sequence's token classification.
 *
 * @param logits {@code [tokens][labels]} raw classifier outputs, special tokens included
 * @param labelIds each token's argmax class
 * @param labels each token's argmax label through {@code id2label} (per token, not per word)
 * @param scores each token's top softmax probability
 * @param entities spans grouped from the labels ({@link EntityGrouper}); empty when the input was
 *     token ids without text (there are no character offsets then)
 */
public record TokenClassification(
    float[][] logits, int[] labelIds, List<String> labels, float[] scores, List<Entity> entities) {

  public TokenClassification withEntities(List<Entity> found) {
    return new TokenClassification(logits, labelIds, labels, scores, List.copyOf(found));
  }
}
