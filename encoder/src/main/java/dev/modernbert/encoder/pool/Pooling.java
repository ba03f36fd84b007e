package dev.modernbert.encoder.pool;

import java.util.Locale;

/** How a sequence becomes one vector. */
public enum Pooling {
  /** No pooling: one vector per token ({@code last_hidden_state}). */
  NONE,
  /** The {@code [CLS]} token's vector (row 0). */
  CLS,
  /** The mean over real tokens ({@code [CLS]} and {@code [SEP]} included, padding excluded). */
  MEAN;

  public static Pooling parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad pooling \"" + s + "\": expected none, cls or mean");
    }
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
