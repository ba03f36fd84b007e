package dev.modernbert.encoder.labels;

import java.util.Locale;

/** How sequence-classification logits become scores: HF's {@code problem_type}. */
public enum ProblemType {
  /** One class per row: softmax probabilities over the labels. */
  SINGLE_LABEL("single_label_classification"),
  /** Any number of classes per row: an independent sigmoid per label. */
  MULTI_LABEL("multi_label_classification"),
  /** The logits are the predicted values themselves. */
  REGRESSION("regression");

  private final String hfName;

  ProblemType(String hfName) {
    this.hfName = hfName;
  }

  /** The name in config.json. */
  public String hfName() {
    return hfName;
  }

  /**
   * {@code problem_type} from config.json; when it is absent, as HF infers it at training time:
   * regression for one label, single-label classification otherwise.
   */
  public static ProblemType resolve(String problemType, int numLabels) {
    if (problemType == null || problemType.isBlank()) {
      return numLabels == 1 ? REGRESSION : SINGLE_LABEL;
    }
    String p = problemType.trim().toLowerCase(Locale.ROOT);
    for (ProblemType t : values()) {
      if (t.hfName.equals(p)) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "unknown problem_type \""
            + problemType
            + "\" (expected single_label_classification, multi_label_classification or"
            + " regression)");
  }
}
