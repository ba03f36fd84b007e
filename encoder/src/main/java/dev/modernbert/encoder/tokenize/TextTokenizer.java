package dev.modernbert.encoder.tokenize;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.modernbert.encoder.checkpoint.CheckpointException;
import dev.modernbert.encoder.checkpoint.JsonFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The checkpoint's own {@code tokenizer.json} through DJL's Hugging Face tokenizers binding:
 * special tokens exactly as the file's {@code post_processor} adds them (ModernBERT {@code [CLS]
 * text [SEP]}, mmBERT {@code <bos> text <eos>}, ...), truncation to {@code maxLength} (the special
 * tokens kept), no padding (batches are packed).
 *
 * <p>Truncation of a long text tokenizes only a bounded prefix when the tokenizer's pipeline allows
 * a provably equal result ({@link PrefixCut}), so a 15 MB record costs what its first few thousand
 * tokens cost.
 */
public final class TextTokenizer implements AutoCloseable {
  private final HuggingFaceTokenizer tokenizer;
  private final Path json;
  private final int maxLength;
  private final Map<String, Integer> specialTokens;
  private final Set<Integer> addedIds;
  private final String maskToken;
  private final PostProcessor postProcessor;
  private final PrefixCut prefixCut;
  private volatile String[] vocabulary;
  private HuggingFaceTokenizer whole; // no truncation, no special tokens: long texts
  private SequenceTemplate template;

  private TextTokenizer(
      HuggingFaceTokenizer tokenizer,
      Path json,
      int maxLength,
      Map<String, Integer> special,
      String mask,
      PostProcessor postProcessor,
      PrefixCut prefixCut) {
    this.tokenizer = tokenizer;
    this.json = json;
    this.maxLength = maxLength;
    this.specialTokens = special;
    this.addedIds = Set.copyOf(special.values());
    this.maskToken = mask;
    this.postProcessor = postProcessor;
    this.prefixCut = prefixCut;
  }

  public static boolean existsIn(Path modelDir) {
    return Files.isRegularFile(modelDir.resolve("tokenizer.json"));
  }

  public static TextTokenizer load(Path modelDir, int maxLength) {
    Path json = modelDir.resolve("tokenizer.json");
    if (!Files.isRegularFile(json)) {
      throw new CheckpointException(
          "no tokenizer.json in "
              + modelDir
              + ": text input needs the checkpoint's tokenizer (or give input_ids)");
    }
    JsonObject root = JsonFiles.object(json);
    PostProcessor post;
    try {
      post = PostProcessor.of(root);
    } catch (RuntimeException e) {
      throw new CheckpointException(
          json + ": cannot read its post_processor: " + e.getMessage(), e);
    }
    int specials = post.count().orElse(0);
    if (maxLength < Math.max(1, specials)) {
      throw new IllegalArgumentException(
          "maxLength must be at least "
              + Math.max(1, specials)
              + " (the special tokens "
              + json
              + " adds to every text), got "
              + maxLength);
    }
    try {
      HuggingFaceTokenizer.Builder builder = HuggingFaceTokenizer.builder();
      // Without modelMaxLength, DJL caps maxLength at 512 whatever the model allows.
      builder.configure(Map.of("modelMaxLength", String.valueOf(maxLength)));
      HuggingFaceTokenizer t =
          builder
              .optTokenizerPath(json)
              .optAddSpecialTokens(true)
              .optTruncation(true)
              .optMaxLength(maxLength)
              .optPadding(false)
              .build();
      return new TextTokenizer(
          t, json, maxLength, addedTokens(root), maskToken(modelDir), post, PrefixCut.of(root));
    } catch (CheckpointException e) {
      throw e; // names its own file (tokenizer_config.json)
    } catch (IOException | RuntimeException e) {
      throw new CheckpointException(json + ": cannot load the tokenizer: " + e.getMessage(), e);
    }
  }

  /**
   * The text's tokens, truncated to {@code maxLength}. A long text is tokenized by prefixes that
   * end at a {@link PrefixCut} and double until one overflows the maximum length (then its
   * truncation is the whole text's), or the whole text when no cut is left.
   */
  public TokenizedText encode(String text) {
    requireUnicode(text);
    // 8 characters per token of the maximum length: ordinary text (about 4) needs one try.
    return encodeByPrefixes(text, 8L * maxLength + 64);
  }

  /** {@link #encode}, trying a prefix of about {@code chars} characters first. */
  TokenizedText encodeByPrefixes(String text, long chars) {
    while (chars < text.length()) {
      int cut = prefixCut.cutAtOrAfter(text, (int) chars);
      if (cut < 0) {
        break;
      }
      TokenizedText prefix = encodeWhole(text.substring(0, cut));
      if (prefix.truncated()) {
        return prefix;
      }
      chars = 2L * cut;
    }
    return encodeWhole(text);
  }

