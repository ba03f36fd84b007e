package dev.modernbert.encoder.labels;

import java.util.ArrayList;
import java.util.List;

/**
 * One sequence's classification.
 *
 * @param problemType how {@code scores} were computed from {@code logits}
 * @param label the best label (argmax of the logits), named through {@code id2label}
 * @param labelIndex its class index
 * @param score its score: softmax probability (single-label), sigmoid (multi-label), or the raw
 *     predicted value (regression)
 * @param labelNames every label's name, by class index
 * @param scores per-label scores: softmax probabilities summing to 1 (single-label), independent
 *     sigmoids (multi-label), or the raw values, equal to the logits (regression)
 * @param logits the classifier's raw outputs
 * @param activeLabels multi-label only: the labels whose sigmoid is at least 0.5, in class order
 *     (empty for the other problem types)
 */
public record SequenceClassification(
    ProblemType problemType,
    String label,
    int labelIndex,
    float score,
    List<String> labelNames,
    float[] scores,
    float[] logits,
    List<String> activeLabels) {

  /** The {@code k} best labels by score, best first. */
  public List<LabelScore> top(int k) {
    List<LabelScore> out = new ArrayList<>();
    for (int i : Scores.topK(scores, Math.min(k, scores.length))) {
      out.add(new LabelScore(labelNames.get(i), scores[i]));
    }
    return out;
  }
}
