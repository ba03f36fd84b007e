package dev.modernbert.encoder.tokenize;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.text.Normalizer;
import java.util.Set;

/**
 * Where a text may be cut so that its prefix tokenizes exactly as the same characters do inside the
 * whole text: the truncate-mode shortcut for huge records (tokenize a bounded prefix, not 15 MB).
 * Read from the {@code tokenizer.json}; {@link #UNBOUNDED} when its pipeline is one whose effect
 * across a cut cannot be bounded (then the whole text is tokenized, as before).
 *
 * <p>The cut is placed just before an ASCII space whose preceding character is a letter or digit.
 * Why that position is a hard boundary, stage by stage:
 *
 * <ul>
 *   <li>added tokens are matched first: no added token may contain a space after a non-space
 *       character, so no match spans the cut (space-only tokens such as ModernBERT's runs of spaces
 *       start at or after it; {@code lstrip} only eats the whitespace after the cut);
 *   <li>the normalizer must be per character (Unicode normal forms, lower-casing, accent stripping,
 *       BERT cleaning, strip, prepend): a space is a stable starter that never composes with what
 *       precedes it, so normalizing prefix and rest separately equals normalizing the whole; none
 *       of these turns the space or the letter into something else;
 *   <li>the pre-tokenizer must split between a non-space character and a following space: GPT-2's
 *       byte-level regex (every match that holds a non-space character ends before whitespace),
 *       BERT's, {@code Whitespace}, {@code WhitespaceSplit}, or {@code Metaspace} with {@code
 *       split} (a space starts a new piece). In a {@code Sequence} that member must come before any
 *       member that changes characters;
 *   <li>the model (BPE, WordPiece, Unigram, WordLevel) sees each pre-token alone, and the
 *       post-processor and truncation see the same tokens.
 * </ul>
 *
 * So the prefix's tokens are a prefix of the whole text's tokens; when the prefix alone overflows
 * the maximum length, truncation keeps the same ids, offsets and word ids, and both are truncated.
 * Gemma-2 style tokenizers (mmBERT: spaces replaced by {@code ▁}, no pre-tokenizer, so one BPE
 * word) and SentencePiece {@code Precompiled} normalizers are not bounded and fall back.
 */
final class PrefixCut {
  static final PrefixCut UNBOUNDED = new PrefixCut(false, false);

  private static final Set<String> LOCAL_NORMALIZERS =
      Set.of(
          "NFC",
          "NFD",
          "NFKC",
          "NFKD",
          "Lowercase",
          "StripAccents",
          "BertNormalizer",
          "Strip",
          "Prepend");

  /** Pre-tokenizers that only split (they never change a character). */
  private static final Set<String> SPLIT_ONLY =
      Set.of(
          "BertPreTokenizer",
          "Whitespace",
          "WhitespaceSplit",
          "Punctuation",
          "Digits",
          "Split",
          "UnicodeScripts",
          "CharDelimiterSplit");

  /** Normalizers that act on a text's ends: a piece cut from the middle would change. */
  private static final Set<String> END_NORMALIZERS = Set.of("Strip", "Prepend");

  private final boolean bounded;
  private final boolean segmentable;

  private PrefixCut(boolean bounded, boolean segmentable) {
    this.bounded = bounded;
    this.segmentable = segmentable;
  }

  boolean bounded() {
    return bounded;
  }

  /**
   * Whether a text cut at these places into pieces tokenizes, piece by piece, exactly as the whole:
   * the prefix guarantee holds for every piece, as long as no normalizer acts on a text's ends (a
   * piece starts with the space of its cut, so add-prefix-space and Metaspace's prepend add
   * nothing).
   */
  boolean segmentable() {
    return segmentable;
  }

  static PrefixCut of(JsonObject tokenizerJson) {
    boolean ok =
        addedTokensCannotSpan(tokenizerJson.get("added_tokens"))
            && localNormalizer(tokenizerJson.get("normalizer"))
            && splitsBeforeSpace(tokenizerJson.get("pre_tokenizer"));
    return ok
        ? new PrefixCut(true, !usesEndNormalizer(tokenizerJson.get("normalizer")))
        : UNBOUNDED;
  }