  /** Tokenizes all of {@code text} (what {@link #encode} must equal). */
  TokenizedText encodeWhole(String text) {
    return tokenized(tokenizer.encode(text), text);
  }

  /**
   * All of {@code text}'s tokens, without special tokens and without truncation (long texts are cut
   * into windows by the caller; wrap each in {@link #template}).
   */
  public TokenizedText encodeContent(String text) {
    requireUnicode(text);
    return encodeContent(text, SEGMENT_CHARS);
  }

  /** Characters tokenized at once when a long text is streamed piece by piece. */
  static final int SEGMENT_CHARS = 1 << 16;

  /**
   * {@link #encodeContent}, tokenizing pieces of about {@code segment} characters cut where {@link
   * PrefixCut#segmentable} proves the pieces tokenize as the whole, so a huge text never holds the
   * tokenizer's full output at once; the whole text at once when the tokenizer cannot be cut.
   */
  TokenizedText encodeContent(String text, int segment) {
    if (!prefixCut.segmentable() || text.length() <= segment) {
      return tokenized(whole().encode(text, false, false), text);
    }
    ContentBuilder out = new ContentBuilder();
    int start = 0;
    while (start < text.length()) {
      int end =
          text.length() - start <= segment ? -1 : prefixCut.cutAtOrAfter(text, start + segment);
      end = end < 0 ? text.length() : end;
      String piece = text.substring(start, end);
      out.append(tokenized(whole().encode(piece, false, false), piece), start);
      start = end;
    }
    return out.build();
  }

  /** Content tokens of consecutive pieces, offsets and word ids shifted to the whole text. */
  private static final class ContentBuilder {
    private final java.util.List<int[]> parts = new ArrayList<>(); // ids, start, end, word
    private int words;

    void append(TokenizedText t, int offset) {
      int n = t.length();
      int[] start = new int[n];
      int[] end = new int[n];
      int[] word = new int[n];
      int maxWord = -1;
      for (int i = 0; i < n; i++) {
        start[i] = t.charStart()[i] < 0 ? -1 : t.charStart()[i] + offset;
        end[i] = t.charEnd()[i] < 0 ? -1 : t.charEnd()[i] + offset;
        word[i] = t.wordIds()[i] < 0 ? -1 : t.wordIds()[i] + words;
        maxWord = Math.max(maxWord, t.wordIds()[i]);
      }
      words += maxWord + 1;
      parts.addAll(java.util.List.of(t.ids(), start, end, word));
    }

    TokenizedText build() {
      int[][] all = new int[4][];
      for (int k = 0; k < 4; k++) {
        final int field = k;
        all[k] =
            java.util.stream.IntStream.range(0, parts.size() / 4)
                .mapToObj(p -> parts.get(4 * p + field))
                .flatMapToInt(java.util.Arrays::stream)
                .toArray();
      }
      return new TokenizedText(all[0], all[1], all[2], false, all[3]);
    }
  }

  /** The special tokens around one text, from the tokenizer's own post-processor. */
  public synchronized SequenceTemplate template() {
    if (template == null) {
      String probe = "a";
      template =
          SequenceTemplate.of(
              tokenizer.encode(probe).getIds(), whole().encode(probe, false, false).getIds());
    }
    return template;
  }

  private synchronized HuggingFaceTokenizer whole() {
    if (whole == null) {
      try {
        whole =
            HuggingFaceTokenizer.builder()
                .optTokenizerPath(json)
                .optAddSpecialTokens(false)
                .optTruncation(false)
                .optPadding(false)
                .build();
      } catch (IOException e) {
        throw new CheckpointException(json + ": cannot load the tokenizer: " + e.getMessage(), e);
      }
    }
    return whole;
  }

