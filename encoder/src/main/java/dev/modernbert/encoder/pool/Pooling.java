package dev.modernbert.encoder.pool;

import java.util.Locale;

/**
 * How a sequence's token vectors become one vector: sentence-transformers' pooling modes. Every
 * mode pools the positions left after the prompt when the model's {@code include_prompt} is false
 * ({@link Pooler}).
 */
public enum Pooling {
  /**
   * The checkpoint's own: its sentence-transformers pipeline when it has {@code modules.json}, else
   * its {@code 1_Pooling/config.json} when present, else CLS. Resolved before anything is pooled.
   */
  AUTO("auto"),
  /** The vector at the first pooled position ({@code [CLS]}, row 0, without a masked prompt). */
  CLS("cls"),
  /** The element-wise maximum over pooled positions. */
  MAX("max"),
  /** The mean over pooled positions ({@code [CLS]} and {@code [SEP]} included, padding not). */
  MEAN("mean"),
  /** The sum over pooled positions divided by the square root of their number. */
  MEAN_SQRT_LEN("mean_sqrt_len"),
  /** The mean weighted by 1-based position in the whole sequence (prompt included). */
  WEIGHTEDMEAN("weightedmean"),
  /** The vector at the last pooled position (the final {@code [SEP]}). */
  LASTTOKEN("lasttoken");

  private final String id;

  Pooling(String id) {
    this.id = id;
  }

  /**
   * Parses a mode by its id; sentence-transformers' own spellings ({@code mean_tokens}, {@code
   * mean_sqrt_len_tokens}, {@code cls_token}, {@code max_tokens}, {@code weightedmean_tokens}) are
   * accepted too.
   */
  public static Pooling parse(String s) {
    String key = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
    for (Pooling p : values()) {
      if (p.id.equals(key)
          || (p != AUTO && (key.equals(p.id + "_tokens") || key.equals(p.id + "_token")))) {
        return p;
      }
    }
    throw new IllegalArgumentException("bad pooling \"" + s + "\": expected one of " + ids());
  }

  /** Every id, for messages and flag help: {@code auto, cls, max, ...}. */
  public static String ids() {
    StringBuilder sb = new StringBuilder();
    for (Pooling p : values()) {
      sb.append(sb.length() == 0 ? "" : ", ").append(p.id);
    }
    return sb.toString();
  }

  public String id() {
    return id;
  }
}
