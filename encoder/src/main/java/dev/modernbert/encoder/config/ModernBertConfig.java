package dev.modernbert.encoder.config;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.modernbert.encoder.checkpoint.CheckpointException;
import dev.modernbert.encoder.checkpoint.JsonFiles;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Every hyper-parameter of a ModernBERT checkpoint, with Hugging Face's {@code ModernBertConfig}
 * defaults (which are ModernBERT-base's). Reads both config layouts: transformers 4.x ({@code
 * global_rope_theta}, {@code local_rope_theta}, {@code global_attn_every_n_layers}) and 5.x ({@code
 * rope_parameters}, {@code layer_types}), and mmBERT's conventions ({@code local_rope_theta} equal
 * to the global one, special ids pad 0 / eos=sep 1 / bos=cls 2, {@code position_embedding_type}).
 *
 * @param globalLayers per layer: true for full ("global") attention, false for sliding window
 * @param localAttention the total sliding window; a query sees keys with |i-j| <= localAttention/2
 * @param id2label label names by class index, empty for checkpoints without a classifier
 * @param clsTokenId the id HF's config names {@code cls_token_id} (mmBERT: its {@code <bos>}, 2);
 *     informational: which special tokens a text gets is the tokenizer's post-processor's business
 * @param positionEmbeddingType mmBERT's {@code position_embedding_type} ("sans_pos"), null when
 *     absent; kept as HF keeps it, as an extra attribute without effect (ModernBERT always uses
 *     RoPE)
 */
