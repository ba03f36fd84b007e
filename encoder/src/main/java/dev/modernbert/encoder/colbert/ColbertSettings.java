package dev.modernbert.encoder.colbert;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.modernbert.encoder.checkpoint.CheckpointException;
import dev.modernbert.encoder.checkpoint.JsonFiles;
import dev.modernbert.encoder.pipeline.Prompts;
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

  /**
   * The settings in {@code dir}'s {@code config_sentence_transformers.json} (PyLate's defaults if
   * absent); the prompt is its default prompt, as sentence-transformers chooses it.
   */
  static ColbertSettings read(Path dir) {
    Path file = dir.resolve("config_sentence_transformers.json");
    JsonObject json = JsonFiles.objectOrEmpty(file);
    ColbertSettings s =
        new ColbertSettings(
            JsonFiles.string(json, "query_prefix", "[Q] ", file),
            JsonFiles.string(json, "document_prefix", "[D] ", file),
            JsonFiles.integer(json, "query_length", 32, file),
            JsonFiles.integer(json, "document_length", 180, file),
            JsonFiles.bool(json, "do_query_expansion", true, file),
            JsonFiles.bool(json, "attend_to_expansion_tokens", false, file),
            words(json, file),
            Prompts.read(dir).resolve(null, null));
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

  private static List<String> words(JsonObject json, Path file) {
    JsonElement e = JsonFiles.value(json, "skiplist_words");
    List<String> out = new ArrayList<>();
    if (e == null) {
      PUNCTUATION.chars().forEach(c -> out.add(String.valueOf((char) c)));
      return out;
    }
    if (!e.isJsonArray()) {
      throw JsonFiles.bad(file, "skiplist_words", "a list of strings", e);
    }
    for (JsonElement w : e.getAsJsonArray()) {
      if (!w.isJsonPrimitive() || !w.getAsJsonPrimitive().isString()) {
        throw JsonFiles.bad(file, "skiplist_words", "a list of strings", w);
      }
      out.add(w.getAsString());
    }
    return out;
  }
}
