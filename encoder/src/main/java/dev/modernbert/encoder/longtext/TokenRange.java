package dev.modernbert.encoder.longtext;

/** Content token positions {@code [start, end)} of a long text (special tokens not counted). */
public record TokenRange(int start, int end) {
  public TokenRange {
    if (start < 0 || end < start) {
      throw new IllegalArgumentException("bad token range [" + start + ", " + end + ")");
    }
  }

  public int length() {
    return end - start;
  }
}