public record ModernBertConfig(
    List<String> architectures,
    int vocabSize,
    int hiddenSize,
    int intermediateSize,
    int numHiddenLayers,
    int numAttentionHeads,
    Activation hiddenActivation,
    int maxPositionEmbeddings,
    double normEps,
    boolean normBias,
    int padTokenId,
    int clsTokenId,
    int sepTokenId,
    int bosTokenId,
    int eosTokenId,
    String positionEmbeddingType,
    double globalRopeTheta,
    double localRopeTheta,
    List<Boolean> globalLayers,
    int localAttention,
    boolean attentionBias,
    boolean mlpBias,
    boolean decoderBias,
    boolean tieWordEmbeddings,
    String classifierPooling,
    boolean classifierBias,
    Activation classifierActivation,
    Map<Integer, String> id2label,
    String problemType) {

  public int headDim() {
    return hiddenSize / numAttentionHeads;
  }

  /** Half-width of the sliding window: local layers attend to keys with |i-j| <= this. */
  public int windowRadius() {
    return localAttention / 2;
  }

  public boolean isGlobal(int layer) {
    return globalLayers.get(layer);
  }

  /** The ModernBERT-base shape with HF's defaults; the basis of the benchmark model. */
  public static ModernBertConfig base() {
    return parse(new JsonObject(), "defaults");
  }

  public static ModernBertConfig read(Path configJson) {
    if (!Files.isRegularFile(configJson)) {
      throw new CheckpointException(
          "no config.json at "
              + configJson
              + ": a model folder needs the config.json of its checkpoint");
    }
    return parse(JsonFiles.object(configJson), configJson.toString());
  }

  /** Builds a config from parsed JSON; {@code source} names it in error messages. */
  public static ModernBertConfig parse(JsonObject json, String source) {
    Fields f = new Fields(json, source);
    String modelType = f.string("model_type", "modernbert");
    if (!modelType.equals("modernbert")) {
      throw f.error(
          "model_type", "is \"" + modelType + "\"; only \"modernbert\" checkpoints are supported");
    }
    int hidden = f.positiveInt("hidden_size", 768);
    int heads = f.positiveInt("num_attention_heads", 12);
    if (hidden % heads != 0) {
      throw f.error("hidden_size", hidden + " is not a multiple of num_attention_heads " + heads);
    }
    if ((hidden / heads) % 2 != 0) {
      throw f.error(
          "num_attention_heads",
          "gives an odd head_dim " + hidden / heads + "; RoPE needs an even one");
    }
    int layers = f.positiveInt("num_hidden_layers", 22);
    int localAttention = f.positiveInt("local_attention", 128);
    if (localAttention % 2 != 0) {
      throw f.error(
          "local_attention", localAttention + " must be even (the window is ±local_attention/2)");
    }
    double globalTheta = f.positiveDouble("global_rope_theta", 160000.0);
    double localTheta =
        json.has("local_rope_theta") && json.get("local_rope_theta").isJsonNull()
            ? globalTheta // HF 4.x: None means "use the global theta"
            : f.positiveDouble("local_rope_theta", 10000.0);
    if (json.has("rope_parameters") && !json.get("rope_parameters").isJsonNull()) {
      JsonObject rope = f.object("rope_parameters");
      globalTheta = ropeTheta(rope, "full_attention", globalTheta, f);
      localTheta = ropeTheta(rope, "sliding_attention", localTheta, f);
    }
    List<Boolean> globalLayers = layerPattern(json, f, layers);
    String pooling = f.string("classifier_pooling", "cls");
    if (!pooling.equals("cls") && !pooling.equals("mean")) {
      throw f.error("classifier_pooling", "is \"" + pooling + "\"; must be \"cls\" or \"mean\"");
    }
    int clsId = f.nonNegativeInt("cls_token_id", 50281);
    int sepId = f.nonNegativeInt("sep_token_id", 50282);
    int vocab = f.positiveInt("vocab_size", 50368);
    for (String idField :
        List.of("cls_token_id", "sep_token_id", "pad_token_id", "bos_token_id", "eos_token_id")) {
      int id = f.nonNegativeInt(idField, 0);
      if (json.has(idField) && id >= vocab) {
        throw f.error(idField, id + " is outside the vocabulary (vocab_size " + vocab + ")");
      }
    }
    return new ModernBertConfig(
        f.stringList("architectures"),
        vocab,
        hidden,
        f.positiveInt("intermediate_size", 1152),
        layers,
        heads,
        Activation.fromHf(f.string("hidden_activation", "gelu"), "hidden_activation"),
        f.positiveInt("max_position_embeddings", 8192),
        f.positiveDouble("norm_eps", 1e-5),
        f.bool("norm_bias", false),
        f.nonNegativeInt("pad_token_id", 50283),
        clsId,
        sepId,
        f.nonNegativeInt("bos_token_id", 50281),
        f.nonNegativeInt("eos_token_id", 50282),
        f.string("position_embedding_type", null),
        globalTheta,
        localTheta,
        globalLayers,
        localAttention,
        f.bool("attention_bias", false),
        f.bool("mlp_bias", false),
        f.bool("decoder_bias", true),
        f.bool("tie_word_embeddings", true),
        pooling,
        f.bool("classifier_bias", false),
        Activation.fromHf(f.string("classifier_activation", "gelu"), "classifier_activation"),
        id2label(json, f),
        json.has("problem_type") && !json.get("problem_type").isJsonNull()
            ? f.string("problem_type", null)
            : null);
  }

  private static double ropeTheta(JsonObject rope, String type, double fallback, Fields f) {
    String field = "rope_parameters." + type;
    JsonElement e = rope.get(type);
    if (e == null || e.isJsonNull()) {
      return fallback;
    }
    if (!e.isJsonObject()) {
      throw f.error(field, "must be a JSON object, got " + JsonFiles.shown(e));
    }
    Fields p = f.nested(e.getAsJsonObject(), field + ".");
    String ropeType = p.string("rope_type", "default");
    if (!ropeType.equals("default")) {
      throw f.error(
          field + ".rope_type", "is \"" + ropeType + "\"; only \"default\" RoPE is supported");
    }
    return p.positiveDouble("rope_theta", fallback);
  }

  private static List<Boolean> layerPattern(JsonObject json, Fields f, int layers) {
    if (json.has("layer_types") && !json.get("layer_types").isJsonNull()) {
      List<String> types = f.stringList("layer_types");
      List<Boolean> global = new ArrayList<>(types.size());
      if (types.size() != layers) {
        throw f.error(
            "layer_types", "has " + types.size() + " entries but num_hidden_layers is " + layers);
      }
      for (String t : types) {
        if (!t.equals("full_attention") && !t.equals("sliding_attention")) {
          throw f.error(
              "layer_types",
              "contains \"" + t + "\"; expected \"full_attention\" or \"sliding_attention\"");
        }
        global.add(t.equals("full_attention"));
      }
      return Collections.unmodifiableList(global);
    }
    // Computed, not stored: a config's num_hidden_layers costs nothing before the weights bound it.
    return new EveryNth(layers, f.positiveInt("global_attn_every_n_layers", 3));
  }

  /** Layer l is global when l % every == 0: HF's global_attn_every_n_layers, as a list. */
  private static final class EveryNth extends AbstractList<Boolean> implements Serializable {
    private static final long serialVersionUID = 1L;
    private final int size;
    private final int every;

    EveryNth(int size, int every) {
      this.size = size;
      this.every = every;
    }

    @Override
    public Boolean get(int layer) {
      Objects.checkIndex(layer, size);
      return layer % every == 0;
    }

    @Override
    public int size() {
      return size;
    }
  }

  private static Map<Integer, String> id2label(JsonObject json, Fields f) {
    Map<Integer, String> labels = new TreeMap<>();
    if (!json.has("id2label") || json.get("id2label").isJsonNull()) {
      return labels;
    }
    for (Map.Entry<String, JsonElement> e : f.object("id2label").entrySet()) {
      try {
        JsonElement label = e.getValue();
        if (!label.isJsonPrimitive()) {
          throw f.error(
              "id2label",
              "maps \""
                  + JsonFiles.abbreviate(e.getKey())
                  + "\" to "
                  + JsonFiles.shown(label)
                  + "; labels must be strings");
        }
        labels.put(Integer.parseInt(e.getKey()), label.getAsString());
      } catch (NumberFormatException ex) {
        throw f.error(
            "id2label", "has a non-integer key \"" + JsonFiles.abbreviate(e.getKey()) + "\"");
      }
    }
    return Collections.unmodifiableMap(labels);
  }

  /** Typed access to config fields with defaults and errors that name the field. */
  private static final class Fields {
    private final JsonObject json;
    private final String source;
    private final String prefix;

    Fields(JsonObject json, String source) {
      this(json, source, "");
    }

    private Fields(JsonObject json, String source, String prefix) {
      this.json = json;
      this.source = source;
      this.prefix = prefix;
    }

    /** The fields of a nested object, named {@code prefix + key} in errors. */
    Fields nested(JsonObject object, String prefix) {
      return new Fields(object, source, this.prefix + prefix);
    }

    CheckpointException error(String field, String problem) {
      return JsonFiles.error(source, prefix + field, problem);
    }

    private JsonElement get(String field) {
      return JsonFiles.value(json, field);
    }

    String string(String field, String def) {
      JsonElement e = get(field);
      return e == null ? def : JsonFiles.string(e, prefix + field, source);
    }

    boolean bool(String field, boolean def) {
      JsonElement e = get(field);
      return e == null ? def : JsonFiles.bool(e, prefix + field, source);
    }

    private double number(String field, double def) {
      JsonElement e = get(field);
      return e == null ? def : JsonFiles.number(e, prefix + field, source);
    }

    int positiveInt(String field, int def) {
      int v = integer(field, def);
      if (v <= 0) {
        throw error(field, "must be positive, got " + v);
      }
      return v;
    }

    int nonNegativeInt(String field, int def) {
      int v = integer(field, def);
      if (v < 0) {
        throw error(field, "must not be negative, got " + v);
      }
      return v;
    }

    private int integer(String field, int def) {
      JsonElement e = get(field);
      return e == null ? def : JsonFiles.integer(e, prefix + field, source);
    }

    double positiveDouble(String field, double def) {
      double v = number(field, def);
      if (!(v > 0)) {
        throw error(field, "must be positive, got " + v);
      }
      return v;
    }

    JsonObject object(String field) {
      JsonElement e = get(field);
      if (e == null || !e.isJsonObject()) {
        throw error(field, "must be a JSON object, got " + JsonFiles.shown(e));
      }
      return e.getAsJsonObject();
    }

    List<String> stringList(String field) {
      JsonElement e = get(field);
      if (e == null) {
        return List.of();
      }
      if (!e.isJsonArray()) {
        throw error(field, "must be a list of strings, got " + JsonFiles.shown(e));
      }
      List<String> out = new ArrayList<>();
      for (JsonElement item : (JsonArray) e) {
        if (!item.isJsonPrimitive() || !item.getAsJsonPrimitive().isString()) {
          throw error(field, "must be a list of strings, got " + JsonFiles.shown(e));
        }
        out.add(item.getAsString());
      }
      return Collections.unmodifiableList(out);
    }
  }
}
