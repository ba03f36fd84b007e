package dev.modernbert.encoder.colbert;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.modernbert.encoder.config.CheckpointException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * PyLate's encoding settings: the keys PyLate writes to {@code config_sentence_transformers.json},
 * with PyLate 1.4.0's defaults for keys that are absent or null.
 *
 * @param queryPrefix token inserted after {@code [CLS]} of queries ({@code ""}: none)
 * @param documentPrefix token inserted after {@code [CLS]} of documents ({@code ""}: none)
 * @param queryLength ids per query, prefix and special tokens included (and the length queries are
 *     expanded to)
 * @param documentLength most ids per document, prefix and special tokens included
 * @param doQueryExpansion pad queries to {@code queryLength} with the mask token
 * @param attendToExpansionTokens whether the expansion tokens take part in attention
 * @param skiplistWords tokens whose rows are dropped from documents after encoding
 * @param prompt the text prepended to every input: {@code prompts[default_prompt_name]}, or {@code
 *     ""}
 */
public record ColbertSettings(
    String queryPrefix,
    String documentPrefix,
    int queryLength,
    int documentLength,
    boolean doQueryExpansion,
    boolean attendToExpansionTokens,
    List<String> skiplistWords,
    String prompt) {

  /** The shortest role length: {@code [CLS]}, the prefix token and {@code [SEP]}. */
  public static final int MIN_LENGTH = 3;

  /** Python's {@code string.punctuation}: PyLate's default skiplist. */
  static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

  public ColbertSettings {
    skiplistWords = List.copyOf(skiplistWords);
  }

  /** The settings in {@code config_sentence_transformers.json} (PyLate's defaults if absent). */
  static ColbertSettings read(Path file) {
    JsonObject json = Json.exists(file) ? Json.object(file) : new JsonObject();
    ColbertSettings s =
        new ColbertSettings(
            string(json, file, "query_prefix", "[Q] "),
            string(json, file, "document_prefix", "[D] "),
            integer(json, file, "query_length", 32),
            integer(json, file, "document_length", 180),
            bool(json, file, "do_query_expansion", true),
            bool(json, file, "attend_to_expansion_tokens", false),
            words(json, file),
            defaultPrompt(json, file));
    s.check(file.toString());
    return s;
  }

  /**
   * These settings with the caller's overrides. Without query expansion there is nothing to attend
   * to, so {@code attendToExpansionTokens} is then false, as in PyLate.
   */
  public ColbertSettings with(ColbertOverrides o) {
    boolean expand = o.doQueryExpansion() != null ? o.doQueryExpansion() : doQueryExpansion;
    boolean attend =
        o.attendToExpansionTokens() != null ? o.attendToExpansionTokens() : attendToExpansionTokens;
    ColbertSettings s =
        new ColbertSettings(
            queryPrefix,
            documentPrefix,
            o.queryLength() != null ? o.queryLength() : queryLength,
            o.documentLength() != null ? o.documentLength() : documentLength,
            expand,
            expand && attend,
            skiplistWords,
            prompt);
    s.check("the overrides");
    return s;
  }

  /** The role's length: {@code queryLength} or {@code documentLength}. */
  public int length(ColbertRole role) {
    return role == ColbertRole.QUERY ? queryLength : documentLength;
  }

  /** The role's prefix token ({@code ""}: none). */
  public String prefix(ColbertRole role) {
    return role == ColbertRole.QUERY ? queryPrefix : documentPrefix;
  }

  private void check(String where) {
    if (queryLength < MIN_LENGTH || documentLength < MIN_LENGTH) {
      throw new CheckpointException(
          where
              + ": query_length and document_length must be at least "
              + MIN_LENGTH
              + " ([CLS], the prefix token and [SEP]), got "
              + queryLength
              + " and "
              + documentLength);
    }
  }

  private static JsonElement value(JsonObject json, String key) {
    JsonElement e = json.get(key);
    return e == null || e.isJsonNull() ? null : e;
  }

  private static String string(JsonObject json, Path file, String key, String fallback) {
    JsonElement e = value(json, key);
    if (e == null) {
      return fallback;
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw bad(file, key, "a string", e);
    }
    return e.getAsString();
  }

  private static int integer(JsonObject json, Path file, String key, int fallback) {
    JsonElement e = value(json, key);
    if (e == null) {
      return fallback;
    }
    try {
      if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
        return e.getAsBigDecimal().intValueExact();
      }
    } catch (ArithmeticException ex) {
      // falls through to the error below
    }
    throw bad(file, key, "an integer", e);
  }

  private static boolean bool(JsonObject json, Path file, String key, boolean fallback) {
    JsonElement e = value(json, key);
    if (e == null) {
      return fallback;
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
      throw bad(file, key, "true or false", e);
    }
    return e.getAsBoolean();
  }

  private static List<String> words(JsonObject json, Path file) {
    JsonElement e = value(json, "skiplist_words");
    List<String> out = new ArrayList<>();
    if (e == null) {
      PUNCTUATION.chars().forEach(c -> out.add(String.valueOf((char) c)));
      return out;
    }
    if (!e.isJsonArray()) {
      throw bad(file, "skiplist_words", "a list of strings", e);
    }
    for (JsonElement w : e.getAsJsonArray()) {
      if (!w.isJsonPrimitive() || !w.getAsJsonPrimitive().isString()) {
        throw bad(file, "skiplist_words", "a list of strings", w);
      }
      out.add(w.getAsString());
    }
    return out;
  }

  /** sentence-transformers' default prompt: {@code prompts[default_prompt_name]}, else none. */
  private static String defaultPrompt(JsonObject json, Path file) {
    JsonElement name = value(json, "default_prompt_name");
    if (name == null) {
      return "";
    }
    JsonElement prompts = value(json, "prompts");
    JsonElement prompt =
        prompts != null && prompts.isJsonObject()
            ? value(prompts.getAsJsonObject(), name.getAsString())
            : null;
    if (prompt == null || !prompt.isJsonPrimitive()) {
      throw new CheckpointException(
          file
              + ": default_prompt_name \""
              + name.getAsString()
              + "\" is not a key of prompts (fix or remove default_prompt_name)");
    }
    return prompt.getAsString();
  }

  private static CheckpointException bad(Path file, String key, String expected, JsonElement e) {
    String shown = e instanceof JsonArray ? "a list" : e.toString();
    return new CheckpointException(file + ": " + key + " must be " + expected + ", got " + shown);
  }
}
