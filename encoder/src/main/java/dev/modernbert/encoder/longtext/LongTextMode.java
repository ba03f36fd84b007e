package dev.modernbert.encoder.longtext;

import java.util.Locale;

/** What happens to a text longer than the model's context. */
public enum LongTextMode {
  /** Keep the first tokens that fit; the rest is dropped (and the row counted as truncated). */
  TRUNCATE,
  /** Cut the text into windows and embed each window: one vector per chunk. */
  CHUNK,
  /**
   * Late chunking: run the windows, keep each token's vector from the window that owns it, and
   * mean-pool consecutive spans of {@code chunkTokens} tokens through the model's pipeline tail.
   */
  LATE;

  public static LongTextMode parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException(
          "bad longText \"" + s + "\": expected truncate, chunk or late");
    }
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
