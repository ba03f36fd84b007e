package dev.modernbert.encoder.colbert;

import java.io.Serializable;

/**
 * Settings a caller gives instead of the folder's ({@code config_sentence_transformers.json}), as
 * PyLate's {@code ColBERT(...)} keyword arguments do; null keeps the folder's value.
 */
public record ColbertOverrides(
    Integer queryLength,
    Integer documentLength,
    Boolean doQueryExpansion,
    Boolean attendToExpansionTokens)
    implements Serializable {

  /** The folder's settings unchanged. */
  public static final ColbertOverrides NONE = new ColbertOverrides(null, null, null, null);

  public ColbertOverrides {
    checkLength("queryLength", queryLength);
    checkLength("documentLength", documentLength);
  }

  private static void checkLength(String name, Integer value) {
    if (value != null && value < ColbertSettings.MIN_LENGTH) {
      throw new IllegalArgumentException(
          name
              + " must be at least "
              + ColbertSettings.MIN_LENGTH
              + " ([CLS], the prefix token and [SEP]), got "
              + value);
    }
  }
}
