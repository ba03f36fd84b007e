package dev.modernbert.encoder.tokenize;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Map;

/** A {@code tokenizer.json}'s token strings by id: its model's vocabulary plus its added tokens. */
final class Vocabulary {
  private Vocabulary() {}

  /** Entry {@code id} is the token's string; null where the file has no token with that id. */
  static String[] read(JsonObject root) {
    JsonObject model = root.has("model") ? root.getAsJsonObject("model") : new JsonObject();
    JsonElement vocab = model.get("vocab");
    JsonArray added = root.has("added_tokens") ? root.getAsJsonArray("added_tokens") : null;
    int size = 0;
    if (vocab != null && vocab.isJsonObject()) { // BPE, WordPiece, WordLevel: token -> id
      for (Map.Entry<String, JsonElement> e : vocab.getAsJsonObject().entrySet()) {
        size = Math.max(size, e.getValue().getAsInt() + 1);
      }
    } else if (vocab != null && vocab.isJsonArray()) { // Unigram: [token, score] by id
      size = vocab.getAsJsonArray().size();
    }
    if (added != null) {
      for (JsonElement e : added) {
        size = Math.max(size, e.getAsJsonObject().get("id").getAsInt() + 1);
      }
    }
    String[] tokens = new String[size];
    if (vocab != null && vocab.isJsonObject()) {
      for (Map.Entry<String, JsonElement> e : vocab.getAsJsonObject().entrySet()) {
        tokens[e.getValue().getAsInt()] = e.getKey();
      }
    } else if (vocab != null && vocab.isJsonArray()) {
      JsonArray pieces = vocab.getAsJsonArray();
      for (int i = 0; i < pieces.size(); i++) {
        tokens[i] = pieces.get(i).getAsJsonArray().get(0).getAsString();
      }
    }
    if (added != null) {
      for (JsonElement e : added) {
        JsonObject t = e.getAsJsonObject();
        tokens[t.get("id").getAsInt()] = t.get("content").getAsString();
      }
    }
    return tokens;
  }
}
