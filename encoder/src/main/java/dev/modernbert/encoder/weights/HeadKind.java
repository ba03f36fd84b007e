package dev.modernbert.encoder.weights;

/** Which task head a checkpoint carries on top of the encoder. */
public enum HeadKind {
  /** A bare {@code ModernBertModel}. */
  NONE("ModernBertModel", "no task head (a bare ModernBertModel)"),
  /** {@code ModernBertForMaskedLM}: prediction head + decoder (fill-mask). */
  MASKED_LM("ModernBertForMaskedLM", "a masked-language-model head (ModernBertForMaskedLM)"),
  /** {@code ModernBertForSequenceClassification}: pooled prediction head + classifier. */
  SEQUENCE_CLASSIFICATION(
      "ModernBertForSequenceClassification",
      "a sequence-classification head (ModernBertForSequenceClassification)"),
  /** {@code ModernBertForTokenClassification}: per-token prediction head + classifier. */
  TOKEN_CLASSIFICATION(
      "ModernBertForTokenClassification",
      "a token-classification head (ModernBertForTokenClassification)");

  private final String architecture;
  private final String description;

  HeadKind(String architecture, String description) {
    this.architecture = architecture;
    this.description = description;
  }

  /** HF's class name for a checkpoint with this head (config.json's {@code architectures}). */
  public String architecture() {
    return architecture;
  }

  /** The head in words, e.g. "a masked-language-model head (ModernBertForMaskedLM)". */
  public String description() {
    return description;
  }

  public boolean hasClassifier() {
    return this == SEQUENCE_CLASSIFICATION || this == TOKEN_CLASSIFICATION;
  }

  /**
   * The one wording of a missing head: null when a checkpoint with head {@code has} can run {@code
   * task}, which needs this head; else e.g. "classify needs a ModernBertForSequenceClassification
   * checkpoint, but this one has no task head (a bare ModernBertModel)".
   */
  public String problemFor(HeadKind has, String task) {
    return has == this
        ? null
        : task + " needs a " + architecture + " checkpoint, but this one has " + has.description;
  }
}