  private TokenizedText tokenized(Encoding e, String text) {
    long[] ids = e.getIds();
    long[] special = e.getSpecialTokenMask();
    long[] words = e.getWordIds();
    CharSpan[] spans = e.getCharTokenSpans();
    int[] utf16 = codePointToUtf16(text);
    int[] out = new int[ids.length];
    int[] start = new int[ids.length];
    int[] end = new int[ids.length];
    int[] wordIds = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = Math.toIntExact(ids[i]);
      CharSpan span = spans == null || i >= spans.length ? null : spans[i];
      boolean none = special[i] == 1 || span == null;
      start[i] = none ? -1 : utf16[Math.min(span.getStart(), utf16.length - 1)];
      end[i] = none ? -1 : utf16[Math.min(span.getEnd(), utf16.length - 1)];
      wordIds[i] = none || words == null || i >= words.length ? -1 : (int) words[i];
    }
    return new TokenizedText(out, start, end, e.exceedMaxLength(), wordIds);
  }

  /**
   * Refuses a text with an unpaired UTF-16 surrogate: it is not Unicode text, Python's tokenizers
   * refuse it, and the native tokenizer would drop it silently and shift every later offset.
   *
   * @throws IllegalArgumentException naming the surrogate and its character index
   */
  public static void requireUnicode(String text) {
    int i = loneSurrogate(text);
    if (i >= 0) {
      throw new IllegalArgumentException(loneSurrogateMessage(text, i));
    }
  }

  /** The message of {@link #requireUnicode} for the lone surrogate at {@code i}. */
  public static String loneSurrogateMessage(String text, int i) {
    return String.format(
        "the text has a lone surrogate \\u%04x at character %d: not Unicode text (Python's"
            + " tokenizers refuse it too; remove it or give the whole pair)",
        (int) text.charAt(i), i);
  }

  /** The index of the first unpaired UTF-16 surrogate of {@code s}, or -1. */
  public static int loneSurrogate(CharSequence s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          return i;
        }
      } else if (Character.isLowSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The tokenizers library gives spans in Unicode code points; Java strings index UTF-16 code
   * units. Entry {@code c} is the UTF-16 index of code point {@code c} (the last entry is the
   * length).
   */
  static int[] codePointToUtf16(String text) {
    int[] map = new int[text.codePointCount(0, text.length()) + 1];
    int cp = 0;
    for (int i = 0; i < text.length(); i += Character.charCount(text.codePointAt(i))) {
      map[cp++] = i;
    }
    map[cp] = text.length();
    return map;
  }

  public int maxLength() {
    return maxLength;
  }

  /** The string of one token id. */
  public String token(int id) {
    return tokenizer.decode(new long[] {id}, false);
  }

  /** The mask token's id: {@code mask_token} of tokenizer_config.json (default {@code [MASK]}). */
  public OptionalInt maskId() {
    Integer id = specialTokens.get(maskToken);
    return id == null ? OptionalInt.empty() : OptionalInt.of(id);
  }

  /** How many special tokens the post-processor adds to each text, when its type is known. */
  public OptionalInt specialTokenCount() {
    return postProcessor.count();
  }

  /**
   * Each token's string as the tokenizers library reports it ({@code "Ġworld"}, {@code "##ing"}):
   * the vocabulary's entry, except for an added token found in {@code text}, which is the text it
   * matched (ModernBERT's {@code [MASK]} with the space it absorbs: {@code " [MASK]"}). {@code
   * text} is the string {@code tokens} came from.
   */
  public List<String> tokenStrings(TokenizedText tokens, String text) {
    String[] vocab = vocabulary();
    List<String> out = new ArrayList<>(tokens.length());
    for (int i = 0; i < tokens.length(); i++) {
      int id = tokens.ids()[i];
      int start = tokens.charStart()[i];
      boolean matchedInText = start >= 0 && addedIds.contains(id);
      out.add(
          matchedInText
              ? text.substring(start, tokens.charEnd()[i])
              : id < vocab.length && vocab[id] != null ? vocab[id] : "");
    }
    return out;
  }

  /**
   * id -> token string, read from tokenizer.json on first use (only the tokenize command needs it).
   */
  private String[] vocabulary() {
    String[] v = vocabulary;
    if (v == null) {
      synchronized (this) {
        v = vocabulary;
        if (v == null) {
          v = Vocabulary.read(JsonFiles.object(json));
          vocabulary = v;
        }
      }
    }
    return v;
  }

  private static Map<String, Integer> addedTokens(JsonObject root) {
    Map<String, Integer> tokens = new HashMap<>();
    if (root.has("added_tokens") && root.get("added_tokens").isJsonArray()) {
      for (JsonElement e : root.getAsJsonArray("added_tokens")) {
        JsonObject t = e.getAsJsonObject();
        tokens.put(t.get("content").getAsString(), t.get("id").getAsInt());
      }
    }
    return tokens;
  }

  private static String maskToken(Path modelDir) throws IOException {
    Path config = modelDir.resolve("tokenizer_config.json");
    if (Files.isRegularFile(config)) {
      JsonObject root = JsonFiles.object(config); // bounded nesting, errors name the file
      JsonElement mask = JsonFiles.value(root, "mask_token");
      if (mask != null && mask.isJsonObject()) {
        String content = JsonFiles.string(mask.getAsJsonObject(), "content", null, config);
        if (content != null) {
          return content;
        }
      } else if (mask != null) {
        return JsonFiles.string(root, "mask_token", "[MASK]", config);
      }
    }
    return "[MASK]";
  }

  @Override
  public synchronized void close() {
    tokenizer.close();
    if (whole != null) {
      whole.close();
    }
  }
}
