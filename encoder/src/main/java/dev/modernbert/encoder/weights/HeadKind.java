package dev.modernbert.encoder.weights;

/** Which task head a checkpoint carries on top of the encoder. */
public enum HeadKind {
  /** A bare {@code ModernBertModel}. */
  NONE,
  /** {@code ModernBertForMaskedLM}: prediction head + decoder (fill-mask). */
  MASKED_LM,
  /** {@code ModernBertForSequenceClassification}: pooled prediction head + classifier. */
  SEQUENCE_CLASSIFICATION,
  /** {@code ModernBertForTokenClassification}: per-token prediction head + classifier. */
  TOKEN_CLASSIFICATION;

  public boolean hasClassifier() {
    return this == SEQUENCE_CLASSIFICATION || this == TOKEN_CLASSIFICATION;
  }
}
