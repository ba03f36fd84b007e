package dev.modernbert.encoder.tokenize;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ObjIntConsumer;

/** A {@code tokenizer.json}'s tokens: its model's vocabulary plus its added tokens. */
public final class Vocabulary {
  private Vocabulary() {}

  /**
   * Every (token, id) entry of {@code root} (a parsed {@code tokenizer.json}): the model's
   * vocabulary ({@code token -> id} of BPE, WordPiece and WordLevel, or Unigram's {@code [token,
   * score]} list by id), then the added tokens, each in file order.
   */
  public static void forEach(JsonObject root, ObjIntConsumer<String> entry) {
    JsonObject model = root.has("model") ? root.getAsJsonObject("model") : new JsonObject();
    JsonElement vocab = model.get("vocab");
    if (vocab != null && vocab.isJsonObject()) {
      for (Map.Entry<String, JsonElement> e : vocab.getAsJsonObject().entrySet()) {
        entry.accept(e.getKey(), e.getValue().getAsInt());
      }
    } else if (vocab != null && vocab.isJsonArray()) {
      JsonArray pieces = vocab.getAsJsonArray();
      for (int i = 0; i < pieces.size(); i++) {
        entry.accept(pieces.get(i).getAsJsonArray().get(0).getAsString(), i);
      }
    }
    if (root.has("added_tokens") && root.get("added_tokens").isJsonArray()) {
      for (JsonElement e : root.getAsJsonArray("added_tokens")) {
        JsonObject t = e.getAsJsonObject();
        entry.accept(t.get("content").getAsString(), t.get("id").getAsInt());
      }
    }
  }

  /** Entry {@code id} is the token's string; null where the file has no token with that id. */
  static String[] read(JsonObject root) {
    List<String> tokens = new ArrayList<>();
    List<Integer> ids = new ArrayList<>();
    int[] size = {0};
    forEach(
        root,
        (token, id) -> {
          tokens.add(token);
          ids.add(id);
          size[0] = Math.max(size[0], id + 1);
        });
    String[] out = new String[size[0]];
    for (int i = 0; i < tokens.size(); i++) {
      out[ids.get(i)] = tokens.get(i); // added tokens come last: they win, as in tokenizers
    }
    return out;
  }
}
