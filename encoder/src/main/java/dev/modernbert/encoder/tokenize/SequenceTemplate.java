package dev.modernbert.encoder.tokenize;

import java.util.Arrays;

/**
 * The special tokens the tokenizer's post-processor puts around a single text ({@code [CLS]} before
 * and {@code [SEP]} after for ModernBERT), read from the tokenizer itself rather than assumed.
 */
public record SequenceTemplate(int[] prefix, int[] suffix) {
  /** How many special tokens a sequence carries. */
  public int specials() {
    return prefix.length + suffix.length;
  }

  /** {@code prefix + parts... + suffix}. */
  public int[] wrap(int[]... parts) {
    int n = specials();
    for (int[] p : parts) {
      n += p.length;
    }
    int[] out = Arrays.copyOf(prefix, n);
    int at = prefix.length;
    for (int[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    System.arraycopy(suffix, 0, out, at, suffix.length);
    return out;
  }

  /**
   * Finds the template from one text tokenized with and without special tokens: the content ids
   * appear once, contiguously, in the full sequence.
   */
  static SequenceTemplate of(long[] withSpecials, long[] content) {
    for (int start = 0; start + content.length <= withSpecials.length; start++) {
      boolean match = true;
      for (int i = 0; i < content.length && match; i++) {
        match = withSpecials[start + i] == content[i];
      }
      if (match) {
        int[] all = Arrays.stream(withSpecials).mapToInt(Math::toIntExact).toArray();
        return new SequenceTemplate(
            Arrays.copyOfRange(all, 0, start),
            Arrays.copyOfRange(all, start + content.length, all.length));
      }
    }
    throw new IllegalStateException(
        "the tokenizer's post-processor does not keep a text's ids together: "
            + Arrays.toString(withSpecials)
            + " vs "
            + Arrays.toString(content));
  }
}
