package dev.modernbert.encoder.colbert;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.modernbert.encoder.checkpoint.CheckpointException;
import dev.modernbert.encoder.checkpoint.JsonFiles;
import dev.modernbert.encoder.tokenize.Vocabulary;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Token strings to ids as transformers' {@code convert_tokens_to_ids} maps them: an added token
 * first, then the model's vocabulary, else the unknown token's id. Read from {@code tokenizer.json}
 * (WordPiece, BPE, WordLevel or Unigram).
 */
final class TokenVocabulary {
  private final Map<String, Integer> ids;
  private final Integer unknown;

  private TokenVocabulary(Map<String, Integer> ids, Integer unknown) {
    this.ids = ids;
    this.unknown = unknown;
  }

  static TokenVocabulary read(Path tokenizerJson) {
    JsonObject root = JsonFiles.object(tokenizerJson);
    Map<String, Integer> ids = new HashMap<>();
    Vocabulary.forEach(root, ids::put); // an added token wins over the model's entry
    if (ids.isEmpty()) {
      throw new CheckpointException(tokenizerJson + ": no vocabulary found (model.vocab)");
    }
    JsonObject model =
        root.has("model") && root.get("model").isJsonObject()
            ? root.getAsJsonObject("model")
            : new JsonObject();
    JsonElement unkId = JsonFiles.value(model, "unk_id");
    JsonElement unkToken = JsonFiles.value(model, "unk_token");
    Integer unknown =
        unkId != null
            ? Integer.valueOf(unkId.getAsInt())
            : unkToken != null && unkToken.isJsonPrimitive()
                ? ids.get(unkToken.getAsString())
                : null;
    return new TokenVocabulary(ids, unknown);
  }

  /** The token's id, else the unknown token's, else empty (a tokenizer without one). */
  OptionalInt id(String token) {
    Integer id = ids.getOrDefault(token, unknown);
    return id == null ? OptionalInt.empty() : OptionalInt.of(id);
  }

  /** The id of a token that must be in the vocabulary itself (a prefix token). */
  OptionalInt exact(String token) {
    Integer id = ids.get(token);
    return id == null ? OptionalInt.empty() : OptionalInt.of(id);
  }
}
