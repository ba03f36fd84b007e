package dev.modernbert.encoder.tokenize;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * The special tokens a {@code tokenizer.json}'s {@code post_processor} puts around one sequence, as
 * the file says (ModernBERT: {@code [CLS] $A [SEP]}; mmBERT: its Gemma-2 {@code <bos> $A <eos>};
 * GPT-2 style: none). Nothing is assumed about BERT ids: the tokenizer itself adds the tokens, this
 * only tells how many, for length checks and messages.
 *
 * @param before ids before the text, in order
 * @param after ids after the text, in order
 * @param known false for a post-processor type this reader does not know (then {@link #count} is
 *     empty and nothing is checked)
 */
record PostProcessor(List<Integer> before, List<Integer> after, boolean known) {

  static final PostProcessor NONE = new PostProcessor(List.of(), List.of(), true);

  /** How many special tokens a single sequence gets, when known. */
  OptionalInt count() {
    return known ? OptionalInt.of(before.size() + after.size()) : OptionalInt.empty();
  }

  /** Reads the {@code post_processor} entry of a parsed {@code tokenizer.json}. */
  static PostProcessor of(JsonObject tokenizerJson) {
    return parse(tokenizerJson.get("post_processor"));
  }

  private static PostProcessor parse(JsonElement e) {
    if (e == null || e.isJsonNull()) {
      return NONE;
    }
    JsonObject p = e.getAsJsonObject();
    String type = p.has("type") ? p.get("type").getAsString() : "";
    switch (type) {
      case "TemplateProcessing":
        return template(p);
      case "BertProcessing":
      case "RobertaProcessing":
        // {"cls": ["[CLS]", 101], "sep": ["[SEP]", 102]}: cls $A sep
        return new PostProcessor(
            List.of(p.getAsJsonArray("cls").get(1).getAsInt()),
            List.of(p.getAsJsonArray("sep").get(1).getAsInt()),
            true);
      case "ByteLevel":
        return NONE; // only trims offsets
      case "Sequence":
        List<Integer> before = new ArrayList<>();
        List<Integer> after = new ArrayList<>();
        boolean known = true;
        for (JsonElement inner : p.getAsJsonArray("processors")) {
          PostProcessor q = parse(inner);
          before.addAll(0, q.before); // a later processor wraps what the earlier ones built
          after.addAll(q.after);
          known &= q.known;
        }
        return new PostProcessor(List.copyOf(before), List.copyOf(after), known);
      default:
        return new PostProcessor(List.of(), List.of(), false);
    }
  }

  private static PostProcessor template(JsonObject p) {
    JsonObject special =
        p.has("special_tokens") ? p.getAsJsonObject("special_tokens") : new JsonObject();
    List<Integer> before = new ArrayList<>();
    List<Integer> after = new ArrayList<>();
    boolean seenSequence = false;
    for (JsonElement piece : singleTemplate(p.get("single"))) {
      JsonObject o = piece.getAsJsonObject();
      if (o.has("Sequence")) {
        seenSequence = true;
      } else if (o.has("SpecialToken")) {
        String id = o.getAsJsonObject("SpecialToken").get("id").getAsString();
        if (!special.has(id)) {
          return new PostProcessor(List.of(), List.of(), false);
        }
        for (JsonElement tokenId : special.getAsJsonObject(id).getAsJsonArray("ids")) {
          (seenSequence ? after : before).add(tokenId.getAsInt());
        }
      }
    }
    return new PostProcessor(List.copyOf(before), List.copyOf(after), true);
  }

  /** The "single" template: a list of pieces, or the string form "[CLS]:0 $A:0 [SEP]:0". */
  private static JsonArray singleTemplate(JsonElement single) {
    if (single != null && single.isJsonArray()) {
      return single.getAsJsonArray();
    }
    JsonArray pieces = new JsonArray();
    if (single != null && single.isJsonPrimitive()) {
      for (String word : single.getAsString().trim().split("\\s+")) {
        String name = word.contains(":") ? word.substring(0, word.lastIndexOf(':')) : word;
        JsonObject piece = new JsonObject();
        JsonObject inner = new JsonObject();
        inner.addProperty("id", name);
        piece.add(name.startsWith("$") ? "Sequence" : "SpecialToken", inner);
        pieces.add(piece);
      }
    }
    return pieces;
  }
}
