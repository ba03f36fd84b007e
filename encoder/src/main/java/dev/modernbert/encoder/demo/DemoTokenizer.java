package dev.modernbert.encoder.demo;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small WordPiece {@code tokenizer.json} in Hugging Face's format: BERT normalisation (lower
 * case, accents stripped), BERT pre-tokenisation, {@code [CLS] $A [SEP]}. The vocabulary has every
 * ASCII letter, digit and punctuation mark (alone and as a {@code ##} continuation), so any English
 * text tokenises without {@code [UNK]}, plus a few hundred common words.
 */
final class DemoTokenizer {
  static final List<String> SPECIAL = List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]");

  private static final String WORDS =
      "the of and to in is was for on that with as by at from it an be this are or which has have"
          + " not but were had their its one all also can new more first other after two been when"
          + " who they into data spark model text token tokens embedding embeddings vector vectors"
          + " search query document documents language learning machine fast long short encoder"
          + " transformer attention window global local batch batches memory speed cluster job jobs"
          + " city river mountain music film book science history art game team player season"
          + " water food energy market price company business money bank school student teacher"
          + " health doctor patient computer software code program network server cloud storage"
          + " weather rain sun snow cold warm summer winter spring autumn day night time year week"
          + " good bad great small large big old young high low open close run read write play"
          + " people world country state government law war peace life love family friend house"
          + " car train road travel trip ship air plane sea ocean island forest tree animal dog cat"
          + " bird fish horse red blue green black white yellow light dark sound voice word words"
          + " paris london berlin tokyo rome madrid york alice bob carol dave eve";

  private DemoTokenizer() {}

  /** The vocabulary, ids in order: specials, characters, continuations, words, then [unusedN]. */
  static Map<String, Integer> vocabulary(int size) {
    Map<String, Integer> vocab = new LinkedHashMap<>();
    SPECIAL.forEach(t -> vocab.put(t, vocab.size()));
    for (char c = 33; c < 127; c++) {
      if (Character.isUpperCase(c)) {
        continue; // the normaliser lower-cases first
      }
      vocab.putIfAbsent(String.valueOf(c), vocab.size());
      vocab.putIfAbsent("##" + c, vocab.size());
    }
    for (String w : WORDS.split(" ")) {
      vocab.putIfAbsent(w, vocab.size());
    }
    for (int i = 0; vocab.size() < size; i++) {
      vocab.put("[unused" + i + "]", vocab.size());
    }
    if (vocab.size() > size) {
      throw new IllegalStateException(
          "demo vocabulary needs " + vocab.size() + " ids, more than " + size);
    }
    return vocab;
  }

  static String json(Map<String, Integer> vocab) {
    JsonObject root = new JsonObject();
    root.addProperty("version", "1.0");
    root.add("truncation", null);
    root.add("padding", null);
    JsonArray added = new JsonArray();
    for (String t : SPECIAL) {
      JsonObject a = new JsonObject();
      a.addProperty("id", vocab.get(t));
      a.addProperty("content", t);
      a.addProperty("single_word", false);
      a.addProperty("lstrip", false);
      a.addProperty("rstrip", false);
      a.addProperty("normalized", false);
      a.addProperty("special", true);
      added.add(a);
    }
    root.add("added_tokens", added);
    JsonObject normalizer = new JsonObject();
    normalizer.addProperty("type", "BertNormalizer");
    normalizer.addProperty("clean_text", true);
    normalizer.addProperty("handle_chinese_chars", true);
    normalizer.addProperty("strip_accents", true);
    normalizer.addProperty("lowercase", true);
    root.add("normalizer", normalizer);
    JsonObject pre = new JsonObject();
    pre.addProperty("type", "BertPreTokenizer");
    root.add("pre_tokenizer", pre);
    root.add("post_processor", template(vocab));
    JsonObject decoder = new JsonObject();
    decoder.addProperty("type", "WordPiece");
    decoder.addProperty("prefix", "##");
    decoder.addProperty("cleanup", true);
    root.add("decoder", decoder);
    JsonObject model = new JsonObject();
    model.addProperty("type", "WordPiece");
    model.addProperty("unk_token", "[UNK]");
    model.addProperty("continuing_subword_prefix", "##");
    model.addProperty("max_input_chars_per_word", 100);
    JsonObject v = new JsonObject();
    vocab.forEach(v::addProperty);
    model.add("vocab", v);
    root.add("model", model);
    return new GsonBuilder().serializeNulls().setPrettyPrinting().create().toJson(root);
  }

  private static JsonObject template(Map<String, Integer> vocab) {
    JsonObject post = new JsonObject();
    post.addProperty("type", "TemplateProcessing");
    post.add("single", pieces("A"));
    JsonArray pair = pieces("A");
    JsonArray b = pieces("B");
    b.remove(0); // [CLS] A [SEP] B [SEP]
    b.forEach(pair::add);
    post.add("pair", pair);
    JsonObject special = new JsonObject();
    for (String t : List.of("[CLS]", "[SEP]")) {
      JsonObject s = new JsonObject();
      s.addProperty("id", t);
      JsonArray ids = new JsonArray();
      ids.add(vocab.get(t));
      s.add("ids", ids);
      JsonArray tokens = new JsonArray();
      tokens.add(t);
      s.add("tokens", tokens);
      special.add(t, s);
    }
    post.add("special_tokens", special);
    return post;
  }

  private static JsonArray pieces(String sequence) {
    JsonArray a = new JsonArray();
    a.add(specialPiece("[CLS]"));
    JsonObject seq = new JsonObject();
    JsonObject inner = new JsonObject();
    inner.addProperty("id", sequence);
    inner.addProperty("type_id", 0);
    seq.add("Sequence", inner);
    a.add(seq);
    a.add(specialPiece("[SEP]"));
    return a;
  }

  private static JsonObject specialPiece(String token) {
    JsonObject piece = new JsonObject();
    JsonObject inner = new JsonObject();
    inner.addProperty("id", token);
    inner.addProperty("type_id", 0);
    piece.add("SpecialToken", inner);
    return piece;
  }
}
