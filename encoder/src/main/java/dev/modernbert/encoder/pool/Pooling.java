package dev.modernbert.encoder.pool;

import java.util.Locale;

/** How a sequence becomes one vector. */
public enum Pooling {
  /**
   * The checkpoint's own: its sentence-transformers {@code 1_Pooling/config.json} when present,
   * else CLS ({@link CheckpointPooling}). Resolved by the encoder before anything is pooled.
   */
  AUTO,
  /** The {@code [CLS]} token's vector (row 0). */
  CLS,
  /** The mean over real tokens ({@code [CLS]} and {@code [SEP]} included, padding excluded). */
  MEAN;

  public static Pooling parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("bad pooling \"" + s + "\": expected auto, cls or mean");
    }
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
