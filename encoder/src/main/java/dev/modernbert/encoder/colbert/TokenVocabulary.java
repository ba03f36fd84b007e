package dev.modernbert.encoder.colbert;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.modernbert.encoder.config.CheckpointException;
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
    JsonObject root = Json.object(tokenizerJson);
    Map<String, Integer> ids = new HashMap<>();
    Integer unknown = null;
    JsonElement model = root.get("model");
    if (model != null && model.isJsonObject()) {
      JsonObject m = model.getAsJsonObject();
      JsonElement vocab = m.get("vocab");
      if (vocab != null && vocab.isJsonObject()) {
        for (Map.Entry<String, JsonElement> e : vocab.getAsJsonObject().entrySet()) {
          ids.put(e.getKey(), e.getValue().getAsInt());
        }
      } else if (vocab != null && vocab.isJsonArray()) { // Unigram: [piece, score] by id
        JsonArray pieces = vocab.getAsJsonArray();
        for (int i = 0; i < pieces.size(); i++) {
          ids.putIfAbsent(pieces.get(i).getAsJsonArray().get(0).getAsString(), i);
        }
      }
      JsonElement unkId = m.get("unk_id");
      if (unkId != null && !unkId.isJsonNull()) {
        unknown = unkId.getAsInt();
      }
      JsonElement unkToken = m.get("unk_token");
      if (unknown == null && unkToken != null && unkToken.isJsonPrimitive()) {
        unknown = ids.get(unkToken.getAsString());
      }
    }
    JsonElement added = root.get("added_tokens");
    if (added != null && added.isJsonArray()) {
      for (JsonElement e : added.getAsJsonArray()) {
        JsonObject t = e.getAsJsonObject();
        ids.put(t.get("content").getAsString(), t.get("id").getAsInt());
      }
    }
    if (ids.isEmpty()) {
      throw new CheckpointException(tokenizerJson + ": no vocabulary found (model.vocab)");
    }
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