  private static boolean usesEndNormalizer(JsonElement e) {
    if (e == null || e.isJsonNull()) {
      return false;
    }
    JsonObject n = e.getAsJsonObject();
    if (type(n).equals("Sequence")) {
      for (JsonElement inner : n.getAsJsonArray("normalizers")) {
        if (usesEndNormalizer(inner)) {
          return true;
        }
      }
      return false;
    }
    return END_NORMALIZERS.contains(type(n));
  }

  /**
   * The first cut at or after {@code from}, or -1 when there is none (or the pipeline is
   * unbounded): the index of a space {@code ' '} whose preceding code point is a letter or digit.
   */
  int cutAtOrAfter(String text, int from) {
    if (!bounded) {
      return -1;
    }
    for (int i = Math.max(from, 1); i < text.length(); i++) {
      if (text.charAt(i) == ' ' && letterOrDigitBefore(text, i)) {
        return i;
      }
    }
    return -1;
  }

  private static boolean letterOrDigitBefore(String text, int i) {
    int cp = text.codePointBefore(i);
    if (!Character.isLetterOrDigit(cp)) {
      return false;
    }
    if (cp < 0x80) {
      return true;
    }
    // Compatibility forms of some letters expand; the last character must still be one.
    String nfkc = Normalizer.normalize(Character.toString(cp), Normalizer.Form.NFKC);
    return !nfkc.isEmpty() && Character.isLetterOrDigit(nfkc.codePointBefore(nfkc.length()));
  }

  private static boolean addedTokensCannotSpan(JsonElement added) {
    if (added == null || !added.isJsonArray()) {
      return true;
    }
    for (JsonElement e : added.getAsJsonArray()) {
      String content = e.getAsJsonObject().get("content").getAsString();
      for (int i = 1; i < content.length(); i++) {
        if (content.charAt(i) == ' ' && !Character.isWhitespace(content.charAt(i - 1))) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean localNormalizer(JsonElement e) {
    if (e == null || e.isJsonNull()) {
      return true;
    }
    JsonObject n = e.getAsJsonObject();
    String type = type(n);
    if (type.equals("Sequence")) {
      for (JsonElement inner : n.getAsJsonArray("normalizers")) {
        if (!localNormalizer(inner)) {
          return false;
        }
      }
      return true;
    }
    return LOCAL_NORMALIZERS.contains(type);
  }

  private static boolean splitsBeforeSpace(JsonElement e) {
    if (e == null || e.isJsonNull()) {
      return false; // no pre-tokenizer: the whole text is one word for the model
    }
    JsonObject p = e.getAsJsonObject();
    String type = type(p);
    if (type.equals("Sequence")) {
      for (JsonElement inner : p.getAsJsonArray("pretokenizers")) {
        if (splitsBeforeSpace(inner)) {
          return true;
        }
        if (!SPLIT_ONLY.contains(type(inner.getAsJsonObject()))) {
          return false; // it changed characters: a later member's guarantee no longer holds
        }
      }
      return false;
    }
    return switch (type) {
      case "BertPreTokenizer", "Whitespace", "WhitespaceSplit" -> true;
      case "ByteLevel" -> flag(p, "use_regex", true);
      case "Metaspace" -> flag(p, "split", true) && replacementOfSpace(p);
      default -> false;
    };
  }

  private static boolean replacementOfSpace(JsonObject metaspace) {
    JsonElement r = metaspace.get("replacement");
    return r == null || (r.isJsonPrimitive() && !r.getAsString().isEmpty());
  }

  private static boolean flag(JsonObject o, String name, boolean def) {
    JsonElement v = o.get(name);
    return v == null || v.isJsonNull() ? def : v.getAsBoolean();
  }

  private static String type(JsonObject o) {
    return o.has("type") ? o.get("type").getAsString() : "";
  }
}
