package dev.modernbert.encoder.tokenize;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.modernbert.encoder.config.CheckpointException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The checkpoint's own {@code tokenizer.json} through DJL's Hugging Face tokenizers binding: {@code
 * [CLS] text [SEP]}, truncation to {@code maxLength}, no padding (batches are packed).
 */
public final class TextTokenizer implements AutoCloseable {
  private final HuggingFaceTokenizer tokenizer;
  private final int maxLength;
  private final Map<String, Integer> specialTokens;
  private final String maskToken;
  private final Path json;
  private HuggingFaceTokenizer whole; // no truncation, no special tokens: long texts
  private SequenceTemplate template;

  private TextTokenizer(
      HuggingFaceTokenizer tokenizer,
      int maxLength,
      Map<String, Integer> special,
      String mask,
      Path json) {
    this.tokenizer = tokenizer;
    this.json = json;
    this.maxLength = maxLength;
    this.specialTokens = special;
    this.maskToken = mask;
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
    if (maxLength < 2) {
      throw new IllegalArgumentException(
          "maxLength must be at least 2 ([CLS] and [SEP]), got " + maxLength);
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
      return new TextTokenizer(t, maxLength, addedTokens(json), maskToken(modelDir), json);
    } catch (IOException | RuntimeException e) {
      throw new CheckpointException(json + ": cannot load the tokenizer: " + e.getMessage(), e);
    }
  }

  public TokenizedText encode(String text) {
    return tokenized(tokenizer.encode(text), text);
  }

  /**
   * All of {@code text}'s tokens, without special tokens and without truncation (long texts are
   * cut into windows by the caller; wrap each in {@link #template}).
   */
  public TokenizedText encodeContent(String text) {
    return tokenized(whole().encode(text, false, false), text);
  }

  /** The special tokens around one text, from the tokenizer's own post-processor. */
  public synchronized SequenceTemplate template() {
    if (template == null) {
      String probe = "a";
      template =
          SequenceTemplate.of(tokenizer.encode(probe).getIds(), whole().encode(probe, false, false).getIds());
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

  private static Map<String, Integer> addedTokens(Path json) throws IOException {
    Map<String, Integer> tokens = new HashMap<>();
    JsonObject root =
        JsonParser.parseString(Files.readString(json, StandardCharsets.UTF_8)).getAsJsonObject();
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
      JsonObject root =
          JsonParser.parseString(Files.readString(config, StandardCharsets.UTF_8))
              .getAsJsonObject();
      JsonElement mask = root.get("mask_token");
      if (mask != null && mask.isJsonPrimitive()) {
        return mask.getAsString();
      }
      if (mask != null && mask.isJsonObject() && mask.getAsJsonObject().has("content")) {
        return mask.getAsJsonObject().get("content").getAsString();
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
