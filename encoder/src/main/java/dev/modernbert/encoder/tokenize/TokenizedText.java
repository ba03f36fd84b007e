package dev.modernbert.encoder.tokenize;

/**
 * A tokenized text: ids with {@code [CLS]} and {@code [SEP]}, each token's character span in the
 * original text ({@code -1} for special tokens), and whether truncation cut it.
 */
public record TokenizedText(int[] ids, int[] charStart, int[] charEnd, boolean truncated) {
  public int length() {
    return ids.length;
  }
}
