package dev.modernbert.encoder.tokenize;

/**
 * A tokenized text: ids with {@code [CLS]} and {@code [SEP]}, each token's character span in the
 * original text ({@code -1} for special tokens), whether truncation cut it, and each token's word
 * index ({@code -1} for special tokens; sub-word pieces of one word share it).
 *
 * <p>Spans are Java {@code String} indices (UTF-16 code units), so {@code
 * text.substring(charStart[i], charEnd[i])} is the piece of the original text token {@code i} came
 * from, also for characters outside the Basic Multilingual Plane.
 */
public record TokenizedText(
    int[] ids, int[] charStart, int[] charEnd, boolean truncated, int[] wordIds) {
  public int length() {
    return ids.length;
  }

  /**
   * Token {@code i}'s {@code [start, end]} as the tokenizers library reports offsets, in UTF-16
   * units: {@code [0, 0]} for special tokens the post-processor added.
   */
  public int[] offset(int i) {
    return charStart[i] < 0 ? new int[] {0, 0} : new int[] {charStart[i], charEnd[i]};
  }

  /** The positions of {@code tokenId} in {@code ids} (e.g. the {@code [MASK]}s for fill-mask). */
  public static int[] positionsOf(int[] ids, int tokenId) {
    return java.util.stream.IntStream.range(0, ids.length).filter(i -> ids[i] == tokenId).toArray();
  }
}
