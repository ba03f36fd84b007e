package dev.modernbert.encoder.colbert;

import dev.modernbert.encoder.tokenize.TokenizedText;
import java.util.Arrays;
import java.util.OptionalInt;
import java.util.Set;

/**
 * How PyLate turns a text of one role into the ids the encoder sees and the rows it returns.
 *
 * <p>Ids: the tokenizer's {@code [CLS] content [SEP]} of the stripped text, the content cut to
 * {@code length - 3} tokens ({@code length - 2} without a prefix), the prefix token inserted after
 * {@code [CLS]}; queries with expansion are then padded with the mask token up to {@code length}.
 *
 * <p>Rows: one per position, except that documents drop the positions whose id is in the skiplist.
 * Expansion tokens that do not attend ({@code attend_to_expansion_tokens=false}) are not given to
 * the encoder at all: no real token attends to them, so the real tokens' states are exactly those
 * of the sequence without them, and their own rows are what PyLate gives under FlashAttention (the
 * setting ModernBERT ColBERT models are trained with), where unpadding returns zero hidden states
 * for them: {@link #expansionRows} rows of the projection of a zero state, i.e. zero vectors for a
 * Dense without bias. (Eager or sdpa attention on CPU computes real, untrained vectors there
 * instead; PyLate issues 109 and 125.)
 */
public final class ColbertInputs {
  private final ColbertRole role;
  private final int length;
  private final OptionalInt prefixId;
  private final String prompt;
  private final OptionalInt expansionId;
  private final boolean attendToExpansion;
  private final Set<Integer> skiplist;

  ColbertInputs(
      ColbertRole role,
      int length,
      OptionalInt prefixId,
      String prompt,
      OptionalInt expansionId,
      boolean attendToExpansion,
      Set<Integer> skiplist) {
    this.role = role;
    this.length = length;
    this.prefixId = prefixId;
    this.prompt = prompt;
    this.expansionId = expansionId;
    this.attendToExpansion = attendToExpansion;
    this.skiplist = Set.copyOf(skiplist);
  }

  public ColbertRole role() {
    return role;
  }

  /** The role's length: the most ids a sequence has (queries with expansion: exactly this). */
  public int length() {
    return length;
  }

  /**
   * The string the tokenizer gets: the default prompt and the text, stripped of surrounding
   * whitespace as Python's {@code str.strip} does (sentence-transformers 5.3.0, which PyLate 1.4.0
   * runs on, strips before tokenizing).
   */
  public String tokenizerInput(String text) {
    return PythonStrip.strip(prompt + text);
  }

  /**
   * The ids of a text from the tokenizer's output for {@link #tokenizerInput}, with its character
   * offsets made offsets into {@code text} ({@code -1} for the prefix, expansion and prompt
   * tokens). {@code truncated} when the tokenizer or the role's length cut the content.
   */
  public TokenizedText sequence(TokenizedText tokenized, String text) {
    int shift = PythonStrip.leading(prompt + text) - prompt.length();
    int[] ids = tokenized.ids();
    if (ids.length < 2) {
      throw new IllegalArgumentException(
          "the tokenizer gave " + ids.length + " ids; ColBERT needs its [CLS] ... [SEP] template");
    }
    int content = Math.max(0, ids.length - 2);
    int keep = Math.min(content, length - 2 - (prefixId.isPresent() ? 1 : 0));
    int n = keep + 2 + (prefixId.isPresent() ? 1 : 0);
    int total = expansionId.isPresent() && attendToExpansion ? Math.max(n, length) : n;
    int[] out = new int[total];
    int[] start = new int[total];
    int[] end = new int[total];
    int[] words = new int[total];
    Arrays.fill(start, -1);
    Arrays.fill(end, -1);
    Arrays.fill(words, -1);
    int k = 0;
    out[k++] = ids[0];
    if (prefixId.isPresent()) {
      out[k++] = prefixId.getAsInt();
    }
    for (int i = 1; i <= keep; i++, k++) {
      out[k] = ids[i];
      int s = tokenized.charStart()[i];
      boolean inText = s >= 0 && s + shift >= 0;
      start[k] = inText ? s + shift : -1;
      end[k] = inText ? tokenized.charEnd()[i] + shift : -1;
      words[k] = tokenized.wordIds()[i];
    }
    out[k++] = ids[ids.length - 1];
    while (k < total) {
      out[k++] = expansionId.getAsInt();
    }
    return new TokenizedText(out, start, end, tokenized.truncated() || keep < content, words);
  }

  /**
   * The positions of {@code ids} that get a row: all of a query's, a document's off the skiplist.
   */
  public int[] keptPositions(int[] ids) {
    if (skiplist.isEmpty()) {
      return java.util.stream.IntStream.range(0, ids.length).toArray();
    }
    return java.util.stream.IntStream.range(0, ids.length)
        .filter(i -> !skiplist.contains(ids[i]))
        .toArray();
  }

  /**
   * Rows for expansion tokens that were not given to the encoder ({@link ColbertInputs}), after the
   * rows of {@code ids}: {@code length - ids.length} for queries with expansion that do not attend
   * to it, else 0.
   */
  public int expansionRows(int[] ids) {
    return expansionId.isPresent() && !attendToExpansion ? Math.max(0, length - ids.length) : 0;
  }
}
